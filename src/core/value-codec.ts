import { base64ToBytes, bytesToBase64, type AttributeValue, type Attributes } from './values.js';

/**
 * JSON encoding of attribute values for stores and reports. Plain JSON types stay as they are;
 * binary, big integers and references are tagged objects so that decoding is exact.
 */
type EncodedValue = string | number | boolean | { $b: string } | { $i: string } | { $r: string };

export function encodeValue(value: AttributeValue): EncodedValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return { $i: value.toString() };
    default:
      return value instanceof Uint8Array ? { $b: bytesToBase64(value) } : { $r: value.ref };
  }
}

export function decodeValue(encoded: unknown): AttributeValue {
  if (typeof encoded === 'string' || typeof encoded === 'number' || typeof encoded === 'boolean') return encoded;
  if (encoded !== null && typeof encoded === 'object') {
    const tagged = encoded as Record<string, unknown>;
    if (typeof tagged.$b === 'string') return base64ToBytes(tagged.$b);
    if (typeof tagged.$i === 'string') return BigInt(tagged.$i);
    if (typeof tagged.$r === 'string') return { ref: tagged.$r };
  }
  throw new TypeError(`not an encoded attribute value: ${JSON.stringify(encoded)}`);
}

export function encodeAttributes(attributes: Attributes): Record<string, EncodedValue[]> {
  const out: Record<string, EncodedValue[]> = {};
  for (const [name, values] of Object.entries(attributes)) out[name] = values.map(encodeValue);
  return out;
}

export function decodeAttributes(encoded: unknown): Attributes {
  const out: Record<string, AttributeValue[]> = {};
  if (encoded === null || typeof encoded !== 'object') return out;
  for (const [name, values] of Object.entries(encoded as Record<string, unknown>)) {
    if (Array.isArray(values)) out[name] = values.map(decodeValue);
  }
  return out;
}

/**
 * `JSON.stringify` replacer/reviver pair that round-trips any structure containing attribute values
 * (holograms, deltas, errors). Used by stores to persist tower images as one JSON column each.
 */
export function stringifyWithValues(data: unknown): string {
  return JSON.stringify(data, function replacer(this: unknown, _key, value: unknown) {
    if (typeof value === 'bigint') return { $i: value.toString() };
    if (value instanceof Uint8Array) return { $b: bytesToBase64(value) };
    return value;
  });
}

export function parseWithValues<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as Record<string, unknown>;
      const keys = Object.keys(tagged);
      if (keys.length === 1) {
        if (typeof tagged.$b === 'string') return base64ToBytes(tagged.$b);
        if (typeof tagged.$i === 'string') return BigInt(tagged.$i);
      }
    }
    return value;
  }) as T;
}
