import { describe, expect, it } from 'vitest';
import type { ObjectDelta } from '../../core/connector-space.js';
import { decodeContributions, decodeDelta, encodeContributions, encodeDelta } from './compact-json.js';

describe('compact row encodings', () => {
  it('round-trips contributions grouped by their source', () => {
    const contributions = {
      displayName: { connector: 'corp', rule: 'In from AD - User Common', csId: 'A' },
      mail: { connector: 'corp', rule: 'In from AD - User Common', csId: 'A' },
      sourceAnchor: { connector: 'corp', rule: 'In from AD - User Join', csId: 'A' },
      cloudAnchor: { connector: 'cloud', rule: 'In from AAD - User Join', csId: 'B' },
    };
    const text = encodeContributions(contributions);
    expect(text.match(/In from AD - User Common/g)).toHaveLength(1);
    expect(decodeContributions(text)).toEqual(contributions);
  });

  it('groups equal records that are separate objects as one source', () => {
    const shared = { connector: 'corp', rule: 'r', csId: 'A' };
    const contributions = { a: shared, b: { ...shared }, c: { connector: 'corp', rule: 's', csId: 'A' }, d: shared };
    const text = encodeContributions(contributions);
    expect(JSON.parse(text)).toEqual([
      ['corp', 'r', 'A', ['a', 'd', 'b']],
      ['corp', 's', 'A', ['c']],
    ]);
    expect(decodeContributions(text)).toEqual(contributions);
  });

  it('reads contributions written in the plain per-attribute form', () => {
    const plain = { mail: { connector: 'corp', rule: 'r', csId: 'A' } };
    expect(decodeContributions(JSON.stringify(plain))).toEqual(plain);
  });

  it('round-trips a delta with binary values and sources grouped by rule', () => {
    const delta: ObjectDelta = {
      operation: 'add',
      dn: 'CN=x',
      objectType: 'user',
      changes: [{ operation: 'add', name: 'objectGUID', values: [Uint8Array.from([1, 2])] }],
      sources: { objectGUID: 'Out', mail: 'Out', manager: 'Other' },
    };
    expect(decodeDelta(encodeDelta(delta))).toEqual(delta);
    const { sources: _sources, ...withoutSources } = delta;
    expect(decodeDelta(encodeDelta(withoutSources))).toEqual(withoutSources);
  });
});
