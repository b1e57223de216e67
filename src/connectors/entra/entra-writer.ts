import type { ExportRequest, ExportResult } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import type { BatchItem, GraphClient, GraphReply } from './graph-client.js';
import { exportFailure, ResponseLostError } from './graph-errors.js';
import { Matcher, type MatchResult } from './entra-match.js';
import { MemberWriter, type PendingMembers } from './entra-members.js';
import { planWrite, type WritePlan } from './entra-write-plan.js';

export interface WriterOptions {
  readonly connector: string;
  readonly graphUrl: string;
  readonly groupAnchorProperty: string;
  readonly batchSize: number;
  readonly pageSize: number;
}

type Planned = Extract<WritePlan, { kind: 'write' }>;

const COLLECTION = { user: 'users', group: 'groups' } as const;

function failed(request: ExportRequest, type: string, message: string, isRetryable = false): ExportResult {
  return { csId: request.csId, ok: false, error: { type, message, isRetryable } };
}

/**
 * Exports in chunks of `batchSize`: match before create (hard, then soft) for adds, then one
 * `$batch` of POST / PATCH / DELETE. Membership changes wait until every object of the run is
 * written (a group may name members created later in the same run) and go out as `$ref` batches.
 * A batch whose answer was lost reports its writes as done: they stay escrowed, and the next
 * import confirms them or reports them not seen (then sync plans them again, and match before
 * create keeps a retried add from making a duplicate).
 */
export class EntraWriter {
  private readonly matcher: Matcher;
  private readonly members: MemberWriter;

  constructor(
    private readonly graph: GraphClient,
    private readonly options: WriterOptions,
  ) {
    this.matcher = new Matcher(graph, options.groupAnchorProperty, options.batchSize);
    this.members = new MemberWriter(graph, options);
  }

  async *export(requests: AsyncIterable<ExportRequest>): AsyncIterable<ExportResult> {
    const pending: PendingMembers[] = [];
    let chunk: ExportRequest[] = [];
    for await (const request of requests) {
      chunk.push(request);
      if (chunk.length >= this.options.batchSize) {
        yield* await this.writeChunk(chunk, pending);
        chunk = [];
      }
    }
    if (chunk.length > 0) yield* await this.writeChunk(chunk, pending);
    yield* await this.members.write(pending);
  }

  private async writeChunk(chunk: readonly ExportRequest[], pending: PendingMembers[]): Promise<ExportResult[]> {
    const results: ExportResult[] = [];
    const plans: Planned[] = [];
    for (const request of chunk) {
      const plan = planWrite(request, this.options.groupAnchorProperty);
      if (plan.kind === 'invalid') results.push(this.failed(request, 'cd-error', plan.message));
      else plans.push(plan);
    }
    const { items, targets } = await this.matchTargets(plans, results);
    const replies = await this.send(items);
    for (const { plan, id } of targets) {
      const result = this.resultOf(plan, id, replies === 'lost' ? 'lost' : replies.get(plan.request.csId));
      const anchor = result.ok ? (result.anchor ?? id) : null;
      if (result.ok && anchor) this.members.remember(plan.sourceAnchor, anchor);
      if (
        result.ok &&
        plan.members &&
        (plan.members.isFullSet || plan.members.add.length + plan.members.remove.length > 0)
      ) {
        // A create whose answer was lost has no id yet: the member writer looks the group up by its sourceAnchor.
        pending.push({ request: plan.request, sourceAnchor: plan.sourceAnchor, changes: plan.members, result });
        continue;
      }
      results.push(result);
    }
    return results;
  }

  private failed(request: ExportRequest, type: string, message: string, isRetryable = false): ExportResult {
    return failed(request, type, `connector "${this.options.connector}": ${message}`, isRetryable);
  }

