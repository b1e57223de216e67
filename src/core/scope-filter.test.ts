import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { compileScope, evaluateScope } from './scope-filter.js';
import type { ScopeCondition, ScopeFilter, ScopeOperator } from './sync-rule.js';
import type { AttributeValue } from './values.js';

function reader(attributes: Record<string, readonly AttributeValue[]>) {
  return (name: string): readonly AttributeValue[] | undefined => attributes[name];
}

function holds(
  operator: ScopeOperator,
  value: string | undefined,
  values: readonly AttributeValue[] | undefined,
): boolean {
  const condition: ScopeCondition =
    value === undefined ? { attribute: 'a', operator } : { attribute: 'a', operator, value };
  return evaluateScope([[condition]], reader(values === undefined ? {} : { a: values }));
}

/** The stock "In from AD - User Join" scope from samples/syncrule-in-from-ad-user-join.xml. */
const STOCK_AD_USER_SCOPE: ScopeFilter = [
  [
    { attribute: 'isCriticalSystemObject', operator: 'NOTEQUAL', value: 'TRUE' },
    { attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'User_' },
  ],
];

describe('evaluateScope', () => {
  it('puts every object in scope when the filter has no groups', () => {
    expect(evaluateScope([], reader({}))).toBe(true);
  });

  it('requires every condition of a group', () => {
    const filter: ScopeFilter = [
      [
        { attribute: 'a', operator: 'EQUAL', value: '1' },
        { attribute: 'b', operator: 'EQUAL', value: '2' },
      ],
    ];
    expect(evaluateScope(filter, reader({ a: ['1'], b: ['2'] }))).toBe(true);
    expect(evaluateScope(filter, reader({ a: ['1'], b: ['3'] }))).toBe(false);
  });

  it('needs only one group to hold', () => {
    const filter: ScopeFilter = [
      [{ attribute: 'a', operator: 'EQUAL', value: '1' }],
      [{ attribute: 'b', operator: 'ISNOTNULL' }],
    ];
    expect(evaluateScope(filter, reader({ b: ['x'] }))).toBe(true);
    expect(evaluateScope(filter, reader({ a: ['2'] }))).toBe(false);
  });

  it('compares EQUAL and NOTEQUAL ignoring case', () => {
    expect(holds('EQUAL', 'Sales', ['sALES'])).toBe(true);
    expect(holds('NOTEQUAL', 'Sales', ['sALES'])).toBe(false);
    expect(holds('NOTEQUAL', 'Sales', ['HR'])).toBe(true);
  });

  it('compares numbers numerically in EQUAL', () => {
    expect(holds('EQUAL', '512', [512])).toBe(true);
    expect(holds('EQUAL', '0512', ['512'])).toBe(true);
  });

  it('compares Booleans with TRUE and FALSE text', () => {
    expect(holds('EQUAL', 'true', [true])).toBe(true);
    expect(holds('NOTEQUAL', 'TRUE', [false])).toBe(true);
  });

  it('compares binary values by their base64 text', () => {
    expect(holds('EQUAL', 'AQID', [new Uint8Array([1, 2, 3])])).toBe(true);
  });

  it('compares references by DN ignoring case', () => {
    expect(holds('ENDSWITH', 'ou=sales,dc=contoso,dc=com', [{ ref: 'CN=x,OU=Sales,DC=contoso,DC=com' }])).toBe(true);
  });

  it('orders numbers numerically with LESSTHAN and GREATERTHAN', () => {
    expect(holds('LESSTHAN', '10', ['9'])).toBe(true);
    expect(holds('GREATERTHAN', '10', [9])).toBe(false);
    expect(holds('LESSTHAN_OR_EQUAL', '10', [10n])).toBe(true);
    expect(holds('GREATERTHAN_OR_EQUAL', '10', ['10'])).toBe(true);
  });

  it('orders text ignoring case when a side is not a number', () => {
    expect(holds('LESSTHAN', 'b', ['A'])).toBe(true);
    expect(holds('GREATERTHAN', 'B', ['a'])).toBe(false);
  });

  it('tests prefixes, suffixes and substrings ignoring case', () => {
    expect(holds('STARTSWITH', 'user_', ['User_123'])).toBe(true);
    expect(holds('NOTSTARTSWITH', 'user_', ['User_123'])).toBe(false);
    expect(holds('ENDSWITH', '@CONTOSO.COM', ['a@contoso.com'])).toBe(true);
    expect(holds('NOTENDSWITH', '@contoso.com', ['a@fabrikam.com'])).toBe(true);
    expect(holds('CONTAINS', 'admin', ['SvcAdmin01'])).toBe(true);
    expect(holds('NOTCONTAINS', 'admin', ['SvcAdmin01'])).toBe(false);
  });

  it('tests presence with ISNULL and ISNOTNULL, an empty string counting as absent', () => {
    expect(holds('ISNULL', undefined, undefined)).toBe(true);
    expect(holds('ISNULL', undefined, [''])).toBe(true);
    expect(holds('ISNOTNULL', undefined, ['x'])).toBe(true);
    expect(holds('ISNOTNULL', undefined, [])).toBe(false);
  });

  it('tests membership in a ;-separated list with ISIN and ISNOTIN', () => {
    expect(holds('ISIN', 'Sales; HR;IT', ['hr'])).toBe(true);
    expect(holds('ISIN', 'Sales;HR', ['Finance'])).toBe(false);
    expect(holds('ISNOTIN', 'Sales;HR', ['Finance'])).toBe(true);
    expect(holds('ISNOTIN', 'Sales;HR', ['sales'])).toBe(false);
  });

  it('tests bit masks with ISBITSET and ISNOTBITSET, numeric strings and hex masks included', () => {
    expect(holds('ISBITSET', '2', ['514'])).toBe(true);
    expect(holds('ISBITSET', '0x2', [512])).toBe(false);
    expect(holds('ISNOTBITSET', '2', [512])).toBe(true);
    expect(holds('ISBITSET', '3', [2])).toBe(false);
    expect(holds('ISBITSET', '0x100000000', [0x1_0000_0002n])).toBe(true);
  });

  it('does not match a bit mask against a value that is not an integer', () => {
    expect(holds('ISBITSET', '2', ['disabled'])).toBe(false);
  });

  it('holds a positive operator when any value of a multi-valued attribute matches', () => {
    expect(holds('EQUAL', 'b', ['a', 'B', 'c'])).toBe(true);
    expect(holds('STARTSWITH', 'x', ['a', 'b'])).toBe(false);
  });

  it('holds a negated operator only when no value matches', () => {
    expect(holds('NOTEQUAL', 'b', ['a', 'B'])).toBe(false);
    expect(holds('NOTCONTAINS', 'x', ['a', 'b'])).toBe(true);
  });

  it('holds negated operators and fails positive ones for an absent attribute', () => {
    for (const operator of [
      'NOTEQUAL',
      'NOTSTARTSWITH',
      'NOTENDSWITH',
      'NOTCONTAINS',
      'ISNOTIN',
      'ISNOTBITSET',
    ] as const) {
      expect(holds(operator, '1', undefined)).toBe(true);
    }
    for (const operator of [
      'EQUAL',
      'LESSTHAN',
      'GREATERTHAN',
      'STARTSWITH',
      'ENDSWITH',
      'CONTAINS',
      'ISIN',
      'ISBITSET',
    ] as const) {
      expect(holds(operator, '1', undefined)).toBe(false);
    }
  });

  it('keeps ordinary users in the stock AD user scope', () => {
    expect(evaluateScope(STOCK_AD_USER_SCOPE, reader({ sAMAccountName: ['jdoe'] }))).toBe(true);
    expect(
      evaluateScope(STOCK_AD_USER_SCOPE, reader({ isCriticalSystemObject: [false], adminDescription: ['x'] })),
    ).toBe(true);
  });

  it('leaves critical system objects out of the stock AD user scope', () => {
    expect(evaluateScope(STOCK_AD_USER_SCOPE, reader({ isCriticalSystemObject: [true] }))).toBe(false);
    expect(evaluateScope(STOCK_AD_USER_SCOPE, reader({ isCriticalSystemObject: ['TRUE'] }))).toBe(false);
  });

  it('leaves objects written back by Entra (adminDescription User_…) out of the stock AD user scope', () => {
    expect(evaluateScope(STOCK_AD_USER_SCOPE, reader({ adminDescription: ['User_6f1bc185'] }))).toBe(false);
  });
});

describe('compileScope', () => {
  it('gives a reusable predicate', () => {
    const inScope = compileScope(STOCK_AD_USER_SCOPE);
    expect(inScope(reader({}))).toBe(true);
    expect(inScope(reader({ isCriticalSystemObject: [true] }))).toBe(false);
  });

  it('rejects a condition without the value its operator needs', () => {
    expect(() => compileScope([[{ attribute: 'a', operator: 'EQUAL' }]])).toThrow(ConfigError);
    expect(() => compileScope([[{ attribute: 'a', operator: 'EQUAL' }]])).toThrow(
      'scope condition a EQUAL: the operator needs a value',
    );
  });

  it('rejects an ISBITSET mask that is not an integer', () => {
    expect(() => compileScope([[{ attribute: 'a', operator: 'ISBITSET', value: 'two' }]])).toThrow(
      'scope condition a ISBITSET "two": the mask must be a decimal or 0x hexadecimal integer',
    );
  });
});
