import type { SyncRuleInput } from '../rule-schema.js';
import { direct, expression, joinOnlyRule, type FlowInput } from './rule-parts.js';

/** `Trim([x])` into `x`, as the stock rules clean most string attributes. */
function trimmed(target: string, source = target): FlowInput {
  return expression(target, `Trim([${source}])`);
}

/** The stock rules keep only the first value of a multi-valued AD string, cut to 448 characters. */
function firstValue(attribute: string): FlowInput {
  return expression(attribute, `IIF(IsNullOrEmpty([${attribute}]),NULL,Left(Trim(Item([${attribute}],1)),448))`);
}

const SOURCE_ANCHOR_FROM_OBJECT_GUID = 'ConvertToBase64([objectGUID])';

/** Users: ms-DS-ConsistencyGuid when set, else objectGUID (Entra Connect 1.1.524.0+ default). */
const USER_SOURCE_ANCHOR =
  'IIF(IsPresent([mS-DS-ConsistencyGuid]),ConvertToBase64([mS-DS-ConsistencyGuid]),ConvertToBase64([objectGUID]))';

/**
 * groupType is a signed 32-bit integer in AD: bit 31 (0x80000000, read as -2147483648) marks a
 * security group. BitAnd with -2147483648 is non-zero for both the signed (-2147483646) and the
 * unsigned (2147483650) rendering of a global security group.
 */
const SECURITY_ENABLED = 'IIF(BitAnd([groupType],-2147483648)=0,False,True)';

/** The cloud DN of every object provisioned to Entra ID is derived from its sourceAnchor. */
const CLOUD_DN = '"CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"';

/** Blocks further changes once the exported sourceAnchor would change ("Out to AAD - Group Join"). */
const OUTBOUND_SOURCE_ANCHOR =
  'IIF(IsPresent([cloudSourceAnchor]),IIF([cloudSourceAnchor]=[sourceAnchor],[sourceAnchor],Error("SourceAnchor attribute has changed.")),[sourceAnchor])';

const NOT_CRITICAL = { attribute: 'isCriticalSystemObject', operator: 'NOTEQUAL', value: 'TRUE' } as const;
const HAS_SOURCE_ANCHOR = { attribute: 'sourceAnchor', operator: 'ISNOTNULL' } as const;
const JOIN_ON_SOURCE_ANCHOR = [[{ csAttribute: 'sourceAnchor', mvAttribute: 'sourceAnchor' }]];
const JOIN_ON_OBJECT_GUID_ANCHOR = [[{ csAttribute: 'objectGUID', mvAttribute: 'sourceAnchorBinary' }]];

/** Rules from the on-premises AD connector into the metaverse. */
export function inboundFromAd(connector: string): SyncRuleInput[] {
  const base = { direction: 'inbound', connector } as const;
  return [
    {
      ...base,
      name: 'In from AD - User Join',
      csObjectType: 'user',
      mvObjectType: 'person',
      linkType: 'provision',
      precedence: 100,
      scope: [[NOT_CRITICAL, { attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'User_' }]],
      joins: [[{ csAttribute: 'objectSid', mvAttribute: 'objectSid' }]],
      flows: [expression('sourceAnchor', USER_SOURCE_ANCHOR), direct('objectSid')],
    },
    {
      ...base,
      name: 'In from AD - User Common',
      csObjectType: 'user',
      mvObjectType: 'person',
      precedence: 106,
      scope: [[{ attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'User_' }]],
      flows: [
        expression('accountEnabled', 'IIF(BitAnd([userAccountControl],2)=0,True,False)'),
        direct('accountName', 'sAMAccountName'),
        direct('cn'),
        trimmed('company'),
        trimmed('department'),
        firstValue('description'),
        expression('displayName', 'IIF(IsNullOrEmpty([displayName]),[cn],[displayName])'),
        expression('domainFQDN', '%Domain.FQDN%'),
        expression('domainNetBios', '%Domain.Netbios%'),
        trimmed('employeeID'),
        trimmed('givenName'),
        trimmed('l'),
        trimmed('mail'),
        direct('mailNickname'),
        direct('manager'),
        trimmed('mobile'),
        trimmed('physicalDeliveryOfficeName'),
        expression('proxyAddresses', 'RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))'),
        trimmed('sn'),
        trimmed('telephoneNumber'),
        trimmed('title'),
        expression(
          'userPrincipalName',
          'IIF(IsPresent([userPrincipalName]),[userPrincipalName],IIF(IsPresent([sAMAccountName]),([sAMAccountName]&"@"&%Domain.FQDN%),Error("AccountName is not present")))',
        ),
      ],
    },
    {
      ...base,
      name: 'In from AD - Group Join',
      csObjectType: 'group',
      mvObjectType: 'group',
      linkType: 'provision',
      precedence: 111,
      scope: [[NOT_CRITICAL, { attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'Group_' }]],
      joins: JOIN_ON_OBJECT_GUID_ANCHOR,
      flows: [
        expression('sourceAnchor', SOURCE_ANCHOR_FROM_OBJECT_GUID),
        direct('sourceAnchorBinary', 'objectGUID'),
        direct('objectSid'),
      ],
    },
    {
      ...base,
      name: 'In from AD - Group Common',
      csObjectType: 'group',
      mvObjectType: 'group',
      precedence: 112,
      scope: [[{ attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'Group_' }]],
      flows: [
        direct('accountName', 'sAMAccountName'),
        direct('cn'),
        firstValue('description'),
        expression('displayName', 'IIF(IsNullOrEmpty([displayName]),[cn],[displayName])'),
        trimmed('mail'),
        direct('mailNickname'),
        direct('member'),
        expression('proxyAddresses', 'RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))'),
        expression('securityEnabled', SECURITY_ENABLED),
      ],
    },
    {
      ...base,
      name: 'In from AD - Contact Join',
      csObjectType: 'contact',
      mvObjectType: 'contact',
      linkType: 'provision',
      precedence: 114,
      scope: [[{ attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'Contact_' }]],
      joins: JOIN_ON_OBJECT_GUID_ANCHOR,
      flows: [expression('sourceAnchor', SOURCE_ANCHOR_FROM_OBJECT_GUID), direct('sourceAnchorBinary', 'objectGUID')],
    },
    {
      ...base,
      name: 'In from AD - Contact Common',
      csObjectType: 'contact',
      mvObjectType: 'contact',
      precedence: 115,
      scope: [[{ attribute: 'adminDescription', operator: 'NOTSTARTSWITH', value: 'Contact_' }]],
      flows: [
        direct('cn'),
        expression('displayName', 'IIF(IsNullOrEmpty([displayName]),[cn],[displayName])'),
        trimmed('givenName'),
        trimmed('mail'),
        direct('mailNickname'),
        expression('proxyAddresses', 'RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))'),
        trimmed('sn'),
      ],
    },
  ];
}

