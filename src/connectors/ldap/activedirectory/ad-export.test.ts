import { describe, expect, it } from 'vitest';
import type { ExportRequest } from '../../../core/connector.js';
import type { Entry } from '../../../core/connector-space.js';
import { DEFAULT_NEW_USER_UAC, prepareActiveDirectoryAdd } from './ad-export.js';

function request(target: Entry): ExportRequest {
  return {
    csId: 'X',
    dn: target.dn,
    anchor: null,
    objectType: target.objectType,
    delta: { operation: 'add', dn: target.dn, objectType: target.objectType, changes: [] },
    target,
  };
}

describe('prepareActiveDirectoryAdd', () => {
  it('creates a user without userAccountControl as a disabled normal account (514)', () => {
    const target: Entry = { dn: 'CN=A,DC=x', objectType: 'user', attributes: { sAMAccountName: ['a'] } };
    expect(DEFAULT_NEW_USER_UAC).toBe(514);
    expect(prepareActiveDirectoryAdd(request(target), target).attributes.userAccountControl).toEqual(['514']);
  });

  it('keeps a userAccountControl the export sets and leaves groups and computers alone', () => {
    const user: Entry = { dn: 'CN=A,DC=x', objectType: 'user', attributes: { userAccountControl: ['66048'] } };
    const group: Entry = { dn: 'CN=G,DC=x', objectType: 'group', attributes: { objectClass: ['group'] } };
    const computer: Entry = { dn: 'CN=C,DC=x', objectType: 'user', attributes: { objectClass: ['user', 'computer'] } };
    expect(prepareActiveDirectoryAdd(request(user), user).attributes.userAccountControl).toEqual(['66048']);
    expect(prepareActiveDirectoryAdd(request(group), group).attributes).not.toHaveProperty('userAccountControl');
    expect(prepareActiveDirectoryAdd(request(computer), computer).attributes).not.toHaveProperty('userAccountControl');
  });

  it('drops attributes the domain controller assigns', () => {
    const target: Entry = {
      dn: 'CN=A,DC=x',
      objectType: 'user',
      attributes: {
        objectSid: [new Uint8Array(4)],
        whenCreated: ['x'],
        sAMAccountName: ['a'],
        'mS-DS-ConsistencyGuid': [new Uint8Array(16)],
      },
    };
    expect(Object.keys(prepareActiveDirectoryAdd(request(target), target).attributes).sort()).toEqual([
      'mS-DS-ConsistencyGuid',
      'sAMAccountName',
      'userAccountControl',
    ]);
  });
});
