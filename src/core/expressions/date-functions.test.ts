import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { evaluateExpression, parseExpression } from './index.js';

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
    now: () => new Date('2024-02-29T12:34:56.789Z'),
  });
  return result.kind === 'values' ? result.values[0] : result.kind;
}

describe('date functions', () => {
  it('converts an AD FILETIME to a date, as the reference example shows', () => {
    expect(evaluate('FormatDateTime(DateFromNum(129699324000000000),"yyyy-MM-dd HH:mm:ss")')).toBe(
      '2012-01-01 23:00:00',
    );
  });

  // 2014-09-05T08:14:53Z is 130543784930000000 ticks of 100 ns after 1601-01-01 (computed with Python's datetime).
  it('formats pwdLastSet the way the stock rule does', () => {
    const source =
      'IIF(IsPresent([pwdLastSet]),CStr(FormatDateTime(DateFromNum([pwdLastSet]),"yyyyMMddHHmmss.0Z")),NULL)';
    expect(evaluate(source, { pwdLastSet: ['130543784930000000'] })).toBe('20140905081453.0Z');
    expect(evaluate(source)).toBe('null');
  });

  it('converts a date back to a FILETIME with NumFromDate', () => {
    expect(evaluate('NumFromDate(CDate("2012-01-01 23:00:00"))')).toBe(129699324000000000n);
  });

  it('parses dates with a time zone offset in CDate', () => {
    expect(evaluate('FormatDateTime(CDate("2013-01-10 4:00 PM -8"),"yyyy-MM-dd HH:mm")')).toBe('2013-01-11 00:00');
    expect(evaluate('FormatDateTime(CDate("12/25/2007"),"yyyy-MM-dd")')).toBe('2007-12-25');
  });

  it('tells dates from other text with IsDate', () => {
    expect(evaluate('IsDate("2007-02-30")')).toBe(false);
    expect(evaluate('IsDate("2007-02-28")')).toBe(true);
  });

  it('adds months without running past the end of the month', () => {
    expect(evaluate('FormatDateTime(DateAdd("m", 1, CDate("2001-01-31")),"yyyy-MM-dd")')).toBe('2001-02-28');
    expect(evaluate('FormatDateTime(DateAdd("d", -1, CDate("2001-03-01")),"yyyy-MM-dd")')).toBe('2001-02-28');
  });

  it('reads the clock from the context in Now', () => {
    expect(evaluate('FormatDateTime(Now(), "dddd d MMMM yyyy h:mm:ss.fff tt")')).toBe(
      'Thursday 29 February 2024 12:34:56.789 PM',
    );
  });

  it('copies quoted and unknown format characters literally', () => {
    expect(evaluate('FormatDateTime(Now(), "\'y\'yyyy\\\\Q")')).toBe('y2024Q');
  });
});
