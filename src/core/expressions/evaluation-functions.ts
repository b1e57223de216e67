import { displayText, normalizeInteger, parseNumber, toInteger } from './coerce.js';
import { ExpressionError } from './errors.js';
import { elementsOf, isList, isSignal, type Scalar, type Value } from './eval-value.js';
import { mapped, raw, type FunctionSpec } from './function-spec.js';
import { isGuidText } from './identifiers.js';
import { parseDate } from './date-format.js';

/** Tests on values (Microsoft's "Evaluation" group), bit arithmetic, Error and Coalesce. */

/** Present: not NULL and not an empty string; a multi-valued value is present when any value is. */
export function isPresent(value: Value): boolean {
  if (value === null || isSignal(value)) return false;
  if (isList(value)) return value.some((v) => v !== '');
  return value !== '';
}

function every(value: Value, test: (v: Scalar) => boolean): boolean {
  if (value === null || isSignal(value)) return false;
  return elementsOf(value).every(test);
}

type BitOp = (a: bigint, b: bigint) => bigint;

/** Integer bit operations; the 31-bit path avoids bigint for the common userAccountControl case. */
function bitwise(where: string, op: BitOp, fast: (a: number, b: number) => number) {
  return (args: readonly Scalar[]): number | bigint => {
    const a = toInteger(args[0] as Scalar, where);
    const b = toInteger(args[1] as Scalar, where);
    if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0 && a <= 0x7fffffff && b <= 0x7fffffff) {
      return fast(a, b);
    }
    return normalizeInteger(op(BigInt(a), BigInt(b)));
  };
}

const bitAnd = bitwise(
  'BitAnd',
  (a, b) => a & b,
  (a, b) => a & b,
);

/** IsBitSet(value, flag): true when every bit of `flag` is set in `value` (`IsBitSet(&HF,4)` is True). */
function isBitSet(args: readonly Scalar[]): boolean {
  const flag = toInteger(args[1] as Scalar, 'IsBitSet');
  const masked = bitAnd([args[0] as Scalar, flag]);
  return BigInt(masked) === BigInt(flag);
}

function randomNum(args: readonly Scalar[]): number {
  const low = Number(toInteger(args[0] as Scalar, 'RandomNum'));
  const high = Number(toInteger(args[1] as Scalar, 'RandomNum'));
  return low + Math.floor(Math.random() * (high - low + 1));
}

/** Error("message"): stops the flow for this object with a sync-rule-error-function-triggered error. */
function error(args: readonly Value[]): never {
  const message = args[0];
  const text =
    message === null || message === undefined || isSignal(message)
      ? 'Error function triggered'
      : elementsOf(message).map(displayText).join('; ');
  throw new ExpressionError(text, 'sync-rule-error-function-triggered');
}

export const EVALUATION_FUNCTIONS: readonly FunctionSpec[] = [
  raw('IsPresent', 1, 1, ([v]) => isPresent(v ?? null)),
  raw('IsNullOrEmpty', 1, 1, ([v]) => !isPresent(v ?? null)),
  raw('IsNull', 1, 1, ([v]) => v === null),
  raw('IsEmpty', 1, 1, ([v]) => v === ''),
  raw('IsString', 1, 1, ([v]) => every(v ?? null, (s) => typeof s === 'string')),
  raw('IsNumeric', 1, 1, ([v]) =>
    every(
      v ?? null,
      (s) => typeof s === 'number' || typeof s === 'bigint' || (typeof s === 'string' && parseNumber(s) !== undefined),
    ),
  ),
  raw('IsDate', 1, 1, ([v]) =>
    every(v ?? null, (s) => s instanceof Date || (typeof s === 'string' && parseDate(s) !== undefined)),
  ),
  raw('IsGuid', 1, 1, ([v]) => every(v ?? null, (s) => typeof s === 'string' && isGuidText(s))),
  mapped('IsBitSet', 2, 2, isBitSet),
  mapped('BitAnd', 2, 2, bitAnd),
  mapped(
    'BitOr',
    2,
    2,
    bitwise(
      'BitOr',
      (a, b) => a | b,
      (a, b) => a | b,
    ),
  ),
  mapped('RandomNum', 2, 2, randomNum),
  raw('Error', 1, 1, error),
  raw('Coalesce', 1, Infinity, (args) => args.find((v) => isPresent(v)) ?? null),
];
