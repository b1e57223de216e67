import type { AttributeValue, Reference } from '../values.js';
import type { ExpressionContext, ExpressionResult } from './expression.js';

/** `AuthoritativeNull`: the flow contributes "no value" and blocks lower-precedence rules. */
export const AUTHORITATIVE_NULL: unique symbol = Symbol('AuthoritativeNull');
/** `IgnoreThisFlow`: the flow behaves as if it did not exist. */
export const IGNORE_THIS_FLOW: unique symbol = Symbol('IgnoreThisFlow');
export type Signal = typeof AUTHORITATIVE_NULL | typeof IGNORE_THIS_FLOW;

/** One value during evaluation. `Date` is the language's `dt` type (DateFromNum, CDate, Now). */
export type Scalar = string | number | bigint | boolean | Uint8Array | Reference | Date;

/**
 * A value during evaluation: NULL, one scalar, several scalars (a multi-valued attribute or a
 * function result; never fewer than two elements, never containing NULL), or a signal.
 */
export type Value = Scalar | readonly Scalar[] | Signal | null;

/** Per-evaluation state: the object's context and the slots of `$variables` (Select, Where, With). */
export interface Env {
  readonly ctx: ExpressionContext;
  readonly vars: Value[];
}

/** A compiled expression node. */
export type Evaluator = (env: Env) => Value;

export function isList(value: Value): value is readonly Scalar[] {
  return Array.isArray(value);
}

export function isSignal(value: Value): value is Signal {
  return typeof value === 'symbol';
}

export function isReferenceValue(value: Scalar): value is Reference {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date);
}

/** The value of an attribute or collected results: NULL when empty, the scalar when one, else the list. */
export function fromValues(values: readonly Scalar[] | undefined): Value {
  if (values === undefined || values.length === 0) return null;
  return values.length === 1 ? (values[0] as Scalar) : values;
}

/** The elements of a value, for functions that iterate (Count, Join, Select): NULL has none. */
export function elementsOf(value: Scalar | readonly Scalar[] | null): readonly Scalar[] {
  if (value === null) return [];
  return isList(value) ? value : [value];
}

/**
 * Adds one element result to `out`: NULL is dropped, lists are flattened.
 * Returns the signal when the element produced one (it then decides the whole result).
 */
export function collect(out: Scalar[], result: Value): Signal | undefined {
  if (result === null) return undefined;
  if (isSignal(result)) return result;
  if (isList(result)) out.push(...result);
  else out.push(result);
  return undefined;
}

/** The type of a value as messages name it. */
export function typeName(value: Value): string {
  if (value === null) return 'NULL';
  if (isSignal(value)) return value === AUTHORITATIVE_NULL ? 'AuthoritativeNull' : 'IgnoreThisFlow';
  if (isList(value)) return `multi-valued (${value.length} values)`;
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'Boolean';
    default:
      if (value instanceof Uint8Array) return 'binary';
      return value instanceof Date ? 'date' : 'reference';
  }
}

const NULL_RESULT: ExpressionResult = Object.freeze({ kind: 'null' });
const AUTHORITATIVE_NULL_RESULT: ExpressionResult = Object.freeze({ kind: 'authoritative-null' });
const IGNORE_RESULT: ExpressionResult = Object.freeze({ kind: 'ignore' });

function toAttributeValue(value: Scalar): AttributeValue {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Converts the final value to a result. Empty strings are dropped: directories do not store
 * zero-length strings, so `Trim("  ")` contributes nothing rather than an unstorable value.
 */
export function toResult(value: Value): ExpressionResult {
  if (value === null || value === '') return NULL_RESULT;
  if (value === AUTHORITATIVE_NULL) return AUTHORITATIVE_NULL_RESULT;
  if (value === IGNORE_THIS_FLOW) return IGNORE_RESULT;
  if (!isList(value)) return { kind: 'values', values: [toAttributeValue(value as Scalar)] };
  const values: AttributeValue[] = [];
  for (const element of value) if (element !== '') values.push(toAttributeValue(element));
  return values.length === 0 ? NULL_RESULT : { kind: 'values', values };
}
