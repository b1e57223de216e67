import type { ExportRequest, ExportResult } from '../../core/connector.js';
import type { BatchItem, GraphClient, GraphReply } from './graph-client.js';
import { graphErrorOf, ResponseLostError } from './graph-errors.js';
import { filterParam, odataString } from './entra-match.js';
import { cloudDn, sourceAnchorOfDn } from './entra-mapping.js';
import type { MemberChanges } from './entra-write-plan.js';

/** A group whose object write succeeded and whose membership changes are still to send. */
export interface PendingMembers {
  readonly request: ExportRequest;
  /** The group's sourceAnchor: its Graph id is known once written, or looked up. */
  readonly sourceAnchor: string;
  readonly changes: MemberChanges;
  /** The result of the object write, reported once the members are written too. */
  readonly result: ExportResult;
}

interface MemberOp {
  readonly id: string;
  readonly owner: PendingMembers;
  readonly groupId: string;
  readonly isAdd: boolean;
  readonly memberId: string;
}

export interface MemberWriterOptions {
  readonly connector: string;
  readonly graphUrl: string;
  readonly groupAnchorProperty: string;
  readonly batchSize: number;
  readonly pageSize: number;
}

/**
 * Group membership through `$ref`: `POST /groups/{id}/members/$ref` and
 * `DELETE /groups/{id}/members/{memberId}/$ref`, in `$batch`es. Member DNs (`CN={hex}`) are turned
 * into Graph ids through their sourceAnchor: objects written in this run are known already, the
 * rest are looked up (users by onPremisesImmutableId, then groups by the anchor extension).
 */
export class MemberWriter {
  private readonly idsByAnchor = new Map<string, string>();

  constructor(
    private readonly graph: GraphClient,
    private readonly options: MemberWriterOptions,
  ) {}

  remember(sourceAnchor: string, id: string): void {
    this.idsByAnchor.set(sourceAnchor, id);
  }

  async write(pending: readonly PendingMembers[]): Promise<ExportResult[]> {
    if (pending.length === 0) return [];
    const anchors = new Set<string>();
    for (const p of pending) {
      if (!this.idsByAnchor.has(p.sourceAnchor)) anchors.add(p.sourceAnchor);
      for (const dn of [...p.changes.add, ...p.changes.remove]) {
        const anchor = sourceAnchorOfDn(dn);
        if (anchor !== null && !this.idsByAnchor.has(anchor)) anchors.add(anchor);
      }
    }
    await this.resolve([...anchors]);
    const effective = new Map<PendingMembers, MemberChanges>();
    for (const owner of pending) {
      const groupId = this.idsByAnchor.get(owner.sourceAnchor);
      effective.set(
        owner,
        owner.changes.isFullSet && groupId ? await this.againstCurrent(groupId, owner.changes) : owner.changes,
      );
    }
    const problems = new Map<PendingMembers, string[]>();
    const note = (owner: PendingMembers, text: string): void => {
      problems.set(owner, [...(problems.get(owner) ?? []), text]);
    };
    const ops: MemberOp[] = [];
    for (const owner of pending) {
      const groupId = this.idsByAnchor.get(owner.sourceAnchor);
      if (groupId === undefined) {
        note(owner, 'the group is not in Entra ID');
        continue;
      }
      const changes = effective.get(owner) ?? owner.changes;
      for (const [isAdd, dns] of [
        [true, changes.add],
        [false, changes.remove],
      ] as const) {
        for (const dn of dns) {
          const anchor = sourceAnchorOfDn(dn);
          const memberId = anchor === null ? undefined : this.idsByAnchor.get(anchor);
          if (memberId === undefined) {
            // A member to remove that Graph does not have is not a member; one to add is an error.
            if (isAdd) note(owner, `member ${dn} is not in Entra ID`);
            continue;
          }
          ops.push({ id: String(ops.length), owner, groupId, isAdd, memberId });
        }
      }
    }
    for (let i = 0; i < ops.length; i += this.options.batchSize) {
      const chunk = ops.slice(i, i + this.options.batchSize);
      let replies: Map<string, GraphReply> | null;
      try {
        replies = await this.graph.batch(chunk.map((op) => this.itemFor(op)));
      } catch (error) {
        if (!(error instanceof ResponseLostError)) throw error;
        replies = null;
      }
      for (const op of chunk) {
        const reply = replies?.get(op.id);
        if (!reply) continue;
        const problem = this.problemOf(op, reply);
        if (problem) note(op.owner, problem);
      }
    }
    return pending.map((owner) => {
      const list = problems.get(owner);
      if (!list) return owner.result;
      const shown = list.slice(0, 5).join('; ') + (list.length > 5 ? `; and ${list.length - 5} more` : '');
      return {
        csId: owner.request.csId,
        ok: false,
        error: {
          type: 'cd-error',
          message: `connector "${this.options.connector}": membership of ${owner.request.dn}: ${shown}`,
          isRetryable: true,
        },
      };
    });
  }

