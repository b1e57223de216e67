import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { evaluateExpression, parseExpression } from './index.js';

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
  });
  return result.kind === 'values' ? (result.values.length === 1 ? result.values[0] : result.values) : result.kind;
}

const proxyAddresses = ['smtp:jd@contoso.com', 'SMTP:john.doe@contoso.com', 'sip:jd@contoso.com'];

describe('multi-valued functions', () => {
  it('returns a 1-based item with Item', () => {
    expect(evaluate('Item([proxyAddresses], 2)', { proxyAddresses })).toBe('SMTP:john.doe@contoso.com');
  });

  it('returns NULL from ItemOrNull when the index is out of range', () => {
    expect(evaluate('ItemOrNull([proxyAddresses], 4)', { proxyAddresses })).toBe('null');
  });

  it('treats a single value as a one-item list in Item', () => {
    expect(evaluate('Item([description], 1)', { description: ['only'] })).toBe('only');
  });

  it('finds the index of the first value containing a string with Contains, case-sensitively', () => {
    expect(evaluate('Contains([proxyAddresses], "SMTP:")', { proxyAddresses })).toBe(2);
    expect(evaluate('Contains([proxyAddresses], "SMTP:", CaseInsensitive)', { proxyAddresses })).toBe(1);
    expect(evaluate('Contains([proxyAddresses], "x500:")', { proxyAddresses })).toBe(0);
  });

  it('extracts the primary address with the documented Item/Contains/Mid example', () => {
    expect(evaluate('Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6)', { proxyAddresses })).toBe(
      'john.doe@contoso.com',
    );
  });

  it('requires references to match exactly in Contains', () => {
    const member = [{ ref: 'CN=a,DC=x' }, { ref: 'CN=b,DC=x' }];
    expect(evaluate('Contains([member], "CN=b,DC=x")', { member })).toBe(2);
    expect(evaluate('Contains([member], "CN=b")', { member })).toBe(0);
  });

  it('counts values with Count, NULL having none', () => {
    expect(evaluate('Count([proxyAddresses])', { proxyAddresses })).toBe(3);
    expect(evaluate('Count([missing])')).toBe(0);
  });

  it('joins values with a delimiter, a space by default', () => {
    expect(evaluate('Join([a], ",")', { a: ['x', 'y'] })).toBe('x,y');
    expect(evaluate('Join([a])', { a: ['x', 'y'] })).toBe('x y');
  });

  it('splits text into values with Split', () => {
    expect(evaluate('Split("SMTP:a@x.com,smtp:b@x.com", ",")')).toEqual(['SMTP:a@x.com', 'smtp:b@x.com']);
  });

  it('keeps the rest in the last value when Split has a limit', () => {
    expect(evaluate('Split("a,b,c", ",", 2)')).toEqual(['a', 'b,c']);
  });

  it('round-trips Split and Join', () => {
    expect(evaluate('Join(Split("a;b;c", ";"), ";")')).toBe('a;b;c');
  });

  it('removes duplicate values, keeping the first', () => {
    expect(evaluate('RemoveDuplicates([a])', { a: ['x', 'y', 'x', 'X'] })).toEqual(['x', 'y', 'X']);
  });

  it('returns the first present argument with Coalesce', () => {
    expect(evaluate('Coalesce([a], [b], "default")', { b: ['B'] })).toBe('B');
    expect(evaluate('Coalesce([a], "")')).toBe('null');
  });
});
