import type { SyncRuleInput } from '../rule-schema.js';
import { inboundFromAd } from './entra-connect.js';
import { direct, expression, joinOnlyRule } from './rule-parts.js';

/** The DNs the scim connector gives its objects (connectors/scim/scim-schema.ts): by userName and displayName. */
const USER_DN = 'EscapeDNComponent("userName=" & [userPrincipalName]) & ",ou=Users"';
const GROUP_DN = 'EscapeDNComponent("displayName=" & [displayName]) & ",ou=Groups"';

const JOIN_ON_EXTERNAL_ID = [[{ csAttribute: 'externalId', mvAttribute: 'sourceAnchor', caseSensitive: true }]];
const HAS_SOURCE_ANCHOR = { attribute: 'sourceAnchor', operator: 'ISNOTNULL' } as const;

/** Join-only rules from the SCIM connector: an object whose externalId is a sourceAnchor is that identity. */
function inboundFromScim(connector: string): SyncRuleInput[] {
  const join = (name: string, csObjectType: string, mvObjectType: string, precedence: number): SyncRuleInput =>
    joinOnlyRule(connector, { name, csObjectType, mvObjectType, precedence }, JOIN_ON_EXTERNAL_ID);
  return [
    join('In from SCIM - User Join', 'user', 'person', 150),
    join('In from SCIM - Group Join', 'group', 'group', 151),
  ];
}

/** Provisioning rules to the SCIM connector, in the attribute names of its schema. */
function outboundToScim(connector: string): SyncRuleInput[] {
  const base = {
    direction: 'outbound',
    connector,
    linkType: 'provision',
    joins: JOIN_ON_EXTERNAL_ID,
    deprovision: 'delete',
  } as const;
  return [
    {
      ...base,
      name: 'Out to SCIM - User',
      csObjectType: 'user',
      mvObjectType: 'person',
      precedence: 160,
      scope: [[HAS_SOURCE_ANCHOR, { attribute: 'accountEnabled', operator: 'ISNOTNULL' }]],
      flows: [
        expression('dn', USER_DN),
        direct('userName', 'userPrincipalName'),
        direct('externalId', 'sourceAnchor'),
        direct('displayName'),
        direct('name.givenName', 'givenName'),
        direct('name.familyName', 'sn'),
        direct('emails.work', 'mail'),
        direct('active', 'accountEnabled'),
        direct('title'),
        direct('department'),
        direct('employeeNumber', 'employeeID'),
        direct('manager'),
      ],
    },
    {
      ...base,
      name: 'Out to SCIM - Group',
      csObjectType: 'group',
      mvObjectType: 'group',
      precedence: 161,
      scope: [[HAS_SOURCE_ANCHOR, { attribute: 'displayName', operator: 'ISNOTNULL' }]],
      flows: [
        expression('dn', GROUP_DN),
        direct('displayName'),
        direct('externalId', 'sourceAnchor'),
        direct('members', 'member'),
      ],
    },
  ];
}

/**
 * The `ad-to-scim` preset: the entra-connect preset's inbound rules from Active Directory (unchanged),
 * join rules from the SCIM service on externalId = sourceAnchor, and provisioning of users and groups
 * to it: userName (= userPrincipalName), externalId (= sourceAnchor), name, displayName, the work
 * email (primary), active (= accountEnabled), title, department, employeeNumber, manager, and group
 * members, which the connector adds and removes one by one. Contacts are not provisioned.
 */
export function adToScimPreset(onPremises: string, cloud: string): SyncRuleInput[] {
  return [...inboundFromAd(onPremises), ...inboundFromScim(cloud), ...outboundToScim(cloud)];
}
