import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import { evaluateExpression, parseExpression } from './index.js';

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
  });
  return result.kind === 'values' ? result.values[0] : result.kind;
}

describe('evaluation functions', () => {
  it('treats absent and empty-string attributes as not present', () => {
    expect(evaluate('IsPresent([a])')).toBe(false);
    expect(evaluate('IsPresent([a])', { a: [''] })).toBe(false);
    expect(evaluate('IsPresent([a])', { a: ['x'] })).toBe(true);
    expect(evaluate('IsNullOrEmpty([a])', { a: [''] })).toBe(true);
  });

  it('distinguishes NULL from an empty string with IsNull and IsEmpty', () => {
    expect(evaluate('IsNull([a])')).toBe(true);
    expect(evaluate('IsNull([a])', { a: [''] })).toBe(false);
    expect(evaluate('IsEmpty([a])', { a: [''] })).toBe(true);
  });

  it('tells strings from binary with IsString, as the stock sourceAnchor rule needs', () => {
    expect(evaluate('IsString([objectGUID])', { objectGUID: [new Uint8Array(16)] })).toBe(false);
    expect(evaluate('IsString([objectGUID])', { objectGUID: ['abc'] })).toBe(true);
  });

  it('accepts numbers and numeric text in IsNumeric', () => {
    expect(evaluate('IsNumeric([a])', { a: ['514'] })).toBe(true);
    expect(evaluate('IsNumeric([a])', { a: [7] })).toBe(true);
    expect(evaluate('IsNumeric([a])', { a: ['x1'] })).toBe(false);
  });

  it('ANDs and ORs bits, numeric strings included', () => {
    expect(evaluate('BitAnd(&HF, &HF7)')).toBe(7);
    expect(evaluate('BitAnd("514", 2)')).toBe(2);
    expect(evaluate('BitOr(1, 2)')).toBe(3);
  });

  it('keeps bits above 31 in BitAnd', () => {
    expect(evaluate('BitAnd([v], &H80000000)', { v: ['2147483650'] })).toBe(2147483648);
    expect(evaluate('BitAnd([v], 1)', { v: [0x1_0000_0001n] })).toBe(1);
  });

  it('tests a mask with IsBitSet', () => {
    expect(evaluate('IsBitSet(&HF, 4)')).toBe(true);
    expect(evaluate('IsBitSet(8, 4)')).toBe(false);
  });

  it('returns a number within the bounds from RandomNum', () => {
    const n = evaluate('RandomNum(100, 999)') as number;
    expect(n).toBeGreaterThanOrEqual(100);
    expect(n).toBeLessThanOrEqual(999);
  });
});
