import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../core/values.js';
import { planPatch, UnknownAttributeError } from './scim-patch.js';
import { ENTERPRISE_USER, RESOURCE_TYPES } from './scim-schema.js';

const IDS: Record<string, string> = {
  'userName=a,ou=Users': 'id-a',
  'userName=b,ou=Users': 'id-b',
  'userName=c,ou=Users': 'id-c',
};
const refId = (v: AttributeValue): string | undefined => IDS[(v as { ref: string }).ref];
const ref = (name: string): AttributeValue => ({ ref: `userName=${name},ou=Users` });

describe('planPatch', () => {
  it('replaces and removes single-valued attributes by path, the enterprise ones by their URN path', () => {
    const plan = planPatch(
      RESOURCE_TYPES.user,
      [
        { operation: 'replace', name: 'displayName', values: ['Ada'] },
        { operation: 'add', name: 'name.givenName', values: ['A'] },
        { operation: 'delete', name: 'title' },
        { operation: 'replace', name: 'department', values: ['R&D'] },
        { operation: 'replace', name: 'active', values: [false] },
        { operation: 'replace', name: 'manager', values: [ref('b')] },
      ],
      {},
      refId,
      null,
    );
    expect(plan.operations).toEqual([
      { op: 'replace', path: 'displayName', value: 'Ada' },
      { op: 'replace', path: 'name.givenName', value: 'A' },
      { op: 'remove', path: 'title' },
      { op: 'replace', path: `${ENTERPRISE_USER}:department`, value: 'R&D' },
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: `${ENTERPRISE_USER}:manager`, value: { value: 'id-b' } },
    ]);
  });

  it('replaces emails as one list built from the target, work first and primary', () => {
    const plan = planPatch(
      RESOURCE_TYPES.user,
      [{ operation: 'replace', name: 'emails.work', values: ['n@x.example'] }],
      { 'emails.work': ['n@x.example'], 'emails.home': ['h@x.example'] },
      refId,
      null,
    );
    expect(plan.operations).toEqual([
      {
        op: 'replace',
        path: 'emails',
        value: [
          { value: 'n@x.example', type: 'work', primary: true },
          { value: 'h@x.example', type: 'home' },
        ],
      },
    ]);
  });

  it('adds and removes single members, never sending the whole list', () => {
    const plan = planPatch(
      RESOURCE_TYPES.group,
      [{ operation: 'update', name: 'members', add: [ref('a'), ref('c')], remove: [ref('b')] }],
      {},
      refId,
      null,
    );
    expect(plan.operations).toEqual([
      { op: 'add', path: 'members', value: [{ value: 'id-a' }, { value: 'id-c' }] },
      { op: 'remove', path: 'members[value eq "id-b"]' },
    ]);
  });

  it('asks for the current members when the delta replaces them, then diffs', () => {
    const change = { operation: 'replace' as const, name: 'members', values: [ref('a')] };
    expect(planPatch(RESOURCE_TYPES.group, [change], {}, refId, null)).toEqual({
      operations: [],
      needsCurrentMembers: true,
    });
    expect(planPatch(RESOURCE_TYPES.group, [change], {}, refId, ['id-b', 'id-a']).operations).toEqual([
      { op: 'remove', path: 'members[value eq "id-b"]' },
    ]);
  });

  it('refuses an attribute outside the connector schema', () => {
    expect(() =>
      planPatch(RESOURCE_TYPES.group, [{ operation: 'replace', name: 'mail', values: ['x'] }], {}, refId, null),
    ).toThrow(UnknownAttributeError);
  });
});
