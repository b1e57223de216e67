import { describe, expect, it } from 'vitest';
import { parseWithValues, stringifyWithValues } from './value-codec.js';

const SAMPLES: readonly unknown[] = [
  { attributes: { objectGUID: [Uint8Array.from([1, 2, 255])], accountExpires: [9223372036854775807n] } },
  { a: [1n, -5n, Uint8Array.from([]), { ref: 'CN=x' }, true, 0, ''] },
  { $b: 'AQID', other: 1 },
  { $i: 5 },
  [{ nested: { big: -9007199254740993n } }, null, [Uint8Array.from([7])]],
  'text',
  42,
  null,
];

describe('JSON with attribute values', () => {
  it.each(SAMPLES.map((sample, i) => [i, sample] as const))('round-trips sample %i exactly', (_i, sample) => {
    expect(parseWithValues(stringifyWithValues(sample))).toEqual(sample);
  });

  it('stores a Node Buffer as binary that reads back as the same bytes', () => {
    const read = parseWithValues<{ a: Uint8Array[] }>(stringifyWithValues({ a: [Buffer.from([1, 2, 255])] }));
    expect(read.a[0]).toBeInstanceOf(Uint8Array);
    expect(Array.from(read.a[0] ?? [])).toEqual([1, 2, 255]);
  });

  it('leaves the encoded input unchanged', () => {
    const sample = { a: [Uint8Array.from([1]), 2n] };
    stringifyWithValues(sample);
    expect(sample.a[0]).toBeInstanceOf(Uint8Array);
    expect(sample.a[1]).toBe(2n);
  });
});
