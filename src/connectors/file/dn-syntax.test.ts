import { describe, expect, it } from 'vitest';
import { isDnValid, normalizeDn } from '../../core/dn.js';
import { isDnSyntaxValid, normalizeFileDn } from './dn-syntax.js';

const samples = [
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
];

describe('dn-syntax fast paths', () => {
  it.each(samples)('agree with core/dn for %j', (dn) => {
    expect(isDnSyntaxValid(dn)).toBe(isDnValid(dn));
    expect(normalizeFileDn(dn)).toBe(normalizeDn(dn));
  });
});
