import { escapeDnValue, parseDn } from '../../core/dn.js';

/**
 * How SCIM resources appear in the connector space. Complex attributes are flattened into plain
 * attribute names that rules can flow to:
 *
 * | connector space          | SCIM                                                                  |
 * |--------------------------|-----------------------------------------------------------------------|
 * | `userName`, `displayName`, `externalId`, `nickName`, `title`, ... | the core attribute of that name |
 * | `active`                 | `active` (boolean)                                                    |
 * | `name.givenName`, ...    | `name.givenName` (every sub-attribute of `name`)                      |
 * | `emails.work`            | `emails[type eq "work"].value` (also `home`, `other`)                 |
 * | `phoneNumbers.mobile`    | `phoneNumbers[type eq "mobile"].value` (also `work`, `home`, `fax`, `pager`, `other`) |
 * | `employeeNumber`, `department`, `costCenter`, `organization`, `division` | the enterprise extension's attribute |
 * | `manager`                | enterprise `manager.value`, as a reference                            |
 * | `members` (groups)       | `members[].value`, as references                                      |
 * | `meta.version`           | `meta.version` (read only; sent back as `If-Match`)                   |
 *
 * DNs: a user is `userName=<userName>,ou=Users`, a group `displayName=<displayName>,ou=Groups`
 * (both compared case-insensitively, as SCIM compares `userName`). Outbound rules compute the same
 * DN, so a provisioned object and the resource an import later reads are one CS object, and
 * references (members, manager) resolve by DN in both directions.
 */
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const USER_STRINGS = [
  'userName',
  'externalId',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
] as const;
export const NAME_PARTS = [
  'givenName',
  'familyName',
  'middleName',
  'formatted',
  'honorificPrefix',
  'honorificSuffix',
] as const;
export const EMAIL_TYPES = ['work', 'home', 'other'] as const;
export const PHONE_TYPES = ['work', 'mobile', 'home', 'fax', 'pager', 'other'] as const;
export const ENTERPRISE_STRINGS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;
export const GROUP_STRINGS = ['displayName', 'externalId'] as const;
export const VERSION_ATTRIBUTE = 'meta.version';

/** The multi-valued complex attributes flattened by `type`. */
export const TYPED_LISTS = { emails: EMAIL_TYPES, phoneNumbers: PHONE_TYPES } as const;
export type TypedList = keyof typeof TYPED_LISTS;

export const REFERENCE_ATTRIBUTES = ['members', 'manager'] as const;

export type ScimObjectType = 'user' | 'group';

export interface ResourceTypeInfo {
  readonly objectType: ScimObjectType;
  /** Endpoint below the base URL. */
  readonly endpoint: '/Users' | '/Groups';
  /** SCIM `type` of a member / `meta.resourceType`. */
  readonly resourceType: 'User' | 'Group';
  /** Attribute naming the object in its DN. */
  readonly namingAttribute: 'userName' | 'displayName';
  readonly container: 'Users' | 'Groups';
}

export const RESOURCE_TYPES: Readonly<Record<ScimObjectType, ResourceTypeInfo>> = {
  user: {
    objectType: 'user',
    endpoint: '/Users',
    resourceType: 'User',
    namingAttribute: 'userName',
    container: 'Users',
  },
  group: {
    objectType: 'group',
    endpoint: '/Groups',
    resourceType: 'Group',
    namingAttribute: 'displayName',
    container: 'Groups',
  },
};

/** The DN of a resource: by its naming attribute, or by `id` when it has none. */
export function dnOf(type: ResourceTypeInfo, naming: string | undefined, id: string): string {
  const rdn =
    naming !== undefined && naming !== ''
      ? `${type.namingAttribute}=${escapeDnValue(naming)}`
      : `id=${escapeDnValue(id)}`;
  return `${rdn},ou=${type.container}`;
}

/** What a DN in this connector space names: the resource type and the attribute and value to look it up by. */
export interface DnKey {
  readonly type: ResourceTypeInfo;
  readonly attribute: 'id' | 'userName' | 'displayName';
  readonly value: string;
}

/** Parses a DN this connector gives its objects; null for any other shape. */
export function parseScimDn(dn: string): DnKey | null {
  let rdns;
  try {
    rdns = parseDn(dn);
  } catch {
    return null;
  }
  if (rdns.length !== 2 || rdns[0]?.length !== 1 || rdns[1]?.length !== 1) return null;
  const leaf = rdns[0][0];
  const container = rdns[1][0];
  if (!leaf || !container || container.type.toLowerCase() !== 'ou') return null;
  const type = Object.values(RESOURCE_TYPES).find((t) => t.container.toLowerCase() === container.value.toLowerCase());
  if (!type) return null;
  const attribute = leaf.type.toLowerCase();
  if (attribute === 'id') return { type, attribute: 'id', value: leaf.value };
  if (attribute === type.namingAttribute.toLowerCase())
    return { type, attribute: type.namingAttribute, value: leaf.value };
  return null;
}

/** A SCIM filter comparing `attribute` with a string (RFC 7644 §3.4.2.2: JSON string syntax). */
export function eqFilter(attribute: string, value: string): string {
  return `${attribute} eq ${JSON.stringify(value)}`;
}
