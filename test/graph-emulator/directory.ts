import { randomUUID } from 'node:crypto';
import type { Resource } from './query.js';

export type Kind = 'users' | 'groups';

/** A Graph error the handlers turn into `{ error: { code, message } }` with `status`. */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

/** Properties Graph computes or manages itself: a write to one of them is refused, as Graph does. */
const READ_ONLY: Record<Kind, readonly string[]> = {
  users: ['id', 'proxyAddresses', 'onPremisesSamAccountName', 'createdDateTime', 'onPremisesSyncEnabled'],
  groups: ['id', 'proxyAddresses', 'mail', 'createdDateTime', 'onPremisesSyncEnabled'],
};

const WRITABLE: Record<Kind, readonly string[]> = {
  users: [
    'accountEnabled',
    'displayName',
    'givenName',
    'surname',
    'mail',
    'mailNickname',
    'userPrincipalName',
    'department',
    'jobTitle',
    'employeeId',
    'onPremisesImmutableId',
    'passwordProfile',
    'usageLocation',
    'companyName',
    'mobilePhone',
    'officeLocation',
    'city',
    'businessPhones',
  ],
  groups: ['displayName', 'description', 'mailNickname', 'mailEnabled', 'securityEnabled', 'groupTypes', 'visibility'],
};

const REQUIRED_ON_CREATE: Record<Kind, readonly string[]> = {
  users: ['accountEnabled', 'displayName', 'mailNickname', 'passwordProfile', 'userPrincipalName'],
  groups: ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'],
};

/** Properties two objects may not share (Graph answers ObjectConflict). */
const UNIQUE: Record<Kind, readonly string[]> = {
  users: ['userPrincipalName', 'onPremisesImmutableId'],
  groups: [],
};

/** The sourceAnchor is case-sensitive in Entra ID; a userPrincipalName is not. */
function sameValue(name: string, a: string, b: string): boolean {
  return name === 'onPremisesImmutableId' ? a === b : a.toLowerCase() === b.toLowerCase();
}

interface Change {
  readonly seq: number;
  readonly kind: Kind;
  readonly id: string;
  /** For membership changes: the member and whether it was added. */
  readonly member?: { readonly id: string; readonly isAdded: boolean };
}

/**
 * The emulator's tenant: users and groups in insertion order, group memberships, and a change log
 * that delta queries read from (every write appends; a delta token is a position in the log).
 */
export class Directory {
  readonly objects: Record<Kind, Map<string, Resource>> = { users: new Map(), groups: new Map() };
  readonly members = new Map<string, Set<string>>();
  readonly log: Change[] = [];
  seq = 0;
  /** Delta tokens older than this are expired (410). */
  oldestValidSeq = 0;

  private record(kind: Kind, id: string, member?: Change['member']): void {
    this.log.push({ seq: ++this.seq, kind, id, ...(member ? { member } : {}) });
  }

  kindOf(id: string): Kind | null {
    if (this.objects.users.has(id)) return 'users';
    if (this.objects.groups.has(id)) return 'groups';
    return null;
  }

