import { base64ToBytes, bytesToBase64 } from '../values.js';
import { toCondition, toNumber, toText } from './coerce.js';
import { invalid } from './errors.js';
import { isList, isReferenceValue, typeName, type Scalar } from './eval-value.js';
import { mapped, raw, type FunctionSpec } from './function-spec.js';
import { guidFromString, sidToString, stringFromGuidBytes } from './identifiers.js';

/** Conversion functions (Microsoft's "Conversion" group). */

function bytes(value: Scalar, where: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw invalid(where, `expected a binary value, got ${typeName(value)}`);
}

/** UTF-16LE, the "Unicode" of .NET's Encoding.Unicode. */
function utf16leBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[2 * i] = code & 0xff;
    out[2 * i + 1] = code >> 8;
  }
  return out;
}

const UPPER_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
const utf8Encoder = new TextEncoder();

/**
 * ConvertToBase64: a string is encoded as UTF-16LE first, as the reference documents
 * ("Hello world!" → "SABlAGwAbABvACAAdwBvAHIAbABkACEA"); a binary value is encoded as its bytes
 * (the stock sourceAnchor rule feeds objectGUID through it).
 */
function convertToBase64(args: readonly Scalar[]): string {
  const value = args[0] as Scalar;
  return bytesToBase64(value instanceof Uint8Array ? value : utf16leBytes(toText(value, 'ConvertToBase64')));
}

function decodeBase64(text: string, where: string): Uint8Array {
  try {
    return base64ToBytes(text);
  } catch (cause) {
    throw invalid(where, `"${text.slice(0, 40)}" is not valid base64 (${String(cause)})`);
  }
}

/** ConvertFromBase64(source [, Unicode | UTF8 | ASCII]); Unicode (UTF-16LE) is the documented default. */
function convertFromBase64(args: readonly Scalar[]): string {
  const data = decodeBase64(toText(args[0] as Scalar, 'ConvertFromBase64'), 'ConvertFromBase64');
  const encoding = args.length > 1 ? toText(args[1] as Scalar, 'ConvertFromBase64').toLowerCase() : 'unicode';
  switch (encoding) {
    case 'unicode':
      return new TextDecoder('utf-16le').decode(data);
    case 'utf8':
      return new TextDecoder('utf-8').decode(data);
    case 'ascii':
      return Array.from(data, (b) => (b < 0x80 ? String.fromCharCode(b) : '?')).join('');
    default:
      throw invalid('ConvertFromBase64', `expected Unicode, UTF8 or ASCII, got "${encoding}"`);
  }
}

/** UTF-8 bytes as upper-case hex: the Entra connector's DN form `CN={…}`. ASCII (base64 anchors) skips the encoder. */
function convertToUtf8Hex(args: readonly Scalar[]): string {
  const text = toText(args[0] as Scalar, 'ConvertToUTF8Hex');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      out = '';
      for (const b of utf8Encoder.encode(text)) out += UPPER_HEX[b];
      return out;
    }
    out += UPPER_HEX[code];
  }
  return out;
}

function convertFromUtf8Hex(args: readonly Scalar[]): string {
  const hex = toText(args[0] as Scalar, 'ConvertFromUTF8Hex');
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex)) throw invalid('ConvertFromUTF8Hex', `"${hex}" is not hex-encoded bytes`);
  const data = new Uint8Array(hex.length / 2);
  for (let i = 0; i < data.length; i++) data[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new TextDecoder('utf-8').decode(data);
}

function cRef(args: readonly Scalar[]): Scalar {
  const value = args[0] as Scalar;
  return isReferenceValue(value) ? value : { ref: toText(value, 'CRef') };
}

export const CONVERSION_FUNCTIONS: readonly FunctionSpec[] = [
  mapped('CStr', 1, 1, (a) => toText(a[0] as Scalar, 'CStr')),
  mapped('CNum', 1, 1, (a) => toNumber(a[0] as Scalar, 'CNum')),
  raw('CBool', 1, 1, ([v = null]) => (isList(v) ? v.map((e) => toCondition(e, 'CBool')) : toCondition(v, 'CBool'))),
  mapped('CRef', 1, 1, cRef),
  mapped('CGuid', 1, 1, (a) => guidFromString(toText(a[0] as Scalar, 'CGuid'), 'CGuid')),
  mapped('StringFromGuid', 1, 1, (a) => stringFromGuidBytes(bytes(a[0] as Scalar, 'StringFromGuid'), 'StringFromGuid')),
  mapped('StringFromSid', 1, 1, (a) => sidToString(bytes(a[0] as Scalar, 'StringFromSid'), 'StringFromSid')),
  mapped('ConvertToBase64', 1, 1, convertToBase64),
  mapped('ConvertFromBase64', 1, 2, convertFromBase64),
  mapped('ConvertToUTF8Hex', 1, 1, convertToUtf8Hex),
  mapped('ConvertFromUTF8Hex', 1, 1, convertFromUtf8Hex),
];
