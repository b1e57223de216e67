import { escapeDnValue, parseDn } from '../../core/dn.js';

/**
 * Escapes a value for an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL always,
 * and every byte outside printable ASCII of binary values, as `\XX`.
 */
export function escapeFilterValue(value: string | Uint8Array): string {
  if (typeof value !== 'string') {
    let out = '';
    for (const byte of value) out += '\\' + byte.toString(16).padStart(2, '0');
    return out;
  }
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '*':
        out += '\\2a';
        break;
      case '(':
        out += '\\28';
        break;
      case ')':
        out += '\\29';
        break;
      case '\\':
        out += '\\5c';
        break;
      case '\0':
        out += '\\00';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** `(attribute=value)` with the value escaped; `attribute` must be a configured name, never data. */
export function equalityFilter(attribute: string, value: string | Uint8Array): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** `(|(a=v1)(a=v2)...)`, or the single clause for one value. */
export function anyOfFilter(attribute: string, values: readonly (string | Uint8Array)[]): string {
  const clauses = values.map((v) => equalityFilter(attribute, v));
  return clauses.length === 1 ? (clauses[0] as string) : `(|${clauses.join('')})`;
}

/**
 * A DN re-rendered for the wire (RFC 4514), with every backslash in a value written as `\5c`:
 * ldapts splits a new DN into RDN and superior at the first comma not preceded by a backslash,
 * which a value ending in an escaped backslash (`cn=a\\,ou=x`) would fool.
 * Throws `DnSyntaxError` when the DN does not parse.
 */
export function wireDn(dn: string): string {
  return parseDn(dn)
    .map((rdn) => rdn.map((part) => `${part.type}=${escapeDnValue(part.value).replace(/\\\\/g, '\\5c')}`).join('+'))
    .join(',');
}
