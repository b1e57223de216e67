import type { ImportEntry } from '../../core/connector.js';
import type { AttributeValue } from '../../core/values.js';
import { isReference, valueToText } from '../../core/values.js';

/**
 * How Graph resources appear in the connector space: with the attribute names and object types of
 * Entra Connect's AAD connector (`sourceAnchor`, `cloudAnchor`, `user`, `group`), so the
 * `entra-connect` preset's "Out to AAD" / "In from AAD" rules apply unchanged.
 */
export const ENTRA_OBJECT_TYPES = ['user', 'group'] as const;
export type EntraObjectType = (typeof ENTRA_OBJECT_TYPES)[number];

export type GraphResource = Readonly<Record<string, unknown>>;

/** Connector attribute → Graph property that Graph lets an application write, per object type. */
const WRITABLE: Readonly<Record<EntraObjectType, Readonly<Record<string, string>>>> = {
  user: {
    userPrincipalName: 'userPrincipalName',
    displayName: 'displayName',
    givenName: 'givenName',
    surname: 'surname',
    mail: 'mail',
    mailNickname: 'mailNickname',
    accountEnabled: 'accountEnabled',
    department: 'department',
    jobTitle: 'jobTitle',
    employeeId: 'employeeId',
    usageLocation: 'usageLocation',
    companyName: 'companyName',
    mobilePhone: 'mobilePhone',
    officeLocation: 'officeLocation',
    city: 'city',
  },
  group: {
    displayName: 'displayName',
    description: 'description',
    mailNickname: 'mailNickname',
    securityEnabled: 'securityEnabled',
  },
};

/**
 * Attributes Graph shows but computes itself (proxyAddresses from `mail`, the on-premises
 * sAMAccountName only the sync service writes): imported, never exported. An export that changes
 * one fails for that object with a message saying so, rather than being reported as done.
 */
const READ_ONLY: Readonly<Record<EntraObjectType, Readonly<Record<string, string>>>> = {
  user: { proxyAddresses: 'proxyAddresses', onPremisesSamAccountName: 'onPremisesSamAccountName' },
  group: { proxyAddresses: 'proxyAddresses', mail: 'mail' },
};

const BOOLEAN_PROPERTIES = new Set(['accountEnabled', 'securityEnabled']);

export function isEntraObjectType(type: string): type is EntraObjectType {
  return (ENTRA_OBJECT_TYPES as readonly string[]).includes(type);
}

/** The property holding the sourceAnchor: onPremisesImmutableId for users, a directory extension for groups. */
export function anchorProperty(type: EntraObjectType, groupAnchorProperty: string): string {
  return type === 'user' ? 'onPremisesImmutableId' : groupAnchorProperty;
}

/** `$select` for a resource type: every mapped property plus id and the anchor property. */
export function selectFor(type: EntraObjectType, groupAnchorProperty: string): string[] {
  return [
    'id',
    anchorProperty(type, groupAnchorProperty),
    ...new Set([...Object.values(WRITABLE[type]), ...Object.values(READ_ONLY[type])]),
  ];
}

/** The cloud DN Entra Connect gives every synchronized object: `CN={<UTF-8 hex of sourceAnchor>}`. */
export function cloudDn(sourceAnchor: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(sourceAnchor)) hex += byte.toString(16).toUpperCase().padStart(2, '0');
  return `CN={${hex}}`;
}

/** The sourceAnchor inside a cloud DN, or null when the DN is not of that form. */
export function sourceAnchorOfDn(dn: string): string | null {
  const hex = /^CN=\{((?:[0-9A-Fa-f]{2})+)\}$/i.exec(dn.trim())?.[1];
  if (!hex) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

function toValues(value: unknown): AttributeValue[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(toValues);
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (typeof value === 'boolean' || typeof value === 'number') return [value];
  return [];
}

/**
 * A Graph resource as an import entry, or a reason it cannot be one. Objects without a
 * sourceAnchor are cloud-only: like Entra Connect, the connector space holds only synchronized
 * objects (`null` result), so a cloud-only user becomes visible once soft match gives it an anchor.
 */
export function toImportEntry(
  type: EntraObjectType,
  resource: GraphResource,
  groupAnchorProperty: string,
  members: readonly string[] | null,
): ImportEntry | { readonly problem: string } | null {
  const id = resource.id;
  if (typeof id !== 'string' || id === '') return { problem: `a ${type} without an "id" was skipped` };
  const anchor = resource[anchorProperty(type, groupAnchorProperty)];
  if (anchor === null || anchor === undefined || anchor === '') return null;
  if (typeof anchor !== 'string') return { problem: `${type} ${id}: the sourceAnchor is not a string` };
  const attributes: Record<string, AttributeValue[]> = { sourceAnchor: [anchor], cloudAnchor: [id], objectId: [id] };
  for (const map of [WRITABLE[type], READ_ONLY[type]]) {
    for (const [attribute, property] of Object.entries(map)) {
      const values = toValues(resource[property]);
      if (values.length > 0) attributes[attribute] = values;
    }
  }
  if (members && members.length > 0) attributes.member = members.map((dn) => ({ ref: dn }));
  return { anchor: id, dn: cloudDn(anchor), objectType: type, attributes };
}

/** Graph property and JSON value for one exported attribute, or why it cannot be written. */
export function toGraphProperty(
  type: EntraObjectType,
  attribute: string,
  values: readonly AttributeValue[],
): { readonly property: string; readonly value: unknown } | { readonly problem: string } | null {
  if (attribute === 'member' || attribute === 'sourceAnchor') return null;
  const property = WRITABLE[type][attribute];
  if (!property) {
    if (READ_ONLY[type][attribute]) {
      return {
        problem: `${attribute} is read-only in Microsoft Graph (the service computes it); remove the flow to it (see the entra connector README)`,
      };
    }
    return { problem: `${attribute} is not a ${type} attribute the entra connector can write` };
  }
  const first = values.find((v) => !isReference(v));
  if (first === undefined) return { property, value: null };
  if (BOOLEAN_PROPERTIES.has(property)) {
    const text = valueToText(first).toLowerCase();
    return { property, value: text === 'true' || text === '1' };
  }
  return { property, value: valueToText(first) };
}

/** The primary SMTP address of an export target (the `SMTP:` proxy address, else mail), for soft match. */
export function primarySmtp(attributes: Readonly<Record<string, readonly AttributeValue[]>>): string | null {
  for (const value of attributes.proxyAddresses ?? []) {
    if (typeof value === 'string' && value.startsWith('SMTP:')) return value.slice(5);
  }
  const mail = attributes.mail?.[0];
  return typeof mail === 'string' && mail !== '' ? mail : null;
}
