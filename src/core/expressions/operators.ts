import type { ArithmeticOperator, ComparisonOperator } from './ast.js';
import { compareScalars, normalizeInteger, toNumber, toText } from './coerce.js';
import { invalid } from './errors.js';
import type { Scalar } from './eval-value.js';

/** The scalar meaning of each operator; `lift2` applies them to NULL and multi-valued operands. */

export type ScalarOperator = (a: Scalar, b: Scalar) => Scalar;

export function comparison(op: ComparisonOperator): ScalarOperator {
  switch (op) {
    case '=':
      return (a, b) => compareScalars(a, b) === 0;
    case '<>':
      return (a, b) => compareScalars(a, b) !== 0;
    case '<':
      return (a, b) => compareScalars(a, b) < 0;
    case '<=':
      return (a, b) => compareScalars(a, b) <= 0;
    case '>':
      return (a, b) => compareScalars(a, b) > 0;
    case '>=':
      return (a, b) => compareScalars(a, b) >= 0;
  }
}

function isInteger(n: number | bigint): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

function bigintArithmetic(op: '+' | '-' | '*', x: bigint, y: bigint): number | bigint {
  return normalizeInteger(op === '+' ? x + y : op === '-' ? x - y : x * y);
}

/**
 * `+ - * /` on numbers (numeric strings accepted). Integer results that leave the 53-bit range
 * continue in bigint, so AD's 64-bit values (accountExpires, FILETIMEs) stay exact; `/` divides
 * as VBA's `/` does, in floating point.
 */
export function arithmetic(op: ArithmeticOperator): ScalarOperator {
  const where = `operator ${op}`;
  return (a, b) => {
    const x = toNumber(a, where);
    const y = toNumber(b, where);
    if (op === '/') {
      if (Number(y) === 0) throw invalid(where, 'division by zero');
      return Number(x) / Number(y);
    }
    if (typeof x === 'number' && typeof y === 'number') {
      const r = op === '+' ? x + y : op === '-' ? x - y : x * y;
      if (Number.isSafeInteger(r) || !Number.isInteger(x) || !Number.isInteger(y)) return r;
    }
    if (isInteger(x) && isInteger(y)) return bigintArithmetic(op, BigInt(x), BigInt(y));
    const fx = Number(x);
    const fy = Number(y);
    return op === '+' ? fx + fy : op === '-' ? fx - fy : fx * fy;
  };
}

export function concatenate(a: Scalar, b: Scalar): string {
  return toText(a, 'operator &') + toText(b, 'operator &');
}

export function negate(a: Scalar): Scalar {
  const n = toNumber(a, 'operator -');
  return typeof n === 'bigint' ? normalizeInteger(-n) : -n;
}