  /** A whole wanted membership as adds and removes against the group's current synchronized members. */
  private async againstCurrent(groupId: string, wanted: MemberChanges): Promise<MemberChanges> {
    const anchorProperty = this.options.groupAnchorProperty;
    const current = new Set<string>();
    let next: string | null =
      `/groups/${groupId}/members?$select=id,onPremisesImmutableId,${anchorProperty}&$top=${this.options.pageSize}`;
    while (next !== null) {
      const page = await this.graph.getJson(next, `reading the members of group ${groupId}`);
      for (const member of Array.isArray(page.value) ? (page.value as Record<string, unknown>[]) : []) {
        const isGroup = member['@odata.type'] === '#microsoft.graph.group';
        const anchor = member[isGroup ? anchorProperty : 'onPremisesImmutableId'];
        // Cloud-only members are not in the connector space: sync neither wants nor unwants them.
        if (typeof anchor !== 'string' || anchor === '' || typeof member.id !== 'string') continue;
        this.idsByAnchor.set(anchor, member.id);
        current.add(anchor);
      }
      next = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
    }
    const wantedAnchors = new Set(wanted.add.map(sourceAnchorOfDn));
    return {
      add: wanted.add.filter((dn) => !current.has(sourceAnchorOfDn(dn) ?? '')),
      remove: [...current].filter((anchor) => !wantedAnchors.has(anchor)).map(cloudDn),
      isFullSet: false,
    };
  }

  private itemFor(op: MemberOp): BatchItem {
    return op.isAdd
      ? {
          id: op.id,
          method: 'POST',
          url: `/groups/${op.groupId}/members/$ref`,
          body: { '@odata.id': `${this.options.graphUrl}/v1.0/directoryObjects/${op.memberId}` },
        }
      : { id: op.id, method: 'DELETE', url: `/groups/${op.groupId}/members/${op.memberId}/$ref` };
  }

  /** Null when done; adding a member already there and removing one already gone count as done. */
  private problemOf(op: MemberOp, reply: GraphReply): string | null {
    if (reply.isMalformed) return null;
    if (reply.status >= 200 && reply.status < 300) return null;
    const { code, message } = graphErrorOf(reply.body);
    if (op.isAdd && reply.status === 400 && /already exist/i.test(message ?? '')) return null;
    if (!op.isAdd && reply.status === 404) return null;
    return `${op.isAdd ? 'adding' : 'removing'} member ${op.memberId}: HTTP ${reply.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  }

  /** Looks up Graph ids for sourceAnchors: users first, then groups, 20 lookups per batch. */
  private async resolve(anchors: readonly string[]): Promise<void> {
    let missing = [...anchors];
    for (const [collection, property] of [
      ['users', 'onPremisesImmutableId'],
      ['groups', this.options.groupAnchorProperty],
    ] as const) {
      const next: string[] = [];
      for (let i = 0; i < missing.length; i += this.options.batchSize) {
        const chunk = missing.slice(i, i + this.options.batchSize);
        const replies = await this.graph.batch(
          chunk.map((anchor, n) => ({
            id: String(n),
            method: 'GET' as const,
            url: `/${collection}?${filterParam(`${property} eq ${odataString(anchor)}`)}&$select=id,${property}&$top=10`,
          })),
        );
        chunk.forEach((anchor, n) => {
          const value = (replies.get(String(n))?.body as { value?: Record<string, unknown>[] } | undefined)?.value;
          // Exact (case-sensitive) sourceAnchor only, whatever the $filter's collation.
          const id = Array.isArray(value) ? value.find((v) => v[property] === anchor)?.id : undefined;
          if (typeof id === 'string') this.idsByAnchor.set(anchor, id);
          else next.push(anchor);
        });
      }
      missing = next;
    }
  }
}