  /**
   * Match before write: adds (and objects whose Graph id is not known yet) are looked up; the
   * batch requests to send, and the plans they answer. Objects that need no request get their
   * result in `results` at once.
   */
  private async matchTargets(
    plans: readonly Planned[],
    results: ExportResult[],
  ): Promise<{ items: BatchItem[]; targets: { plan: Planned; id: string | null }[] }> {
    const needsLookup = plans.filter((p) => p.operation === 'add' || p.request.anchor === null);
    const matches = await this.matcher.match(
      needsLookup.map((p) => ({
        key: p.request.csId,
        type: p.type,
        sourceAnchor: p.sourceAnchor,
        smtp: p.operation === 'add' ? p.smtp : null,
        userPrincipalName: p.operation === 'add' ? p.userPrincipalName : null,
      })),
    );
    const items: BatchItem[] = [];
    const targets: { plan: Planned; id: string | null }[] = [];
    for (const plan of plans) {
      const match: MatchResult | undefined = matches.get(plan.request.csId);
      if (match?.kind === 'conflict' || match?.kind === 'failed') {
        const isConflict = match.kind === 'conflict';
        results.push(
          this.failed(plan.request, isConflict ? 'cd-existing-object' : 'cd-error', match.message, !isConflict),
        );
        continue;
      }
      const matched = match?.kind === 'hard' || match?.kind === 'soft' ? match.id : null;
      const id = matched ?? (plan.operation === 'add' ? null : plan.request.anchor);
      const item = this.itemFor(plan, id);
      if (item === 'missing') {
        // A delete of an object Graph does not have is already done; an update of one is not.
        if (plan.operation === 'delete') results.push({ csId: plan.request.csId, ok: true });
        else results.push(this.failed(plan.request, 'cd-missing-object', `${plan.request.dn} is not in Entra ID`));
        continue;
      }
      targets.push({ plan, id });
      if (item !== null) items.push(item);
    }
    return { items, targets };
  }

  /** One `$batch` of writes; 'lost' when its answer never came. 403 on every write stops the run. */
  private async send(items: readonly BatchItem[]): Promise<Map<string, GraphReply> | 'lost'> {
    let replies: Map<string, GraphReply>;
    try {
      replies = items.length > 0 ? await this.graph.batch(items) : new Map();
    } catch (error) {
      if (error instanceof ResponseLostError) return 'lost';
      throw error;
    }
    if (items.length > 1 && [...replies.values()].every((r) => r.status === 403)) {
      const first = [...replies.values()][0];
      throw new ConnectorError(
        `connector "${this.options.connector}": Microsoft Graph denied every write (${JSON.stringify(first?.body ?? {}).slice(0, 200)}); grant the application User.ReadWrite.All and Group.ReadWrite.All with admin consent`,
        'authorization',
      );
    }
    return replies;
  }

  /** The batch request for a plan; null when nothing needs writing; 'missing' when the object is not in Graph. */
  private itemFor(plan: Planned, id: string | null): BatchItem | null | 'missing' {
    const collection = COLLECTION[plan.type];
    const csId = plan.request.csId;
    if (plan.operation === 'delete')
      return id === null ? 'missing' : { id: csId, method: 'DELETE', url: `/${collection}/${id}` };
    if (plan.operation === 'add' && id === null) {
      return { id: csId, method: 'POST', url: `/${collection}`, body: { ...plan.body, ...plan.createOnly } };
    }
    if (id === null) return 'missing';
    return Object.keys(plan.body).length === 0
      ? null
      : { id: csId, method: 'PATCH', url: `/${collection}/${id}`, body: plan.body };
  }

  private resultOf(plan: Planned, id: string | null, reply: GraphReply | 'lost' | undefined): ExportResult {
    const csId = plan.request.csId;
    const dn = plan.request.delta.newDn ?? (plan.operation === 'add' ? plan.request.dn : undefined);
    const ok = (anchor: string | null): ExportResult => ({
      csId,
      ok: true,
      ...(anchor ? { anchor } : {}),
      ...(dn ? { dn } : {}),
    });
    if (reply === undefined) return ok(id);
    // The answer never came: report done, so the change is escrowed until an import shows it or not.
    if (reply === 'lost') return ok(id);
    const action = `connector "${this.options.connector}": ${plan.operation} of ${plan.type} ${plan.request.dn}`;
    if (reply.isMalformed)
      return failed(
        plan.request,
        'cd-error',
        `${action}: Microsoft Graph answered with a body that is not JSON; the export will be retried`,
        true,
      );
    if (reply.status === 404 && plan.operation === 'delete') return ok(id);
    if (reply.status < 200 || reply.status >= 300) {
      const failure = exportFailure(reply.status, reply.body, action);
      return { csId, ok: false, error: failure };
    }
    if (id === null) {
      const created = (reply.body as { id?: unknown } | undefined)?.id;
      if (typeof created !== 'string' || created === '') {
        return failed(
          plan.request,
          'cd-error',
          `${action}: Microsoft Graph created the object but its answer has no "id"; the next import will find it`,
          true,
        );
      }
      return ok(created);
    }
    return ok(id);
  }
}
