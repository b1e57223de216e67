import { randomBytes } from 'node:crypto';
import type { ExportRequest } from '../../core/connector.js';
import type { AttributeValue } from '../../core/values.js';
import { isReference, valueToText } from '../../core/values.js';
import {
  anchorProperty,
  isEntraObjectType,
  primarySmtp,
  sourceAnchorOfDn,
  toGraphProperty,
  type EntraObjectType,
} from './entra-mapping.js';

/**
 * Membership changes of a group export, as DNs of the members (`CN={hex}`). With `isFullSet`,
 * `add` is the whole wanted membership (a replace or a clear): the writer reads the current
 * members and removes the others.
 */
export interface MemberChanges {
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly isFullSet: boolean;
}

/** What one export request turns into, before any Graph call (pure). */
export type WritePlan =
  | {
      readonly kind: 'write';
      readonly request: ExportRequest;
      readonly type: EntraObjectType;
      readonly operation: 'add' | 'update' | 'delete';
      readonly sourceAnchor: string;
      /** Graph properties to POST/PATCH (anchor property included on adds). */
      readonly body: Readonly<Record<string, unknown>>;
      /** Extra properties a POST needs that a PATCH onto a matched object must not send. */
      readonly createOnly: Readonly<Record<string, unknown>>;
      readonly members: MemberChanges | null;
      readonly smtp: string | null;
      readonly userPrincipalName: string | null;
    }
  | { readonly kind: 'invalid'; readonly request: ExportRequest; readonly message: string };

function text(values: readonly AttributeValue[] | undefined): string | null {
  const first = values?.find((v) => !isReference(v));
  return first === undefined ? null : valueToText(first);
}

function refs(values: readonly AttributeValue[]): string[] {
  return values.flatMap((v) => (isReference(v) ? [v.ref] : typeof v === 'string' ? [v] : []));
}

/** A mailNickname Graph accepts (ASCII letters, digits and a few marks, at most 64). */
export function mailNicknameFrom(seed: string): string {
  const cleaned = seed
    .replace(/@.*$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '')
    .slice(0, 64);
  return cleaned === '' ? `idsync${randomBytes(4).toString('hex')}` : cleaned;
}

/** A random password for a new user (they sign in with their on-premises password via PHS or federation, never this one). */
function randomPassword(): string {
  return `${randomBytes(24).toString('base64url')}aA1!`;
}

function memberChanges(request: ExportRequest): MemberChanges | null {
  const change = request.delta.changes.find((c) => c.name === 'member');
  if (!change) return null;
  switch (change.operation) {
    case 'add':
      return { add: refs(change.values), remove: [], isFullSet: false };
    case 'update':
      return { add: refs(change.add), remove: refs(change.remove), isFullSet: false };
    case 'replace':
    case 'delete':
      // Whole-value changes name no old values: the target image holds the wanted set.
      return { add: refs(request.target?.attributes.member ?? []), remove: [], isFullSet: true };
  }
}

/**
 * Plans one export: the Graph properties to write for the attributes the delta changes (the whole
 * target on adds), the membership changes, and the values soft match needs.
 */
export function planWrite(request: ExportRequest, groupAnchorProperty: string): WritePlan {
  const type = request.objectType;
  const invalid = (message: string): WritePlan => ({ kind: 'invalid', request, message });
  if (!isEntraObjectType(type)) {
    return invalid(
      `Microsoft Graph cannot create or change "${type}" objects through this connector (orgContact is read-only in Graph v1.0); keep them out of the cloud connector's scope`,
    );
  }
  const operation =
    request.delta.operation === 'delete' ? 'delete' : request.delta.operation === 'update' ? 'update' : 'add';
  const attributes = request.target?.attributes ?? {};
  const sourceAnchor = text(attributes.sourceAnchor) ?? sourceAnchorOfDn(request.dn);
  if (sourceAnchor === null) return invalid(`${request.dn}: no sourceAnchor and the DN is not CN={<hex>}`);
  const body: Record<string, unknown> = {};
  const names = operation === 'add' ? Object.keys(attributes) : request.delta.changes.map((c) => c.name);
  if (operation !== 'delete') {
    for (const name of names) {
      const mapped = toGraphProperty(type, name, attributes[name] ?? []);
      if (mapped === null) continue;
      if ('problem' in mapped) return invalid(mapped.problem);
      if (operation === 'add' && mapped.value === null) continue;
      body[mapped.property] = mapped.value;
    }
    if (operation === 'add' || names.includes('sourceAnchor'))
      body[anchorProperty(type, groupAnchorProperty)] = sourceAnchor;
  }
  const createOnly: Record<string, unknown> = {};
  if (operation === 'add') {
    const displayName = body.displayName ?? text(attributes.cn) ?? text(attributes.userPrincipalName);
    if (typeof displayName !== 'string') return invalid(`${request.dn}: Graph needs a displayName to create a ${type}`);
    body.displayName = displayName;
    body.mailNickname ??= mailNicknameFrom(text(attributes.userPrincipalName) ?? displayName);
    if (type === 'user') {
      if (typeof body.userPrincipalName !== 'string')
        return invalid(`${request.dn}: Graph needs a userPrincipalName to create a user`);
      body.accountEnabled ??= true;
      createOnly.passwordProfile = { password: randomPassword(), forceChangePasswordNextSignIn: false };
    } else {
      body.securityEnabled ??= true;
      createOnly.mailEnabled = false;
    }
  }
  return {
    kind: 'write',
    request,
    type,
    operation,
    sourceAnchor,
    body,
    createOnly,
    members: type === 'group' ? memberChanges(request) : null,
    smtp: primarySmtp(attributes),
    userPrincipalName: text(attributes.userPrincipalName),
  };
}
