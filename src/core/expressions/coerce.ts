import { bytesToBase64 } from '../values.js';
import { invalid } from './errors.js';
import { isList, isReferenceValue, typeName, type Scalar, type Value } from './eval-value.js';

/** Type conversions shared by functions and operators. `where` names the caller in error messages. */

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const HEX = /^0x[0-9a-f]+$/i;

/** A number from text: integers as number (bigint beyond 2^53), decimals, `0x` hex; else undefined. */
export function parseNumber(text: string): number | bigint | undefined {
  const trimmed = text.trim();
  if (INTEGER.test(trimmed)) {
    const n = Number(trimmed);
    return Number.isSafeInteger(n) ? n : BigInt(trimmed);
  }
  if (DECIMAL.test(trimmed)) return Number(trimmed);
  if (HEX.test(trimmed)) return normalizeInteger(BigInt(trimmed));
  return undefined;
}

/** A bigint as number when it fits in 53 bits. */
export function normalizeInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function quote(value: Scalar): string {
  const text = displayText(value);
  return typeof value === 'string' ? `"${text.length > 40 ? text.slice(0, 40) + '…' : text}"` : text;
}

/** Text for comparisons and messages; never throws (binary as base64, dates as ISO 8601). */
export function displayText(value: Scalar): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      if (value instanceof Uint8Array) return bytesToBase64(value);
      return value instanceof Date ? value.toISOString() : value.ref;
  }
}

/**
 * The string form of a value where the language expects `str`: numbers in decimal, Booleans as
 * `True`/`False` (as .NET prints them), references as their DN, dates as ISO 8601.
 * Binary values are refused: converting them needs an explicit encoding (ConvertToBase64, StringFromGuid).
 */
export function toText(value: Scalar, where: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    throw invalid(where, 'expected a string, got a binary value (use ConvertToBase64 or StringFromGuid)');
  }
  return displayText(value);
}

/** A number where the language expects `num`; numeric strings (LDIF gives "514") are accepted. */
export function toNumber(value: Scalar, where: string): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    const parsed = parseNumber(value);
    if (parsed !== undefined) return parsed;
  }
  throw invalid(where, `expected a number, got ${typeName(value)} ${quote(value)}`);
}

/** An integer where the language expects one (bit masks, counts). */
export function toInteger(value: Scalar, where: string): number | bigint {
  const n = toNumber(value, where);
  if (typeof n === 'number' && !Number.isInteger(n)) throw invalid(where, `expected an integer, got ${n}`);
  return n;
}

/** An integer position or length as a JS number. */
export function toIndex(value: Scalar, where: string): number {
  const n = toInteger(value, where);
  return typeof n === 'bigint' ? Number(n) : n;
}

/** Parses "True"/"False" (any case) or a number; undefined when the text is neither. */
export function parseBoolean(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const n = parseNumber(lower);
  return n === undefined ? undefined : n !== 0 && n !== 0n;
}

/** The truth of a condition: NULL is false (as VBA treats Null in If), numbers are true when non-zero. */
export function toCondition(value: Value, where: string): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') {
    const parsed = parseBoolean(value);
    if (parsed !== undefined) return parsed;
  }
  if (isList(value)) throw invalid(where, `expected a single Boolean, got a ${typeName(value)} value`);
  throw invalid(where, `expected a Boolean, got ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);
}

function isNumeric(value: Scalar): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

function order<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * Orders two values for `=`, `<>`, `<` …: numerically when one side is a number and the other is
 * numeric (numeric strings included); Booleans against Booleans or "True"/"False" text; binary
 * byte-wise; references by DN ignoring case; otherwise by text, case-sensitively (VBA's default
 * binary compare; `[cloudSourceAnchor] = [sourceAnchor]` must see a change of case in base64).
 */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return order(a, b);
  if (typeof a === 'string' && typeof b === 'string') return order(a, b);
  if (isNumeric(a) || isNumeric(b)) {
    const x = isNumeric(a) ? a : typeof a === 'string' ? parseNumber(a) : undefined;
    const y = isNumeric(b) ? b : typeof b === 'string' ? parseNumber(b) : undefined;
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = typeof a === 'boolean' ? a : typeof a === 'string' ? parseBoolean(a) : undefined;
    const y = typeof b === 'boolean' ? b : typeof b === 'string' ? parseBoolean(b) : undefined;
    if (x !== undefined && y !== undefined) return Number(x) - Number(y);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (a instanceof Date && b instanceof Date) return order(a.getTime(), b.getTime());
  if (isReferenceValue(a) || isReferenceValue(b)) {
    return order(displayText(a).toLowerCase(), displayText(b).toLowerCase());
  }
  return order(displayText(a), displayText(b));
}
