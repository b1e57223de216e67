import type { Attributes, AttributeValue } from '../../core/values.js';
import {
  CORE_GROUP,
  CORE_USER,
  dnOf,
  ENTERPRISE_STRINGS,
  ENTERPRISE_USER,
  GROUP_STRINGS,
  NAME_PARTS,
  TYPED_LISTS,
  USER_STRINGS,
  VERSION_ATTRIBUTE,
  type ResourceTypeInfo,
  type TypedList,
} from './scim-schema.js';

/** A member or manager value as SCIM gives it: an id, and the resource type when the service says. */
export interface ScimRef {
  readonly id: string;
  readonly resourceType?: 'User' | 'Group';
}

/** A resource read from the service, flattened; references still as SCIM ids. */
export interface ReadResource {
  readonly anchor: string;
  readonly dn: string;
  readonly attributes: Record<string, AttributeValue[]>;
  /** Reference attribute → SCIM ids, resolved to DNs by the reader. */
  readonly refs: Readonly<Record<string, readonly ScimRef[]>>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function put(out: Record<string, AttributeValue[]>, name: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') out[name] = [value];
  else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[name] = [value];
}

function refOf(value: unknown): ScimRef | undefined {
  if (!isObject(value) || typeof value.value !== 'string' || value.value === '') return undefined;
  const type = value.type === 'User' || value.type === 'Group' ? value.type : undefined;
  const fromRef = typeof value.$ref === 'string' ? /\/(Users|Groups)\/[^/]+$/.exec(value.$ref)?.[1] : undefined;
  const resourceType = type ?? (fromRef === 'Users' ? 'User' : fromRef === 'Groups' ? 'Group' : undefined);
  return resourceType ? { id: value.value, resourceType } : { id: value.value };
}

/** The first value of each known `type` in a multi-valued complex attribute; the primary one wins. */
function readTypedList(out: Record<string, AttributeValue[]>, list: TypedList, values: unknown): void {
  if (!Array.isArray(values)) return;
  const types: readonly string[] = TYPED_LISTS[list];
  const ordered = [...values].filter(isObject).sort((a, b) => Number(b.primary === true) - Number(a.primary === true));
  for (const item of ordered) {
    const value = text(item.value);
    if (value === undefined) continue;
    const raw = typeof item.type === 'string' ? item.type.toLowerCase() : 'other';
    const type = types.includes(raw) ? raw : 'other';
    const name = `${list}.${type}`;
    if (!(name in out)) out[name] = [value];
  }
}

/**
 * Flattens one resource of a list or GET answer. Returns a message when it cannot be an object of
 * the connector space (not an object, no `id`).
 */
export function readResource(type: ResourceTypeInfo, resource: unknown): ReadResource | string {
  if (!isObject(resource)) return `a ${type.resourceType} that is not a JSON object`;
  const id = text(resource.id);
  if (id === undefined) return `a ${type.resourceType} without an id${describe(resource, type)}`;
  const attributes: Record<string, AttributeValue[]> = {};
  const refs: Record<string, ScimRef[]> = {};
  const strings: readonly string[] = type.objectType === 'user' ? USER_STRINGS : GROUP_STRINGS;
  for (const name of strings) put(attributes, name, resource[name]);
  if (isObject(resource.meta)) put(attributes, VERSION_ATTRIBUTE, resource.meta.version);
  if (type.objectType === 'group') {
    const members = Array.isArray(resource.members) ? resource.members.map(refOf) : [];
    refs.members = members.filter((m): m is ScimRef => m !== undefined);
  } else {
    if (typeof resource.active === 'boolean') attributes.active = [resource.active];
    if (isObject(resource.name)) for (const part of NAME_PARTS) put(attributes, `name.${part}`, resource.name[part]);
    readTypedList(attributes, 'emails', resource.emails);
    readTypedList(attributes, 'phoneNumbers', resource.phoneNumbers);
    const enterprise = resource[ENTERPRISE_USER];
    if (isObject(enterprise)) {
      for (const name of ENTERPRISE_STRINGS) put(attributes, name, enterprise[name]);
      const manager = refOf(enterprise.manager);
      if (manager) refs.manager = [{ id: manager.id, resourceType: 'User' }];
    }
  }
  const naming = text(resource[type.namingAttribute]);
  return { anchor: id, dn: dnOf(type, naming, id), attributes, refs };
}

function describe(resource: Json, type: ResourceTypeInfo): string {
  const naming = text(resource[type.namingAttribute]);
  return naming === undefined ? '' : ` (${type.namingAttribute} ${JSON.stringify(naming)})`;
}

/** Attributes the connector can write for `type`; anything else in an export is refused. */
export function isWritable(type: ResourceTypeInfo, name: string): boolean {
  if (type.objectType === 'group') return (GROUP_STRINGS as readonly string[]).includes(name) || name === 'members';
  if ((USER_STRINGS as readonly string[]).includes(name) || name === 'active' || name === 'manager') return true;
  if ((ENTERPRISE_STRINGS as readonly string[]).includes(name)) return true;
  const [head, tail] = name.split('.', 2) as [string, string | undefined];
  if (tail === undefined) return false;
  if (head === 'name') return (NAME_PARTS as readonly string[]).includes(tail);
  if (head === 'emails' || head === 'phoneNumbers') return (TYPED_LISTS[head] as readonly string[]).includes(tail);
  return false;
}

/** The single value of a flat attribute as JSON (strings, booleans, numbers as they are). */
export function scalarOf(values: readonly AttributeValue[] | undefined): string | boolean | number | undefined {
  const value = values?.[0];
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** The whole list value of `emails`/`phoneNumbers` from the flat attributes; the work value is primary. */
export function typedListValue(list: TypedList, attributes: Attributes): Json[] {
  const out: Json[] = [];
  for (const type of TYPED_LISTS[list]) {
    const value = scalarOf(attributes[`${list}.${type}`]);
    if (value !== undefined) out.push({ value: String(value), type });
  }
  const primary = out.find((item) => item.type === 'work') ?? out[0];
  if (primary) primary.primary = true;
  return out;
}

/** A whole resource for POST or PUT. `refId` turns each reference into the SCIM id it names. */
export function buildResource(
  type: ResourceTypeInfo,
  attributes: Attributes,
  refId: (ref: AttributeValue) => string | undefined,
): Json {
  if (type.objectType === 'group') {
    const body: Json = { schemas: [CORE_GROUP] };
    for (const name of GROUP_STRINGS) {
      const value = scalarOf(attributes[name]);
      if (value !== undefined) body[name] = value;
    }
    const members = (attributes.members ?? []).map(refId).filter((id): id is string => id !== undefined);
    if (members.length > 0) body.members = members.map((value) => ({ value }));
    return body;
  }
  const body: Json = { schemas: [CORE_USER] };
  for (const name of USER_STRINGS) {
    const value = scalarOf(attributes[name]);
    if (value !== undefined) body[name] = String(value);
  }
  const active = scalarOf(attributes.active);
  if (active !== undefined) body.active = active === true || String(active).toUpperCase() === 'TRUE';
  const name: Json = {};
  for (const part of NAME_PARTS) {
    const value = scalarOf(attributes[`name.${part}`]);
    if (value !== undefined) name[part] = String(value);
  }
  if (Object.keys(name).length > 0) body.name = name;
  for (const list of ['emails', 'phoneNumbers'] as const) {
    const value = typedListValue(list, attributes);
    if (value.length > 0) body[list] = value;
  }
  const enterprise: Json = {};
  for (const attribute of ENTERPRISE_STRINGS) {
    const value = scalarOf(attributes[attribute]);
    if (value !== undefined) enterprise[attribute] = String(value);
  }
  const manager = attributes.manager?.[0];
  const managerId = manager !== undefined ? refId(manager) : undefined;
  if (managerId !== undefined) enterprise.manager = { value: managerId };
  if (Object.keys(enterprise).length > 0) {
    body.schemas = [CORE_USER, ENTERPRISE_USER];
    body[ENTERPRISE_USER] = enterprise;
  }
  return body;
}