  get(kind: Kind, id: string): Resource {
    const found = this.objects[kind].get(id);
    if (!found) {
      throw new GraphFault(
        404,
        'Request_ResourceNotFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return found;
  }

  private validate(kind: Kind, body: Resource, selfId: string | null): void {
    for (const [name, value] of Object.entries(body)) {
      if (name.startsWith('@odata.')) continue;
      if ((value === null || value === '') && REQUIRED_ON_CREATE[kind].includes(name)) {
        throw new GraphFault(
          400,
          'Request_BadRequest',
          `Invalid value specified for property '${name}' of resource '${kind === 'users' ? 'User' : 'Group'}'.`,
          name,
        );
      }
      if (READ_ONLY[kind].includes(name)) {
        throw new GraphFault(400, 'Request_BadRequest', `Property '${name}' is read-only and cannot be set.`, name);
      }
      const isExtension = kind === 'groups' || kind === 'users' ? /^extension_[0-9a-f]{32}_\w+$/i.test(name) : false;
      if (!WRITABLE[kind].includes(name) && !isExtension) {
        throw new GraphFault(400, 'Request_BadRequest', `Invalid property '${name}'.`, name);
      }
      if (UNIQUE[kind].includes(name) && typeof value === 'string') {
        for (const other of this.objects[kind].values()) {
          if (other.id !== selfId && typeof other[name] === 'string' && sameValue(name, other[name] as string, value)) {
            throw new GraphFault(
              400,
              'Request_BadRequest',
              `Another object with the same value for property ${name} already exists.`,
              name,
            );
          }
        }
      }
    }
  }

  /** Graph: setting `mail` makes it the primary SMTP address in proxyAddresses. */
  private applyMail(resource: Resource): void {
    const mail = resource.mail;
    if (typeof mail !== 'string' || mail === '') return;
    const others = ((resource.proxyAddresses as string[] | undefined) ?? [])
      .filter((p) => p.toLowerCase() !== `smtp:${mail.toLowerCase()}`)
      .map((p) => (p.startsWith('SMTP:') ? `smtp:${p.slice(5)}` : p));
    resource.proxyAddresses = [`SMTP:${mail}`, ...others];
  }

  create(kind: Kind, body: Resource): Resource {
    for (const name of REQUIRED_ON_CREATE[kind]) {
      if (body[name] === undefined || body[name] === null) {
        throw new GraphFault(
          400,
          'Request_BadRequest',
          `Property '${name}' is required when creating the object.`,
          name,
        );
      }
    }
    this.validate(kind, body, null);
    const { passwordProfile: _password, ...stored } = body;
    const resource: Resource = {
      id: randomUUID(),
      createdDateTime: new Date().toISOString(),
      proxyAddresses: [],
      ...stored,
    };
    if (kind === 'groups')
      resource.mail = resource.mailEnabled ? `${String(resource.mailNickname)}@contoso.onmicrosoft.com` : null;
    this.applyMail(resource);
    this.objects[kind].set(resource.id as string, resource);
    if (kind === 'groups') this.members.set(resource.id as string, new Set());
    this.record(kind, resource.id as string);
    return resource;
  }

  update(kind: Kind, id: string, body: Resource): void {
    const resource = this.get(kind, id);
    this.validate(kind, body, id);
    const { passwordProfile: _password, ...stored } = body;
    Object.assign(resource, stored);
    if ('mail' in stored) this.applyMail(resource);
    this.record(kind, id);
  }

  remove(kind: Kind, id: string): void {
    this.get(kind, id);
    this.objects[kind].delete(id);
    for (const [groupId, set] of this.members) {
      if (set.delete(id)) this.record('groups', groupId, { id, isAdded: false });
    }
    this.members.delete(id);
    this.record(kind, id);
  }

  addMember(groupId: string, memberId: string): void {
    this.get('groups', groupId);
    if (this.kindOf(memberId) === null) {
      throw new GraphFault(
        404,
        'Request_ResourceNotFound',
        `Resource '${memberId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const set = this.members.get(groupId) as Set<string>;
    if (set.has(memberId)) {
      throw new GraphFault(
        400,
        'Request_BadRequest',
        "One or more added object references already exist for the following modified properties: 'members'.",
      );
    }
    set.add(memberId);
    this.record('groups', groupId, { id: memberId, isAdded: true });
  }

  removeMember(groupId: string, memberId: string): void {
    this.get('groups', groupId);
    const set = this.members.get(groupId) as Set<string>;
    if (!set.delete(memberId)) {
      throw new GraphFault(
        404,
        'Request_ResourceNotFound',
        `Resource '${memberId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    this.record('groups', groupId, { id: memberId, isAdded: false });
  }

  /** Test seeding: stores a resource as given (bypassing validation), recorded in the change log. */
  seed(kind: Kind, resource: Resource): Resource {
    const stored: Resource = { id: randomUUID(), proxyAddresses: [], ...resource };
    const key = typeof stored.id === 'string' ? stored.id : randomUUID();
    this.objects[kind].set(key, stored);
    if (kind === 'groups') this.members.set(key, new Set());
    this.record(kind, key);
    return stored;
  }

  /** Changes after `since` up to `until`: ids per kind in log order, and net member changes per group. */
  changesSince(
    kind: Kind,
    since: number,
    until: number,
  ): { ids: string[]; members: Map<string, Map<string, boolean>> } {
    const ids: string[] = [];
    const seen = new Set<string>();
    const members = new Map<string, Map<string, boolean>>();
    for (const change of this.log) {
      if (change.seq <= since || change.seq > until || change.kind !== kind) continue;
      if (!seen.has(change.id)) {
        seen.add(change.id);
        ids.push(change.id);
      }
      if (change.member) {
        const net = members.get(change.id) ?? new Map<string, boolean>();
        net.set(change.member.id, change.member.isAdded);
        members.set(change.id, net);
      }
    }
    return { ids, members };
  }
}
