import { describe, expect, it } from 'vitest';
import type { Entry } from '../core/connector-space.js';
import { applyDelta, diffAttributes } from './apply-delta.js';

const entry: Entry = {
  dn: 'CN=A',
  objectType: 'user',
  attributes: { displayName: ['A'], proxyAddresses: ['SMTP:a@x', 'smtp:b@x'], phone: ['1'] },
};

describe('applyDelta', () => {
  it('applies add, replace, per-value update and delete changes without touching its input', () => {
    const result = applyDelta(entry, {
      operation: 'update',
      dn: 'CN=A',
      objectType: 'user',
      changes: [
        { operation: 'replace', name: 'displayName', values: ['A2'] },
        { operation: 'update', name: 'proxyAddresses', add: ['smtp:c@x'], remove: ['smtp:b@x'] },
        { operation: 'delete', name: 'phone' },
        { operation: 'add', name: 'mail', values: ['a@x'] },
      ],
    });
    expect(result).toEqual({
      dn: 'CN=A',
      objectType: 'user',
      attributes: { displayName: ['A2'], proxyAddresses: ['SMTP:a@x', 'smtp:c@x'], mail: ['a@x'] },
    });
    expect(entry.attributes['phone']).toEqual(['1']);
  });

  it('gives no hologram for a delete', () => {
    expect(applyDelta(entry, { operation: 'delete', dn: 'CN=A', objectType: 'user', changes: [] })).toBeNull();
  });

  it('builds an add from the delta alone and takes the new DN of a rename', () => {
    expect(
      applyDelta(null, {
        operation: 'add',
        dn: 'CN=B',
        objectType: 'user',
        changes: [{ operation: 'add', name: 'cn', values: ['B'] }],
      }),
    ).toEqual({ dn: 'CN=B', objectType: 'user', attributes: { cn: ['B'] } });
    expect(
      applyDelta(entry, { operation: 'update', dn: 'CN=A', newDn: 'CN=A,OU=New', objectType: 'user', changes: [] })?.dn,
    ).toBe('CN=A,OU=New');
  });

  it('removes an attribute whose last value an update removes', () => {
    const result = applyDelta(entry, {
      operation: 'update',
      dn: 'CN=A',
      objectType: 'user',
      changes: [{ operation: 'update', name: 'phone', add: [], remove: ['1'] }],
    });
    expect(result?.attributes).not.toHaveProperty('phone');
  });
});

describe('diffAttributes', () => {
  it('describes the change between two images, sorted by name, multi-valued as per-value updates', () => {
    const to: Entry = {
      dn: 'CN=A',
      objectType: 'user',
      attributes: { displayName: ['A2'], proxyAddresses: ['SMTP:a@x'], title: ['T'] },
    };
    expect(diffAttributes(entry, to)).toEqual([
      { operation: 'replace', name: 'displayName', values: ['A2'] },
      { operation: 'delete', name: 'phone' },
      { operation: 'update', name: 'proxyAddresses', add: [], remove: ['smtp:b@x'] },
      { operation: 'add', name: 'title', values: ['T'] },
    ]);
  });
});
