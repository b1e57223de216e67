import { FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { parseDn } from '../../core/dn.js';
import { anyOfFilter, equalityFilter, escapeFilterValue, wireDn } from './ldap-filter.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the filter metacharacters and NUL', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
  });

  it('leaves other text, including non-ASCII, as it is', () => {
    expect(escapeFilterValue("Zoë O'Brien, Jr.")).toBe("Zoë O'Brien, Jr.");
  });

  it('escapes every byte of a binary value', () => {
    expect(escapeFilterValue(new Uint8Array([0, 0x2a, 0xff]))).toBe('\\00\\2a\\ff');
  });

  it('builds filters that parse back to the hostile value', () => {
    const hostile = '*)(uid=*))(|(uid=*';
    const filter = FilterParser.parseString(equalityFilter('uid', hostile));
    expect(filter.toString()).toBe(`(uid=${escapeFilterValue(hostile)})`);
    expect(anyOfFilter('entryUUID', ['a', 'b*'])).toBe('(|(entryUUID=a)(entryUUID=b\\2a))');
    expect(anyOfFilter('entryUUID', ['a'])).toBe('(entryUUID=a)');
  });
});

describe('wireDn (RFC 4514)', () => {
  it('keeps a DN that needs no escaping as it is', () => {
    expect(wireDn('uid=ada,ou=people,dc=example,dc=com')).toBe('uid=ada,ou=people,dc=example,dc=com');
  });

  it('writes a backslash as \\5c so the RDN/superior split cannot be fooled', () => {
    const dn = 'cn=ends with\\\\,ou=people,dc=example,dc=com';
    expect(parseDn(dn)[0]?.[0]?.value).toBe('ends with\\');
    const wire = wireDn(dn);
    expect(wire).toBe('cn=ends with\\5c,ou=people,dc=example,dc=com');
    expect(parseDn(wire)).toEqual(parseDn(dn));
    // The first comma not preceded by a backslash ends the RDN, as ldapts's modifyDN splits it.
    expect(wire.slice(0, wire.search(/[^\\],/) + 1)).toBe('cn=ends with\\5c');
  });

  it('round-trips DN specials', () => {
    const value = ' #lead, "q" + <a> ; b=c \\ trail ';
    const dn = `cn=${value
      .replace(/[,+"\\<>;=]/g, (c) => '\\' + c)
      .replace(/^ /, '\\ ')
      .replace(/ $/, '\\ ')},dc=example`;
    expect(parseDn(wireDn(dn))[0]?.[0]?.value).toBe(value);
  });

  it('throws on a DN that does not parse', () => {
    expect(() => wireDn('not a dn')).toThrow(/invalid DN/);
  });
});
