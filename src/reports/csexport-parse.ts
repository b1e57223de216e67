import { base64ToBytes, type AttributeValue } from '../core/values.js';
import { ReportInputError } from './report-input-error.js';

/**
 * Decodes a `value`: base64 (`encoding="base64"` or type `binary`) → bytes; `integer` → number
 * (bigint beyond 2^53) from `0x` hex (64-bit two's complement) or decimal; `boolean` → true/false;
 * strings exactly as written. Non-string values are trimmed first (pretty-printed files).
 */
export function parseValue(
  text: string,
  type: string,
  encoding: string | undefined,
  attribute: string,
): AttributeValue {
  if (encoding?.toLowerCase() === 'base64' || type === 'binary') {
    try {
      return base64ToBytes(text.trim());
    } catch (error) {
      throw new ReportInputError(
        `csexport XML: attribute "${attribute}" has a value that is not base64`,
        {},
        { cause: error },
      );
    }
  }
  if (type === 'integer') return parseIntegerValue(text.trim());
  if (type === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  }
  return text;
}

function parseIntegerValue(text: string): AttributeValue {
  let big: bigint;
  if (/^0x[0-9a-f]{1,16}$/i.test(text)) big = BigInt.asIntN(64, BigInt(text));
  else if (/^[-+]?\d+$/.test(text)) big = BigInt(text);
  else return text;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** `retry-count` text as a number; null when it is not a decimal count. */
export function parseRetryCount(text: string): number | null {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}
