import { base64ToBytes, bytesToBase64 } from './values.js';

/**
 * Reads text written by `stringifyWithValues`. Parses with plain `JSON.parse` and revives tagged
 * values in one walk afterwards: a reviver callback per key was the largest cost of a scan.
 */
export function parseWithValues<T>(text: string): T {
  return revive(JSON.parse(text)) as T;
}

function revive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) value[i] = revive(item);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  let count = 0;
  let onlyKey = '';
  for (const key in record) {
    count++;
    onlyKey = key;
    const item = record[key];
    if (typeof item === 'object' && item !== null) record[key] = revive(item);
  }
  if (count === 1) {
    const tagged = record[onlyKey];
    if (onlyKey === '$b' && typeof tagged === 'string') return base64ToBytes(tagged);
    if (onlyKey === '$i' && typeof tagged === 'string') return BigInt(tagged);
  }
  return record;
}

/**
 * JSON for any structure holding attribute values (holograms, deltas, errors), as stores persist
 * tower images: binary becomes `{"$b": base64}` and big integers `{"$i": text}`; Reference values
 * are plain `{ref}` objects. Tagged values are substituted in a copy-on-write walk and the result
 * goes through `JSON.stringify` without a replacer, which is faster than a replacer and also stores
 * Node `Buffer`s (LDAP clients return them) as binary: `Buffer#toJSON` would run before a replacer.
 */
export function stringifyWithValues(data: unknown): string {
  return JSON.stringify(encode(data));
}

function encode(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? { $i: value.toString() } : value;
  if (value instanceof Uint8Array) return { $b: bytesToBase64(value) };
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const encoded = encode(item);
      if (encoded !== item) (copy ??= value.slice())[i] = encoded;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    const encoded = encode(item);
    if (encoded !== item) (copy ??= { ...record })[key] = encoded;
  }
  return copy ?? value;
}
