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

describe('text functions', () => {
  it('trims white space with Trim, LTrim and RTrim', () => {
    expect(evaluate('"[" & Trim(" Test ") & "|" & LTrim(" Test ") & "|" & RTrim(" Test ") & "]"')).toBe(
      '[Test|Test | Test]',
    );
  });

  it('changes case with LCase, UCase and PCase', () => {
    expect(evaluate('LCase("TeSt") & UCase("TeSt") & PCase("heLLo wORLD")')).toBe('testTESTHello World');
  });

  it('takes characters from the left and right', () => {
    expect(evaluate('Left("John Doe", 3) & "|" & Right("John Doe", 3)')).toBe('Joh|Doe');
  });

  it('follows the documented edge cases of Left: zero gives "", negative gives the whole string', () => {
    expect(evaluate('IsEmpty(Left("abc", 0))')).toBe(true);
    expect(evaluate('Left("abc", -1)')).toBe('abc');
    expect(evaluate('Left("abc", 10)')).toBe('abc');
  });

  it('returns an empty string from Left for a NULL string, as documented', () => {
    expect(evaluate('IsEmpty(Left([missing], 3))')).toBe(true);
  });

  it('takes characters from the middle with 1-based Mid', () => {
    expect(evaluate('Mid("John Doe", 3, 5)')).toBe('hn Do');
    expect(evaluate('Mid("John Doe", 6, 999)')).toBe('Doe');
    expect(evaluate('Mid("SMTP:a@x.com", 6)')).toBe('a@x.com');
  });

  it('returns the whole string from Mid when start is out of range, as documented', () => {
    expect(evaluate('Mid("abc", 0, 1) & Mid("abc", 4, 1)')).toBe('abcabc');
  });

  it('counts characters with Len', () => {
    expect(evaluate('Len("John Doe")')).toBe(8);
  });

  it('finds the 1-based position of a substring with InStr', () => {
    expect(evaluate('InStr("The quick brown fox","quick")')).toBe(5);
    expect(evaluate('InStr("repEated","e",3,vbBinaryCompare)')).toBe(7);
    expect(evaluate('InStr("repEated","e",3,vbTextCompare)')).toBe(4);
    expect(evaluate('InStr("abc","z")')).toBe(0);
  });

  it('finds the last occurrence with InStrRev', () => {
    expect(evaluate('InStrRev("abbcdbbbef","bb")')).toBe(7);
    expect(evaluate('InStrRev("abbcdbbbef","bb",6)')).toBe(2);
  });

  it('replaces every occurrence, understanding \\r \\n \\t monikers', () => {
    expect(evaluate('Replace("a-b-c","-","")')).toBe('abc');
    expect(evaluate('Replace([address],"\\r\\n",", ")', { address: ['One Way\r\nRedmond'] })).toBe('One Way, Redmond');
  });

  it('replaces single characters with ReplaceChars', () => {
    expect(evaluate('ReplaceChars("Räksmörgås", "ä:a,ö:o,å:a")')).toBe('Raksmorgas');
    expect(evaluate('ReplaceChars("O’Neil", "’:")')).toBe('ONeil');
  });

  it('pads with PadLeft and PadRight', () => {
    expect(evaluate('PadLeft("User", 10, "0") & PadRight("User", 6, "x")')).toBe('000000UserUserxx');
  });

  it('returns the nth word with Word, treating every delimiter character as a separator', () => {
    expect(evaluate('Word("The quick brown fox",3," ")')).toBe('brown');
    expect(evaluate('Word("This,string!has&many separators",3,",!&#")')).toBe('has');
    expect(evaluate('Word("User_abc",1,"_")')).toBe('User');
    expect(evaluate('IsEmpty(Word("a b",3," "))')).toBe(true);
  });

  it('applies text functions to every value of a multi-valued attribute', () => {
    expect(evaluate('UCase([otherMobile])', { otherMobile: ['a', 'b'] })).toEqual(['A', 'B']);
  });

  it('gives NULL for NULL input where the reference does not say otherwise', () => {
    expect(evaluate('Trim([missing])')).toBe('null');
    expect(evaluate('IsNull(InStr([missing], "x"))')).toBe(true);
  });

  it('accepts numbers where text is expected', () => {
    expect(evaluate('Len([employeeNumber])', { employeeNumber: [12345] })).toBe(5);
  });

  it('makes a random GUID with GUID()', () => {
    expect(evaluate('IsGuid(GUID())')).toBe(true);
  });
});
