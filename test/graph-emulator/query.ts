/**
 * The OData subset the Graph emulator understands: `$filter` with `eq` on string properties,
 * `proxyAddresses/any(x:x eq '...')`, clauses joined by `or` / `and`; `$select`. Comparisons are
 * case-insensitive, as Graph's are for these properties, except the sourceAnchor's.
 */
export type Resource = Record<string, unknown>;

export class ODataError extends Error {}

type Predicate = (resource: Resource) => boolean;

const CASE_SENSITIVE = /^(onPremisesImmutableId|extension_\w+)$/;

/** Parses an OData string literal body: '' is an escaped quote. */
function literal(text: string): string {
  return text.replace(/''/g, "'");
}

function clause(text: string): Predicate {
  const any = /^(\w+)\/any\(\s*(\w+)\s*:\s*\2\s+eq\s+'((?:[^']|'')*)'\s*\)$/.exec(text);
  if (any) {
    const [, property = '', , value = ''] = any;
    const wanted = literal(value).toLowerCase();
    return (r) =>
      Array.isArray(r[property]) && (r[property] as unknown[]).some((v) => String(v).toLowerCase() === wanted);
  }
  const eq = /^([\w]+)\s+eq\s+(?:'((?:[^']|'')*)'|(null|true|false))$/.exec(text);
  if (eq) {
    const [, property = '', value, keyword] = eq;
    if (keyword === 'null') return (r) => r[property] === null || r[property] === undefined;
    if (keyword !== undefined) return (r) => r[property] === (keyword === 'true');
    const text = literal(value ?? '');
    // The sourceAnchor is case-sensitive in Entra ID ("JohnDoe" is not "johndoe"); other strings are not.
    if (CASE_SENSITIVE.test(property)) return (r) => r[property] === text;
    const wanted = text.toLowerCase();
    return (r) => typeof r[property] === 'string' && (r[property] as string).toLowerCase() === wanted;
  }
  throw new ODataError(`Unsupported or invalid query filter clause specified: '${text}'`);
}

/** Splits on a top-level keyword outside string literals. */
function split(text: string, keyword: 'or' | 'and'): string[] {
  const parts: string[] = [];
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") inString = !inString;
    if (!inString && text.startsWith(` ${keyword} `, i)) {
      parts.push(text.slice(start, i).trim());
      start = i + keyword.length + 2;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

export function parseFilter(text: string | null): Predicate {
  if (text === null || text.trim() === '') return () => true;
  const alternatives = split(text.trim(), 'or').map((part) => split(part, 'and').map(clause));
  return (r) => alternatives.some((all) => all.every((p) => p(r)));
}

/** Applies `$select` (id is always returned, as Graph does); without it, every property. */
export function project(resource: Resource, select: readonly string[] | null): Resource {
  if (!select) return { ...resource };
  const out: Resource = { id: resource.id };
  for (const name of select) out[name] = resource[name] ?? null;
  return out;
}

export function parseSelect(text: string | null): string[] | null {
  if (text === null || text.trim() === '') return null;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
