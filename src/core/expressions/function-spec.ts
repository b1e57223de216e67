import type { Env, Value } from './eval-value.js';
import type { ScalarFn } from './lift.js';

/**
 * How a function receives its arguments:
 * - `mapped`: scalars only; NULL gives NULL and multi-valued arguments are processed value by value
 *   (see `lift`). Most text, number and conversion functions.
 * - `raw`: evaluated values as they are (IsPresent, Count, Join, Item …).
 * - `special`: compiled by the compiler itself because arguments are evaluated lazily or bind
 *   variables (IIF, Switch, Select, Where, With).
 */
export const FUNCTION_MODES = ['mapped', 'raw', 'special'] as const;
export type FunctionMode = (typeof FUNCTION_MODES)[number];

export type RawFn = (args: readonly Value[], env: Env) => Value;

interface SpecBase {
  /** Canonical spelling, as Microsoft's reference writes it. */
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
}

export type FunctionSpec =
  | (SpecBase & {
      readonly mode: 'mapped';
      readonly fn: ScalarFn;
      /** Documented for Left, Right, Mid, Word, PadLeft, PadRight: a NULL string gives "". */
      readonly isNullStringEmpty: boolean;
    })
  | (SpecBase & { readonly mode: 'raw'; readonly fn: RawFn })
  | (SpecBase & { readonly mode: 'special' });

export function mapped(
  name: string,
  minArgs: number,
  maxArgs: number,
  fn: ScalarFn,
  isNullStringEmpty = false,
): FunctionSpec {
  return { name, minArgs, maxArgs, mode: 'mapped', fn, isNullStringEmpty };
}

export function raw(name: string, minArgs: number, maxArgs: number, fn: RawFn): FunctionSpec {
  return { name, minArgs, maxArgs, mode: 'raw', fn };
}

export function special(name: string, minArgs: number, maxArgs: number): FunctionSpec {
  return { name, minArgs, maxArgs, mode: 'special' };
}
