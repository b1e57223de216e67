import { describe, expect, it } from 'vitest';
import { escapeDnValue, isDnValid, leafRdn, normalizeDn, normalizeParsedDn, parentDn, parseDn } from './dn.js';

const SAMPLES = [
  'CN=Jane Doe,OU=People,DC=example,DC=com',
  ' cn = Jane ,  ou=People ',
  'CN=#hash,DC=x',
  'CN=a=b<c>"d",DC=x',
  'CN=Doe\\, Jane,DC=x',
  'CN=a+SN=b,DC=x',
  'CN=Zoë,DC=x',
  'CN=,DC=x',
  'cn=tab\there,dc=x',
  'not a dn',
  '2.5.4.3=oid,DC=x',
  'CN={4C6D49376C5432486D55714F5A3977773644486D41413D3D}',
  'CN=Smith\\2C Jr.,OU=Users,DC=contoso,DC=com',
];

function parses(dn: string): boolean {
  try {
    parseDn(dn);
    return true;
  } catch {
    return false;
  }
}

describe('distinguished names', () => {
  it.each(SAMPLES)('normalizes %j the same on the fast path as by a full parse', (dn) => {
    expect(normalizeDn(dn)).toBe(normalizeParsedDn(dn));
    expect(isDnValid(dn)).toBe(parses(dn));
  });

  it('normalizes DNs that differ in case, spacing and escaping to the same key', () => {
    expect(normalizeDn('CN=Doe\\, Jane , OU=Staff,DC=X')).toBe(normalizeDn('cn=doe\\2c jane,ou=staff,dc=x'));
  });

  it('escapes the characters RFC 4514 reserves', () => {
    expect(escapeDnValue(' #a,b+c"d\\e<f>g;h=i ')).toBe('\\ #a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i\\ ');
  });

  it('gives the parent and the leaf RDN', () => {
    expect(parentDn('CN=Doe\\, Jane,OU=Staff,DC=x')).toBe('OU=Staff,DC=x');
    expect(leafRdn('CN=Doe\\, Jane,OU=Staff,DC=x')).toBe('CN=Doe\\, Jane');
  });

  it('reads values with and without escapes alike, dropping unescaped trailing spaces', () => {
    expect(parseDn('CN=Doe\\, Jane  ,OU=A\\20 ,DC=Zo\\C3\\AB+SN=x')).toEqual([
      [{ type: 'CN', value: 'Doe, Jane' }],
      [{ type: 'OU', value: 'A ' }],
      [
        { type: 'DC', value: 'Zoë' },
        { type: 'SN', value: 'x' },
      ],
    ]);
    expect(parseDn('CN=plain value  ;O=x')).toEqual([
      [{ type: 'CN', value: 'plain value' }],
      [{ type: 'O', value: 'x' }],
    ]);
    // A lone surrogate cannot be UTF-8: it reads as U+FFFD, with or without an escape beside it.
    expect(parseDn('CN=a\uD800b')).toEqual([[{ type: 'CN', value: 'a\uFFFDb' }]]);
    expect(parseDn('CN=a\uD800\\2C')).toEqual([[{ type: 'CN', value: 'a\uFFFD,' }]]);
  });

  it('rejects a DN without "="', () => {
    expect(isDnValid('not a dn')).toBe(false);
  });
});
