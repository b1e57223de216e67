import { describe, expect, it } from 'vitest';
import { classifyDirSyncEntry } from './dirsync-changes.js';

const GUID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const DN = 'CN=Ada,OU=People,DC=samdom,DC=example,DC=com';

describe('classifyDirSyncEntry', () => {
  it('reads a tombstone as a delete', () => {
    const raw = { dn: 'CN=Ada\\0ADEL:x,CN=Deleted Objects,DC=samdom', objectGUID: GUID, isDeleted: 'TRUE', '*': [] };
    expect(classifyDirSyncEntry(raw)).toMatchObject({ kind: 'deleted', guid: GUID });
  });

  it('reads a new object (objectClass sent) and a rename or move (parentGUID sent) as whole images', () => {
    const created = { dn: DN, objectGUID: GUID, objectClass: ['top', 'user'], sAMAccountName: 'ada' };
    const moved = { dn: DN, objectGUID: GUID, parentGUID: Buffer.alloc(16, 1), name: 'Ada', instanceType: '4' };
    expect(classifyDirSyncEntry(created)).toMatchObject({ kind: 'image', dn: DN });
    expect(classifyDirSyncEntry(moved)).toMatchObject({ kind: 'image', dn: DN });
  });

  it('reads other changes attribute by attribute, with cleared attributes and incremental member values', () => {
    const raw = {
      dn: DN,
      objectGUID: GUID,
      instanceType: '4',
      '*': [],
      parentGUID: [],
      description: 'new',
      givenName: [],
      'member;range=1-1': ['CN=B,DC=x', 'CN=C,DC=x'],
      'member;range=0-0': 'CN=A,DC=x',
    };
    const change = classifyDirSyncEntry(raw);
    expect(change.kind).toBe('attributes');
    if (change.kind !== 'attributes') return;
    expect([...change.replaced]).toEqual([['description', ['new']]]);
    expect(change.cleared).toEqual(['givenName']);
    expect(change.added.get('member')).toEqual(['CN=B,DC=x', 'CN=C,DC=x']);
    expect(change.removed.get('member')).toEqual(['CN=A,DC=x']);
  });

  it('reports an entry without a usable objectGUID as malformed, naming it', () => {
    expect(classifyDirSyncEntry({ dn: DN, objectGUID: 'text', description: 'x' })).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining(DN) as unknown,
    });
    expect(classifyDirSyncEntry({ dn: DN, description: 'x' })).toMatchObject({ kind: 'malformed' });
  });
});
