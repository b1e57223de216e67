import { escapeDnValue, isDnValid, normalizeDn } from '../../core/dn.js';

/**
 * DNs made only of `type=value` RDNs without escapes, `+` or `;` — nearly every DN in a directory file.
 * Every such DN is valid for `parseDn`, so the fast paths below agree with `core/dn` by construction.
 */
const SIMPLE_DN = /^ *[A-Za-z][A-Za-z0-9-]* *=[^,+;\\]*(?:, *[A-Za-z][A-Za-z0-9-]* *=[^,+;\\]*)*$/;

/** `isDnValid`, without the cost of a full parse for simple DNs (import reads one DN per record). */
export function isDnSyntaxValid(dn: string): boolean {
  return SIMPLE_DN.test(dn) || isDnValid(dn);
}

const trimSpaces = (text: string): string => text.replace(/^ +| +$/g, '');

/** `normalizeDn`, computed directly for simple DNs (export compares every record's DN). */
export function normalizeFileDn(dn: string): string {
  if (dn.trim() === '' || !SIMPLE_DN.test(dn)) return normalizeDn(dn);
  return dn
    .split(',')
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      const type = trimSpaces(rdn.slice(0, eq)).toLowerCase();
      return `${type}=${escapeDnValue(trimSpaces(rdn.slice(eq + 1)).toLowerCase())}`;
    })
    .join(',');
}
