/**
 * Distinguished names (RFC 4514): parsing, escaping and the normalized form used as a lookup key.
 */
export interface Rdn {
  readonly type: string;
  readonly value: string;
}

export class DnSyntaxError extends Error {
  override readonly name = 'DnSyntaxError';
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** Parses a DN into RDNs (multi-valued RDNs keep their `+` parts as separate entries of one RDN). */
export function parseDn(dn: string): Rdn[][] {
  const rdns: Rdn[][] = [];
  if (dn.trim() === '') return rdns;
  let current: Rdn[] = [];
  let i = 0;
  const n = dn.length;
  while (i < n) {
    while (i < n && dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError(`invalid DN "${dn}": missing "=" after position ${i}`);
    const type = dn.slice(i, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(type)) {
      throw new DnSyntaxError(`invalid DN "${dn}": bad attribute type "${type}"`);
    }
    i = eq + 1;
    let value: string;
    if (dn[i] === '#') {
      const start = i;
      while (i < n && dn[i] !== ',' && dn[i] !== '+') i++;
      value = dn.slice(start, i).trim();
    } else {
      while (i < n && dn[i] === ' ') i++;
      const end = plainValueEnd(dn, i);
      if (end >= 0) {
        let last = end;
        while (last > i && dn.charCodeAt(last - 1) === 32) last--;
        value = dn.slice(i, last);
        i = end;
      } else {
        [value, i] = readEscapedValue(dn, i);
      }
    }
    current.push({ type, value });
    if (i < n && dn[i] === '+') {
      i++;
      continue;
    }
    rdns.push(current);
    current = [];
    if (i < n) i++;
  }
  if (current.length > 0) rdns.push(current);
  return rdns;
}

/**
 * Where a value starting at `start` ends (at `,` `+` `;` or the end of the DN), when it holds no
 * escape and no lone surrogate, so that its text is the value; -1 when it must be decoded.
 */
function plainValueEnd(dn: string, start: number): number {
  for (let i = start; i < dn.length; i++) {
    const c = dn.charCodeAt(i);
    if (endsValue(c)) return i;
    if (c === 92 || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return dn.length;
}

/** `,` `+` or `;`: the end of an unescaped attribute value. */
function endsValue(code: number): boolean {
  return code === 44 || code === 43 || code === 59;
}

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder();
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Decodes a value with escapes (`\,`, `\4A`, UTF-8 hex pairs) up to its end; returns it and where
 * it ended. Runs of hex pairs are decoded as UTF-8 together; plain runs are copied as they are
 * (lone surrogates become U+FFFD, as UTF-8 would have them); unescaped trailing spaces are dropped.
 */
function readEscapedValue(dn: string, start: number): [string, number] {
  const n = dn.length;
  let out = '';
  let bytes: number[] = [];
  let trailingSpaces = 0;
  let i = start;
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    out += UTF8_DECODER.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  while (i < n) {
    const c = dn.charCodeAt(i);
    if (endsValue(c)) break;
    if (c === 92) {
      trailingSpaces = 0;
      const pair = dn.slice(i + 1, i + 3);
      if (HEX_PAIR.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 3;
        continue;
      }
      if (i + 1 >= n) throw new DnSyntaxError(`invalid DN "${dn}": dangling escape`);
      flushBytes();
      out += wellFormed(dn[i + 1] as string);
      i += 2;
      continue;
    }
    flushBytes();
    let end = i;
    while (end < n) {
      const d = dn.charCodeAt(end);
      if (endsValue(d) || d === 92) break;
      end++;
    }
    out += wellFormed(dn.slice(i, end));
    trailingSpaces = 0;
    while (trailingSpaces < end - i && dn.charCodeAt(end - 1 - trailingSpaces) === 32) trailingSpaces++;
    i = end;
  }
  flushBytes();
  return [out.slice(0, out.length - trailingSpaces), i];
}

/** The text with lone surrogates replaced by U+FFFD, as a round trip through UTF-8 gives it. */
function wellFormed(text: string): string {
  return SURROGATE.test(text) ? UTF8_DECODER.decode(UTF8_ENCODER.encode(text)) : text;
}

/**
 * What RFC 4514 §2.4 escapes: the special characters, control characters (as hex pairs), a leading
 * space or `#` and a trailing space. The one definition both finds and rewrites them, and a value
 * with none (nearly every value) comes back as it is.
 */
const NEEDS_ESCAPE = /[,+"\\<>;=\x00-\x1f\x7f]|^[ #]| $/g;

/** Escapes an attribute value for use in a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  return value.replace(NEEDS_ESCAPE, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `\\${code.toString(16).padStart(2, '0')}` : `\\${ch}`;
  });
}

export function formatDn(rdns: readonly (readonly Rdn[])[]): string {
  return rdns.map((rdn) => rdn.map((p) => `${p.type}=${escapeDnValue(p.value)}`).join('+')).join(',');
}

const normalizeCache = new Map<string, string>();

/**
 * DNs made only of `type=value` RDNs without escapes, `+` or `;` (nearly every DN a directory holds).
 * Every such DN parses, and splitting it on `,` gives the same RDNs `parseDn` would, so the fast
 * paths below agree with the parser by construction (a test compares them).
 */
const SIMPLE_DN = /^ *[A-Za-z][A-Za-z0-9-]* *=[^,+;\\]*(?:, *[A-Za-z][A-Za-z0-9-]* *=[^,+;\\]*)*$/;

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(start, end);
}

function normalizeSimpleDn(dn: string): string {
  const rdns = dn.split(',');
  for (let i = 0; i < rdns.length; i++) {
    const rdn = rdns[i] as string;
    const eq = rdn.indexOf('=');
    rdns[i] =
      `${trimSpaces(rdn.slice(0, eq)).toLowerCase()}=${escapeDnValue(trimSpaces(rdn.slice(eq + 1)).toLowerCase())}`;
  }
  return rdns.join(',');
}

/**
 * The normalized form used for DN lookups: attribute types and values lower-cased, escapes made
 * canonical, spaces around separators removed. Two DNs naming the same entry normalize equal
 * (directory string matching is case-insensitive for the naming attributes in use).
 * A DN that does not parse normalizes to its lower-cased, trimmed text.
 */
export function normalizeDn(dn: string): string {
  const cached = normalizeCache.get(dn);
  if (cached !== undefined) return cached;
  const normalized = dn.trim() !== '' && SIMPLE_DN.test(dn) ? normalizeSimpleDn(dn) : normalizeParsedDn(dn);
  if (normalizeCache.size > 10_000) normalizeCache.clear();
  normalizeCache.set(dn, normalized);
  return normalized;
}

/** `normalizeDn` by a full parse: the reference the fast path is tested against. */
export function normalizeParsedDn(dn: string): string {
  try {
    return parseDn(dn)
      .map((rdn) =>
        rdn
          .map((p) => `${p.type.toLowerCase()}=${escapeDnValue(p.value.toLowerCase())}`)
          .sort()
          .join('+'),
      )
      .join(',');
  } catch {
    return dn.trim().toLowerCase();
  }
}

/** The parent DN (`''` for a single-RDN DN). */
export function parentDn(dn: string): string {
  const rdns = parseDn(dn);
  return formatDn(rdns.slice(1));
}

/** The first RDN as text, e.g. `CN=Jane Doe`. */
export function leafRdn(dn: string): string {
  const rdns = parseDn(dn);
  return rdns.length > 0 ? formatDn(rdns.slice(0, 1)) : '';
}

export function isDnValid(dn: string): boolean {
  if (SIMPLE_DN.test(dn)) return true;
  try {
    parseDn(dn);
    return true;
  } catch {
    return false;
  }
}
