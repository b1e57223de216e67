import { bytesToHex } from '../values.js';
import { invalid } from './errors.js';

/** Binary identifiers of Windows: GUIDs (objectGUID) and security identifiers (objectSid). */

const GUID_TEXT = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

export function isGuidText(text: string): boolean {
  const match = GUID_TEXT.exec(text.trim());
  return match !== null && text.trim().startsWith('{') === text.trim().endsWith('}');
}

function swap(hex: string): string {
  return hex.match(/../g)?.reverse().join('') ?? '';
}

/**
 * Formats 16 bytes in the order AD stores objectGUID (.NET `Guid.ToByteArray()`: the first three
 * fields little-endian, the last eight bytes as they are) as `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`,
 * lower case as .NET's `Guid.ToString("B")` prints it.
 */
export function stringFromGuidBytes(bytes: Uint8Array, where: string): string {
  if (bytes.length !== 16) throw invalid(where, `expected a 16-byte GUID, got ${bytes.length} bytes`);
  const hex = bytesToHex(bytes);
  const data1 = swap(hex.slice(0, 8));
  const data2 = swap(hex.slice(8, 12));
  const data3 = swap(hex.slice(12, 16));
  return `{${data1}-${data2}-${data3}-${hex.slice(16, 20)}-${hex.slice(20)}}`;
}

/** The inverse of `stringFromGuidBytes`; braces are optional. */
export function guidFromString(text: string, where: string): Uint8Array {
  if (!isGuidText(text)) throw invalid(where, `"${text}" is not a GUID`);
  const [, d1, d2, d3, d4, d5] = GUID_TEXT.exec(text.trim()) as RegExpExecArray;
  const hex = swap(d1 as string) + swap(d2 as string) + swap(d3 as string) + (d4 as string) + (d5 as string);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Formats a binary SID (MS-DTYP §2.4.2.2: revision, sub-authority count, 48-bit big-endian
 * identifier authority, then 32-bit little-endian sub-authorities) as `S-1-5-21-…` (§2.4.2.1;
 * authorities of 2^32 or more in hex).
 */
export function sidToString(bytes: Uint8Array, where: string): string {
  const count = bytes[1] ?? -1;
  if (bytes.length < 8 || bytes.length !== 8 + 4 * count) {
    throw invalid(where, `expected a binary SID, got ${bytes.length} bytes that do not form one`);
  }
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + (bytes[i] as number);
  const authorityText =
    authority >= 2 ** 32 ? '0x' + authority.toString(16).toUpperCase().padStart(12, '0') : String(authority);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = `S-${bytes[0]}-${authorityText}`;
  for (let i = 0; i < count; i++) out += '-' + view.getUint32(8 + 4 * i, true);
  return out;
}