/** Join-only rules from the cloud connector: they link what was provisioned and read back its anchor. */
function inboundFromAad(connector: string): SyncRuleInput[] {
  const join = (name: string, csObjectType: string, mvObjectType: string, precedence: number): SyncRuleInput =>
    joinOnlyRule(connector, { name, csObjectType, mvObjectType, precedence }, JOIN_ON_SOURCE_ANCHOR, [
      direct('cloudSourceAnchor', 'sourceAnchor'),
    ]);
  return [
    join('In from AAD - User Join', 'user', 'person', 146),
    join('In from AAD - Contact Join', 'contact', 'contact', 147),
    join('In from AAD - Group Join', 'group', 'group', 148),
  ];
}

/** Provisioning rules to the cloud connector. */
function outboundToAad(connector: string): SyncRuleInput[] {
  const base: Pick<SyncRuleInput, 'direction' | 'connector' | 'linkType' | 'scope' | 'joins' | 'deprovision'> = {
    direction: 'outbound',
    connector,
    linkType: 'provision',
    scope: [[HAS_SOURCE_ANCHOR]],
    joins: JOIN_ON_SOURCE_ANCHOR,
    deprovision: 'delete',
  };
  const identity = [
    expression('dn', CLOUD_DN),
    expression('sourceAnchor', OUTBOUND_SOURCE_ANCHOR),
    direct('displayName'),
    direct('mail'),
    direct('proxyAddresses'),
    direct('mailNickname'),
  ];
  return [
    {
      ...base,
      name: 'Out to AAD - User Join',
      csObjectType: 'user',
      mvObjectType: 'person',
      precedence: 123,
      passwordSync: true,
      scope: [[HAS_SOURCE_ANCHOR, { attribute: 'accountEnabled', operator: 'ISNOTNULL' }]],
      flows: [
        ...identity,
        direct('userPrincipalName'),
        direct('givenName'),
        direct('surname', 'sn'),
        direct('accountEnabled'),
        direct('onPremisesSamAccountName', 'accountName'),
        direct('department'),
        direct('jobTitle', 'title'),
        direct('manager'),
        direct('employeeId', 'employeeID'),
      ],
    },
    {
      ...base,
      name: 'Out to AAD - Contact Join',
      csObjectType: 'contact',
      mvObjectType: 'contact',
      precedence: 130,
      flows: [...identity, direct('givenName'), direct('surname', 'sn')],
    },
    {
      ...base,
      name: 'Out to AAD - Group Join',
      csObjectType: 'group',
      mvObjectType: 'group',
      precedence: 139,
      flows: [...identity, direct('description'), direct('member'), direct('securityEnabled')],
    },
  ];
}

/**
 * The `entra-connect` preset: a reduced copy of Entra Connect's stock rules for one AD forest and
 * one tenant, with the product's rule names. Precedences follow a real export where one was
 * available (User Join 100, User Common 106, Out to AAD - User Join 123, Out to AAD - Group Join
 * 139) and sit in the gaps the product leaves for the same rules otherwise.
 *
 * Simplifications, on purpose: contacts project as MV `contact` (the product projects them as
 * `person` with sourceObjectType "Contact" and lets the cloud decide); each Out to AAD Join rule
 * carries the flows the product spreads over its Identity/ExchangeOnline/… workload rules; no
 * cloudFiltered, Exchange, Lync, device or inetOrgPerson rules. The AD rules use the expression
 * parameters `%Domain.FQDN%` and `%Domain.Netbios%`, which the on-premises connector must define.
 *
 * Returns rules in the same input shape as `syncRules.rules`, so they pass the same validation.
 */
export function entraConnectPreset(onPremises: string, cloud: string): SyncRuleInput[] {
  return [...inboundFromAd(onPremises), ...inboundFromAad(cloud), ...outboundToAad(cloud)];
}
