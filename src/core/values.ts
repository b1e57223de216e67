/**
 * Attribute values as the engine holds them, in connector spaces and in the metaverse.
 *
 * - `string`, `boolean`, `Uint8Array` (binary: objectGUID, objectSid, jpegPhoto ...)
 * - integers are `number` when they fit in 53 bits, `bigint` otherwise (AD's accountExpires)
 * - `Reference`: a reference attribute's value (member, manager). In a connector space `ref` is the
 *   referenced object's DN; in the metaverse it is the referenced MV object's id.
 */
export interface Reference {
  readonly ref: string;
}

export type AttributeValue = string | number | bigint | boolean | Uint8Array | Reference;

/** Attribute name → values. Single-valued attributes hold one value; an absent key means no value. */
export type Attributes = Readonly<Record<string, readonly AttributeValue[]>>;

export const ATTRIBUTE_TYPES = ['string', 'integer', 'boolean', 'binary', 'reference'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export function isReference(value: AttributeValue): value is Reference {
  return typeof value === 'object' && !(value instanceof Uint8Array);
}

/** The csexport / schema type of a value. */
export function typeOfValue(value: AttributeValue): AttributeType {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return value instanceof Uint8Array ? 'binary' : 'reference';
  }
}

/**
 * A stable string key for a value, used for equality, set operations and indexes. Scalars compare
 * by their directory text form, because directories without a typed schema (LDIF, CSV, LDAP's
 * string syntaxes) give back `TRUE` for a boolean and `5` for an integer that idsync wrote: a
 * boolean keys as `TRUE`/`FALSE`, an integer as its decimal text. Strings compare case-sensitively
 * here; callers that want case-insensitive matching use `indexKey`.
 */
export function valueKey(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return 's:' + value;
    case 'number':
    case 'bigint':
      return 's:' + value.toString();
    case 'boolean':
      return value ? 's:TRUE' : 's:FALSE';
    default:
      return value instanceof Uint8Array ? 'x:' + bytesToHex(value) : 'r:' + value.ref.toLowerCase();
  }
}

export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  return valueKey(a) === valueKey(b);
}

/** Order-insensitive equality of two value lists (attribute values are sets). */
export function valueSetsEqual(
  a: readonly AttributeValue[] | undefined,
  b: readonly AttributeValue[] | undefined,
): boolean {
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  if (left.length === 1) return valuesEqual(left[0] as AttributeValue, right[0] as AttributeValue);
  const keys = new Set(left.map(valueKey));
  return right.every((v) => keys.has(valueKey(v)));
}

/**
 * The directory text form of a value, as files, filters and reports show it: integers in decimal,
 * booleans `TRUE`/`FALSE` (LDAP's Boolean syntax), binary as base64, references as their target.
 */
export function valueToText(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    default:
      if (value instanceof Uint8Array) return bytesToBase64(value);
      // Values cross process boundaries (files, directories): refuse what is not a value at all.
      if (typeof value === 'object' && value !== null && typeof value.ref === 'string') return value.ref;
      throw new TypeError(`not an attribute value: ${JSON.stringify(value)}`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // `apply` takes the typed array as it is; spreading it would allocate an iterator per call.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

/** Decodes standard base64; throws `TypeError` on characters outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Parses an integer string to number when safe, bigint otherwise; undefined when not an integer. */
export function parseInteger(text: string): number | bigint | undefined {
  const trimmed = text.trim();
  if (!/^[-+]?\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) ? n : BigInt(trimmed);
}

/** Key used by join indexes: like `valueKey`, but strings are lower-cased (joins match case-insensitively, then re-check). */
export function indexKey(value: AttributeValue): string {
  return typeof value === 'string' ? 's:' + value.toLowerCase() : valueKey(value);
}
