import { normalizeInteger, toInteger, toText } from './coerce.js';
import { invalid } from './errors.js';
import { typeName, type Scalar } from './eval-value.js';
import { mapped, raw, type FunctionSpec } from './function-spec.js';
import { formatDateTime, parseDate } from './date-format.js';

/** Date / time functions. AD stores dates as FILETIME: 100 ns ticks since 1601-01-01 UTC. */

const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;
const TICKS_PER_MS = 10_000n;

function toDate(value: Scalar, where: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    const parsed = parseDate(value);
    if (parsed !== undefined) return parsed;
    throw invalid(where, `"${value}" is not a date`);
  }
  throw invalid(where, `expected a date, got ${typeName(value)}`);
}

function dateFromNum(args: readonly Scalar[]): Date {
  const ticks = BigInt(toInteger(args[0] as Scalar, 'DateFromNum'));
  const ms = (ticks - FILETIME_UNIX_EPOCH) / TICKS_PER_MS;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) throw invalid('DateFromNum', `${ticks} is outside the range of dates`);
  return date;
}

function numFromDate(args: readonly Scalar[]): number | bigint {
  const date = toDate(args[0] as Scalar, 'NumFromDate');
  return normalizeInteger(BigInt(date.getTime()) * TICKS_PER_MS + FILETIME_UNIX_EPOCH);
}

function addMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = date.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

const INTERVAL_MS: Readonly<Record<string, number>> = {
  y: 86_400_000,
  d: 86_400_000,
  w: 86_400_000,
  ww: 7 * 86_400_000,
  h: 3_600_000,
  n: 60_000,
  s: 1000,
};

/** DateAdd(interval, number, date) with VBA's intervals; month arithmetic keeps the day within the month. */
function dateAdd(args: readonly Scalar[]): Date {
  const interval = toText(args[0] as Scalar, 'DateAdd').toLowerCase();
  const amount = Number(toInteger(args[1] as Scalar, 'DateAdd'));
  const date = toDate(args[2] as Scalar, 'DateAdd');
  if (interval === 'yyyy') return addMonths(date, 12 * amount);
  if (interval === 'q') return addMonths(date, 3 * amount);
  if (interval === 'm') return addMonths(date, amount);
  const step = INTERVAL_MS[interval];
  if (step === undefined) throw invalid('DateAdd', `unknown interval "${interval}"`);
  return new Date(date.getTime() + amount * step);
}

export const DATE_FUNCTIONS: readonly FunctionSpec[] = [
  mapped('CDate', 1, 1, (a) => toDate(a[0] as Scalar, 'CDate')),
  mapped('DateFromNum', 1, 1, dateFromNum),
  mapped('NumFromDate', 1, 1, numFromDate),
  mapped('FormatDateTime', 2, 2, (a) =>
    formatDateTime(toDate(a[0] as Scalar, 'FormatDateTime'), toText(a[1] as Scalar, 'FormatDateTime')),
  ),
  mapped('DateAdd', 3, 3, dateAdd),
  raw('Now', 0, 0, (_args, env) => (env.ctx.now !== undefined ? env.ctx.now() : new Date())),
];
