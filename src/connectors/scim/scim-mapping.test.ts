import { describe, expect, it } from 'vitest';
import { adToScimPreset } from '../../config/index.js';
import { evaluateExpression, parseExpression } from '../../core/expressions/index.js';
import { buildResource, readResource } from './scim-mapping.js';
import { dnOf, ENTERPRISE_USER, parseScimDn, RESOURCE_TYPES } from './scim-schema.js';

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER],
  id: 'u-1',
  userName: 'Ada@Contoso.com',
  externalId: 'AQAAAA==',
  displayName: 'Ada Lovelace',
  active: false,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { value: 'ada@home.example', type: 'home' },
    { value: 'ada.old@contoso.com', type: 'work' },
    { value: 'ada@contoso.com', type: 'work', primary: true },
    { value: 'ada@else.example', type: 'Custom' },
  ],
  phoneNumbers: [{ value: '+1 555', type: 'mobile' }],
  meta: { resourceType: 'User', version: 'W/"3"' },
  [ENTERPRISE_USER]: { department: 'Engines', employeeNumber: '7', manager: { value: 'u-2', $ref: '../Users/u-2' } },
};

function evaluate(source: string, attributes: Record<string, readonly string[]>): unknown {
  const result = evaluateExpression(parseExpression(source), {
    attribute: (name) => attributes[name],
    parameter: () => undefined,
  });
  return result.kind === 'values' ? result.values[0] : result.kind;
}

describe('scim mapping', () => {
  it('flattens a user: name parts, emails by type (primary first), enterprise attributes, manager id', () => {
    const read = readResource(RESOURCE_TYPES.user, USER);
    expect(read).toEqual({
      anchor: 'u-1',
      dn: 'userName=Ada@Contoso.com,ou=Users',
      attributes: {
        userName: ['Ada@Contoso.com'],
        externalId: ['AQAAAA=='],
        displayName: ['Ada Lovelace'],
        'meta.version': ['W/"3"'],
        active: [false],
        'name.givenName': ['Ada'],
        'name.familyName': ['Lovelace'],
        'emails.work': ['ada@contoso.com'],
        'emails.home': ['ada@home.example'],
        'emails.other': ['ada@else.example'],
        'phoneNumbers.mobile': ['+1 555'],
        employeeNumber: ['7'],
        department: ['Engines'],
      },
      refs: { manager: [{ id: 'u-2', resourceType: 'User' }] },
    });
  });

  it('reads group members with their type from type or $ref', () => {
    const read = readResource(RESOURCE_TYPES.group, {
      id: 'g-1',
      displayName: 'Pioneers',
      members: [
        { value: 'u-1', type: 'User' },
        { value: 'g-2', $ref: 'https://x/scim/v2/Groups/g-2' },
        { value: 'x' },
        'junk',
      ],
    });
    expect(read).toMatchObject({
      dn: 'displayName=Pioneers,ou=Groups',
      refs: { members: [{ id: 'u-1', resourceType: 'User' }, { id: 'g-2', resourceType: 'Group' }, { id: 'x' }] },
    });
  });

  it('explains what it cannot read', () => {
    expect(readResource(RESOURCE_TYPES.user, 'text')).toBe('a User that is not a JSON object');
    expect(readResource(RESOURCE_TYPES.user, { userName: 'x' })).toBe('a User without an id (userName "x")');
  });

  it('names an object without a naming attribute by its id', () => {
    expect(readResource(RESOURCE_TYPES.group, { id: 'g,1' })).toMatchObject({ dn: 'id=g\\,1,ou=Groups' });
  });

  it('round-trips DN special characters through parseScimDn', () => {
    for (const name of ['o,brien+x=1@contoso.com', ' lead#', 'quote"back\\slash;<>']) {
      expect(parseScimDn(dnOf(RESOURCE_TYPES.user, name, 'id'))).toEqual({
        type: RESOURCE_TYPES.user,
        attribute: 'userName',
        value: name,
      });
    }
    expect(parseScimDn('cn=x,ou=Users')).toBeNull();
    expect(parseScimDn('userName=x,ou=Elsewhere')).toBeNull();
  });

  it('gives the DN the ad-to-scim preset computes for the same object', () => {
    const rules = adToScimPreset('corp', 'scim');
    const dnFlow = (rule: string): string => {
      const flow = rules.find((r) => r.name === rule)?.flows?.find((f) => f.target === 'dn');
      return flow && 'expression' in flow && typeof flow.expression === 'string' ? flow.expression : '';
    };
    for (const upn of ['ada@contoso.com', 'o,brien+x=1@contoso.com', ' lead#@contoso.com']) {
      expect(evaluate(dnFlow('Out to SCIM - User'), { userPrincipalName: [upn] })).toBe(
        dnOf(RESOURCE_TYPES.user, upn, 'unused'),
      );
    }
    expect(evaluate(dnFlow('Out to SCIM - Group'), { displayName: ['R&D; "core", team'] })).toBe(
      dnOf(RESOURCE_TYPES.group, 'R&D; "core", team', 'unused'),
    );
  });

  it('builds a user with the work email as primary and the enterprise extension only when used', () => {
    const ids = new Map([['userName=boss,ou=Users', 'u-9']]);
    const refId = (v: unknown): string | undefined => ids.get((v as { ref: string }).ref);
    const body = buildResource(
      RESOURCE_TYPES.user,
      {
        userName: ['ada'],
        active: ['TRUE'],
        'name.givenName': ['Ada'],
        'emails.home': ['a@home.example'],
        'emails.work': ['a@work.example'],
        manager: [{ ref: 'userName=boss,ou=Users' }],
      },
      refId,
    );
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER],
      userName: 'ada',
      active: true,
      name: { givenName: 'Ada' },
      emails: [
        { value: 'a@work.example', type: 'work', primary: true },
        { value: 'a@home.example', type: 'home' },
      ],
      [ENTERPRISE_USER]: { manager: { value: 'u-9' } },
    });
    expect(buildResource(RESOURCE_TYPES.user, { userName: ['bob'] }, refId)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bob',
    });
  });
});
