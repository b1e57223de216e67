import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../values.js';
import {
  ExpressionError,
  evaluateExpression,
  parseExpression,
  type ExpressionContext,
  type ExpressionResult,
} from './index.js';

function context(attributes: Record<string, readonly AttributeValue[]> = {}): ExpressionContext {
  return {
    attribute: (name) => attributes[name],
    parameter: (name) => ({ 'Domain.FQDN': 'contoso.com' })[name],
  };
}

function evaluate(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): ExpressionResult {
  return evaluateExpression(parseExpression(source), context(attributes));
}

function failure(source: string, attributes: Record<string, readonly AttributeValue[]> = {}): ExpressionError {
  try {
    evaluate(source, attributes);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('evaluateExpression results', () => {
  it('returns the values of a flow', () => {
    expect(evaluate('[mail]', { mail: ['a@contoso.com'] })).toEqual({ kind: 'values', values: ['a@contoso.com'] });
  });

  it('returns null for NULL and for an absent attribute', () => {
    expect(evaluate('NULL')).toEqual({ kind: 'null' });
    expect(evaluate('[mail]')).toEqual({ kind: 'null' });
    expect(evaluate('[mail]', { mail: [] })).toEqual({ kind: 'null' });
  });

  it('returns authoritative-null for AuthoritativeNull', () => {
    expect(evaluate('IIF(IsPresent([a]), [a], AuthoritativeNull)')).toEqual({ kind: 'authoritative-null' });
  });

  it('returns ignore for IgnoreThisFlow, as the stock usageLocation flow does', () => {
    const source = 'IIF(IsNullOrEmpty([usageLocation]),IgnoreThisFlow,[usageLocation])';
    expect(evaluate(source)).toEqual({ kind: 'ignore' });
    expect(evaluate(source, { usageLocation: ['DE'] })).toEqual({ kind: 'values', values: ['DE'] });
  });

  it('passes a signal through the functions around it', () => {
    expect(evaluate('Trim(IIF(True, IgnoreThisFlow, "x"))')).toEqual({ kind: 'ignore' });
  });

  it('drops empty strings, so a blank value contributes nothing', () => {
    expect(evaluate('Trim([title])', { title: ['   '] })).toEqual({ kind: 'null' });
  });

  it('returns every value of a multi-valued result', () => {
    expect(evaluate('Trim([otherMobile])', { otherMobile: [' 1 ', '2 '] })).toEqual({
      kind: 'values',
      values: ['1', '2'],
    });
  });

  it('resolves parameters and gives NULL for unknown ones', () => {
    expect(evaluate('%Domain.FQDN%')).toEqual({ kind: 'values', values: ['contoso.com'] });
    expect(evaluate('%Forest.FQDN%')).toEqual({ kind: 'null' });
  });

  it('evaluates an Expression object that was not made by parseExpression', () => {
    const result = evaluateExpression({ source: 'UCase("x")', attributes: [], parameters: [] }, context());
    expect(result).toEqual({ kind: 'values', values: ['X'] });
  });

  it('turns dates into ISO 8601 text in results', () => {
    expect(evaluate('DateFromNum(129699324000000000)')).toEqual({
      kind: 'values',
      values: ['2012-01-01T23:00:00.000Z'],
    });
  });
});

describe('evaluateExpression errors', () => {
  it('throws sync-rule-error-function-triggered with the message from Error()', () => {
    const error = failure('IIF(IsPresent([accountName]),[accountName],Error("AccountName is required"))');
    expect(error.code).toBe('sync-rule-error-function-triggered');
    expect(error.message).toBe('AccountName is required');
  });

  it('does not evaluate the branch of IIF that is not taken', () => {
    expect(evaluate('IIF(True, "ok", Error("never"))')).toEqual({ kind: 'values', values: ['ok'] });
  });

  it('throws sync-rule-invalid-expression naming the function for a value of the wrong type', () => {
    const error = failure('BitAnd([userAccountControl], 2)', { userAccountControl: ['disabled'] });
    expect(error.code).toBe('sync-rule-invalid-expression');
    expect(error.message).toBe('BitAnd: expected a number, got string "disabled"');
  });

  it('refuses binary values where text is expected', () => {
    expect(failure('Trim([objectGUID])', { objectGUID: [new Uint8Array(16)] }).message).toMatch(
      /^Trim: expected a string/,
    );
  });

  it('refuses a multi-valued condition in ||', () => {
    expect(failure('[a] || True', { a: [true, false] }).message).toMatch(/^operator \|\|: expected a single Boolean/);
  });

  it('reports an Item index out of range', () => {
    expect(failure('Item([a], 3)', { a: ['x', 'y'] }).message).toBe(
      'Item: index 3 is out of range: the value has 2 item(s)',
    );
  });

  it('reports division by zero', () => {
    expect(failure('1 / 0').message).toBe('operator /: division by zero');
  });
});

describe('operators', () => {
  it('concatenates numbers and Booleans as text', () => {
    expect(evaluate('"n" & 5 & True')).toEqual({ kind: 'values', values: ['n5True'] });
  });

  it('gives NULL when a concatenated operand is NULL, so no half-built DN is produced', () => {
    expect(evaluate('"CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"')).toEqual({ kind: 'null' });
  });

  it('concatenates every value of a multi-valued operand', () => {
    const result = evaluate('Word([proxyAddresses],1,"@") & "@contoso.com"', {
      proxyAddresses: ['smtp:a@x.com', 'smtp:b@y.com'],
    });
    expect(result).toEqual({ kind: 'values', values: ['smtp:a@contoso.com', 'smtp:b@contoso.com'] });
  });

  it('compares numbers numerically, including numeric strings from LDIF', () => {
    expect(evaluate('[n] = 2', { n: ['2'] })).toEqual({ kind: 'values', values: [true] });
    expect(evaluate('[n] > 9', { n: ['10'] })).toEqual({ kind: 'values', values: [true] });
  });

  it('compares strings case-sensitively, as VBA binary compare does', () => {
    expect(evaluate('"abc" = "ABC"')).toEqual({ kind: 'values', values: [false] });
    expect(evaluate('"abc" <> "abd"')).toEqual({ kind: 'values', values: [true] });
  });

  it('compares Booleans with Boolean text', () => {
    expect(evaluate('[flag] = True', { flag: ['TRUE'] })).toEqual({ kind: 'values', values: [true] });
  });

  it('gives NULL for a comparison with NULL, which IIF treats as false', () => {
    expect(evaluate('[missing] = "x"')).toEqual({ kind: 'null' });
    expect(evaluate('IIF([missing] <> "x", "yes", "no")')).toEqual({ kind: 'values', values: ['no'] });
  });

  it('keeps 64-bit integer arithmetic exact', () => {
    expect(evaluate('9223372036854775806 + 1')).toEqual({ kind: 'values', values: [9223372036854775807n] });
  });

  it('negates numbers', () => {
    expect(evaluate('-[n] + 1', { n: ['5'] })).toEqual({ kind: 'values', values: [-4] });
  });

  it('short-circuits && and ||', () => {
    expect(evaluate('False && Error("x")')).toEqual({ kind: 'values', values: [false] });
    expect(evaluate('True || Error("x")')).toEqual({ kind: 'values', values: [true] });
  });
});

describe('program flow', () => {
  it('chooses value by value when IIF gets a multi-valued condition', () => {
    const source = 'IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses])';
    const result = evaluate(source, { proxyAddresses: ['SMTP:a@x.com', 'SIP:a@x.com', 'smtp:b@x.com'] });
    expect(result).toEqual({ kind: 'values', values: ['SMTP:a@x.com', 'smtp:b@x.com'] });
  });

  it('returns the value of the first true condition of Switch', () => {
    const source = 'Switch([city] = "London", "English", [city] = "Rome", "Italian", True, Error("Unknown city"))';
    expect(evaluate(source, { city: ['Rome'] })).toEqual({ kind: 'values', values: ['Italian'] });
    expect(failure(source, { city: ['Oslo'] }).message).toBe('Unknown city');
  });

  it('returns NULL from Switch when no condition is true', () => {
    expect(evaluate('Switch(False, 1)')).toEqual({ kind: 'null' });
  });

  it('applies a function to every value with Select', () => {
    const result = evaluate('Select($item,[otherPhone],Replace($item,"-",""))', { otherPhone: ['1-2', '3-4'] });
    expect(result).toEqual({ kind: 'values', values: ['12', '34'] });
  });

  it('filters values with Where', () => {
    const result = evaluate('Where($item,[proxyAddresses],Left($item,5)="SMTP:")', {
      proxyAddresses: ['SMTP:a', 'sip:b'],
    });
    expect(result).toEqual({ kind: 'values', values: ['SMTP:a'] });
  });

  it('names a sub-expression with With', () => {
    expect(evaluate('With($n, Count([a]), IIF($n > 1, $n, NULL))', { a: ['x', 'y'] })).toEqual({
      kind: 'values',
      values: [2],
    });
  });

  it('reads import-confirmed values with ImportedValue and falls back to the attribute', () => {
    const expression = parseExpression('RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))');
    const ctx: ExpressionContext = {
      ...context({ proxyAddresses: ['pending'] }),
      importedValue: (name) => (name === 'proxyAddresses' ? [' a ', 'a', 'b'] : undefined),
    };
    expect(evaluateExpression(expression, ctx)).toEqual({ kind: 'values', values: ['a', 'b'] });
    expect(evaluateExpression(expression, context({ proxyAddresses: ['c'] }))).toEqual({
      kind: 'values',
      values: ['c'],
    });
  });

  it('evaluates the accountEnabled flow many times without error (rate is measured, not asserted)', () => {
    const expression = parseExpression('IIF(BitAnd([userAccountControl],2)=0,True,False)');
    const ctx = context({ userAccountControl: [512] });
    for (let i = 0; i < 50_000; i++) evaluateExpression(expression, ctx);
    const runs = 200_000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) evaluateExpression(expression, ctx);
    const perSecond = Math.round(runs / ((performance.now() - started) / 1000));
    console.info(`accountEnabled expression: ${perSecond.toLocaleString('en-US')} evaluations/s`);
    expect(evaluateExpression(expression, ctx)).toEqual({ kind: 'values', values: [true] });
  });
});
