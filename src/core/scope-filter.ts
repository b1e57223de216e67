/**
 * Scoping filters of sync rules (`synchronizationCriteria`): which objects a rule applies to.
 * OR between groups, AND within a group; a filter without groups puts every object in scope.
 */
import { ConfigError } from './errors.js';
import type { ScopeCondition, ScopeFilter, ScopeOperator } from './sync-rule.js';
import { valueToText, type AttributeValue } from './values.js';

/** Reads an attribute of the object being scoped: its values, or undefined when absent. */
export type ScopeAttributeReader = (name: string) => readonly AttributeValue[] | undefined;

/** A precompiled scoping filter. */
export type CompiledScope = (attribute: ScopeAttributeReader) => boolean;

/** Operators that hold when no value matches their positive counterpart (and so for an absent attribute). */
export const NEGATED_SCOPE_OPERATORS = [
  'NOTEQUAL',
  'NOTSTARTSWITH',
  'NOTENDSWITH',
  'NOTCONTAINS',
  'ISNOTIN',
  'ISNOTBITSET',
] as const satisfies readonly ScopeOperator[];

type ValueTest = (value: AttributeValue) => boolean;

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[-+]?\d+$/;
const HEX_INTEGER = /^0x[0-9a-f]+$/i;

function numberOf(value: AttributeValue | string): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

function integerOf(value: AttributeValue | string): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return INTEGER.test(trimmed) || HEX_INTEGER.test(trimmed) ? BigInt(trimmed) : undefined;
}

function describe(condition: ScopeCondition): string {
  const value = condition.value === undefined ? '' : ` "${condition.value}"`;
  return `scope condition ${condition.attribute} ${condition.operator}${value}`;
}

function requireValue(condition: ScopeCondition): string {
  if (condition.value === undefined) throw new ConfigError(`${describe(condition)}: the operator needs a value`);
  return condition.value;
}

/** Equality test: numeric when both sides are numbers, otherwise text ignoring case. */
function equalsTest(expected: string): ValueTest {
  const lower = expected.toLowerCase();
  const number = numberOf(expected);
  return (value) => {
    if (number !== undefined) {
      const actual = numberOf(value);
      if (actual !== undefined) return actual === number;
    }
    return valueToText(value).toLowerCase() === lower;
  };
}

/** Ordering test (LESSTHAN …): numeric when both sides are numbers, otherwise text ignoring case. */
function orderTest(expected: string, holds: (order: number) => boolean): ValueTest {
  const lower = expected.toLowerCase();
  const number = numberOf(expected);
  return (value) => {
    const actual = number === undefined ? undefined : numberOf(value);
    if (number !== undefined && actual !== undefined) return holds(actual < number ? -1 : actual > number ? 1 : 0);
    const text = valueToText(value).toLowerCase();
    return holds(text < lower ? -1 : text > lower ? 1 : 0);
  };
}

function textTest(expected: string, test: (text: string, expected: string) => boolean): ValueTest {
  const lower = expected.toLowerCase();
  return (value) => test(valueToText(value).toLowerCase(), lower);
}

function bitTest(condition: ScopeCondition): ValueTest {
  const mask = integerOf(requireValue(condition));
  if (mask === undefined) {
    throw new ConfigError(`${describe(condition)}: the mask must be a decimal or 0x hexadecimal integer`);
  }
  const small = mask >= 0n && mask <= 0x7fffffffn ? Number(mask) : undefined;
  return (value) => {
    if (
      small !== undefined &&
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= 0 &&
      value <= 0x7fffffff
    ) {
      return (value & small) === small;
    }
    const actual = integerOf(value);
    return actual !== undefined && (actual & mask) === mask;
  };
}

function inTest(condition: ScopeCondition): ValueTest {
  const tests = requireValue(condition)
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(equalsTest);
  return (value) => tests.some((test) => test(value));
}

/** The positive test behind an operator (NOTEQUAL → EQUAL …), applied to one value. */
function valueTest(condition: ScopeCondition): ValueTest {
  switch (condition.operator) {
    case 'EQUAL':
    case 'NOTEQUAL':
      return equalsTest(requireValue(condition));
    case 'LESSTHAN':
      return orderTest(requireValue(condition), (o) => o < 0);
    case 'LESSTHAN_OR_EQUAL':
      return orderTest(requireValue(condition), (o) => o <= 0);
    case 'GREATERTHAN':
      return orderTest(requireValue(condition), (o) => o > 0);
    case 'GREATERTHAN_OR_EQUAL':
      return orderTest(requireValue(condition), (o) => o >= 0);
    case 'STARTSWITH':
    case 'NOTSTARTSWITH':
      return textTest(requireValue(condition), (text, expected) => text.startsWith(expected));
    case 'ENDSWITH':
    case 'NOTENDSWITH':
      return textTest(requireValue(condition), (text, expected) => text.endsWith(expected));
    case 'CONTAINS':
    case 'NOTCONTAINS':
      return textTest(requireValue(condition), (text, expected) => text.includes(expected));
    case 'ISIN':
    case 'ISNOTIN':
      return inTest(condition);
    case 'ISBITSET':
    case 'ISNOTBITSET':
      return bitTest(condition);
    case 'ISNULL':
    case 'ISNOTNULL':
      return () => true;
  }
}

/** Present: at least one value that is not an empty string. */
function isPresent(values: readonly AttributeValue[] | undefined): boolean {
  return values !== undefined && values.some((value) => value !== '');
}

/** One condition: any value satisfies a positive operator; no value may satisfy a negated one. */
function compileCondition(condition: ScopeCondition): CompiledScope {
  const name = condition.attribute;
  if (condition.operator === 'ISNULL') return (attribute) => !isPresent(attribute(name));
  if (condition.operator === 'ISNOTNULL') return (attribute) => isPresent(attribute(name));
  const test = valueTest(condition);
  const isNegated = (NEGATED_SCOPE_OPERATORS as readonly ScopeOperator[]).includes(condition.operator);
  return (attribute) => {
    const values = attribute(name);
    if (values !== undefined) for (const value of values) if (value !== '' && test(value)) return !isNegated;
    return isNegated;
  };
}

/**
 * Compiles a scoping filter once for the hot path. String comparisons ignore case; LESSTHAN and
 * friends compare numerically when both sides are numbers. Throws ConfigError for a condition that
 * lacks its value or has a bad ISBITSET mask.
 */
export function compileScope(filter: ScopeFilter): CompiledScope {
  if (filter.length === 0) return () => true;
  const groups = filter.map((group) => group.map(compileCondition));
  return (attribute) => groups.some((group) => group.every((condition) => condition(attribute)));
}

const compiledFilters = new WeakMap<ScopeFilter, CompiledScope>();

/** Whether an object is in scope of a filter (compiled on first use per filter object). */
export function evaluateScope(filter: ScopeFilter, attribute: ScopeAttributeReader): boolean {
  let compiled = compiledFilters.get(filter);
  if (compiled === undefined) {
    compiled = compileScope(filter);
    compiledFilters.set(filter, compiled);
  }
  return compiled(attribute);
}
