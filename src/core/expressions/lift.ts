import { invalid } from './errors.js';
import { collect, fromValues, isList, type Env, type Scalar, type Value } from './eval-value.js';

/** A function of scalars; `lift` applies it to NULL, signals and multi-valued arguments. */
export type ScalarFn = (args: readonly Scalar[], env: Env) => Value;

/**
 * Applies `fn` the way the language applies functions to attributes: NULL in any argument gives
 * NULL, a signal (AuthoritativeNull, IgnoreThisFlow) passes through, and multi-valued arguments are
 * processed value by value (`Trim([proxyAddresses])` trims every value). Several multi-valued
 * arguments are walked in step and must have the same number of values. Element results that are
 * NULL are dropped, which is how `IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses])`
 * removes values.
 */
export function lift(args: Value[], fn: ScalarFn, env: Env, where: string): Value {
  let length = -1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Value;
    if (arg === null) return null;
    if (typeof arg === 'symbol') return arg;
    if (isList(arg)) {
      if (length >= 0 && length !== arg.length) {
        throw invalid(where, `multi-valued arguments have different numbers of values (${length} and ${arg.length})`);
      }
      length = arg.length;
    }
  }
  if (length < 0) return fn(args as Scalar[], env);
  const out: Scalar[] = [];
  for (let i = 0; i < length; i++) {
    const row = args.map((arg) => (isList(arg) ? (arg[i] as Scalar) : (arg as Scalar)));
    const signal = collect(out, fn(row, env));
    if (signal !== undefined) return signal;
  }
  return fromValues(out);
}

/** `lift` for binary operators, without allocating an argument array on the single-valued path. */
export function lift2(a: Value, b: Value, fn: (x: Scalar, y: Scalar) => Value, env: Env, where: string): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'symbol') return a;
  if (typeof b === 'symbol') return b;
  if (!isList(a) && !isList(b)) return fn(a as Scalar, b as Scalar);
  return lift([a, b], (row) => fn(row[0] as Scalar, row[1] as Scalar), env, where);
}
