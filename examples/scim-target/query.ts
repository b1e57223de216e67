import type SCIMMY from 'scimmy';
import type { IndexedCondition } from './scim-store.js';

/* Query parameters and filters: what SQLite indexes can answer, and scimmy's matcher for the rest. */

const INDEXED = new Set(['id', 'username', 'externalid', 'displayname']);

/** One OR-branch of a parsed scimmy filter as indexed conditions, or null when it needs a scan. */
export function indexedBranch(branch: Record<string, unknown>): IndexedCondition[] | null {
  const conditions: IndexedCondition[] = [];
  for (const [key, expression] of Object.entries(branch)) {
    if (key.toLowerCase() === 'meta' && expression !== null && typeof expression === 'object') {
      const entries = Object.entries(expression);
      if (entries.length !== 1 || (entries[0]?.[0] ?? '').toLowerCase() !== 'lastmodified') return null;
      const [operator, value] = (entries[0]?.[1] ?? []) as unknown[];
      if (!['eq', 'gt', 'ge', 'lt', 'le'].includes(String(operator)) || typeof value !== 'string') return null;
      const time = new Date(value);
      if (Number.isNaN(time.getTime())) return null;
      conditions.push({
        attribute: 'meta.lastModified',
        operator: operator as IndexedCondition['operator'],
        value: time.toISOString(),
      });
      continue;
    }
    if (!INDEXED.has(key.toLowerCase()) || !Array.isArray(expression)) return null;
    const [operator, value] = expression as unknown[];
    if (operator !== 'eq' || typeof value !== 'string') return null;
    const attribute = (['id', 'userName', 'externalId', 'displayName'] as const).find(
      (name) => name.toLowerCase() === key.toLowerCase(),
    );
    if (attribute === undefined) return null;
    conditions.push({ attribute, operator: 'eq', value });
  }
  return conditions;
}

/** scimmy's matcher throws on some absent complex attributes; such a resource does not match. */
export function matches(filter: SCIMMY.Types.Filter, candidate: unknown): boolean {
  try {
    return filter.match([candidate as object]).length > 0;
  } catch {
    return false;
  }
}

export function parseQuery(text: string): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    query[key] = (key === 'startIndex' || key === 'count') && /^\d+$/.test(value) ? Number(value) : value;
  }
  return query;
}
