import type { ObjectDelta } from '../../core/connector-space.js';
import type { Contribution } from '../../core/metaverse.js';
import { parseWithValues, stringifyWithValues } from '../../core/value-codec.js';

/**
 * Compact row encodings for the two maps that repeat the same source for nearly every attribute:
 * an MV object's contributions (connector, rule and CS id per attribute) and a delta's `sources`
 * (rule per attribute). Stored grouped by source, they shrink a metaverse row about fourfold, and
 * smaller rows are what keeps a sync's writes fast.
 */
type ContributionGroup = [connector: string, rule: string, csId: string, attributes: string[]];

export function encodeContributions(contributions: Readonly<Record<string, Contribution>>): string {
  const groups = new Map<string, ContributionGroup>();
  for (const attribute in contributions) {
    const c = contributions[attribute] as Contribution;
    const key = `${c.connector}\u0000${c.rule}\u0000${c.csId}`;
    const group = groups.get(key);
    if (group) group[3].push(attribute);
    else groups.set(key, [c.connector, c.rule, c.csId, [attribute]]);
  }
  return JSON.stringify([...groups.values()]);
}

export function decodeContributions(text: string): Record<string, Contribution> {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return parsed as Record<string, Contribution>;
  const out: Record<string, Contribution> = {};
  for (const [connector, rule, csId, attributes] of parsed as ContributionGroup[]) {
    for (const attribute of attributes) out[attribute] = { connector, rule, csId };
  }
  return out;
}

type StoredDelta = Omit<ObjectDelta, 'sources'> & { sources?: Record<string, string[]> };

export function encodeDelta(delta: ObjectDelta): string {
  if (!delta.sources) return stringifyWithValues(delta);
  const byRule: Record<string, string[]> = {};
  for (const attribute in delta.sources) (byRule[delta.sources[attribute] as string] ??= []).push(attribute);
  return stringifyWithValues({ ...delta, sources: byRule });
}

export function decodeDelta(text: string): ObjectDelta {
  const stored = parseWithValues<StoredDelta>(text);
  if (!stored.sources) return stored as Omit<StoredDelta, 'sources'>;
  const sources: Record<string, string> = {};
  for (const [rule, attributes] of Object.entries(stored.sources))
    for (const attribute of attributes) sources[attribute] = rule;
  return { ...stored, sources };
}
