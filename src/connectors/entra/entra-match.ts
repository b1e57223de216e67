import type { GraphClient, GraphReply } from './graph-client.js';
import { anchorProperty, type EntraObjectType, type GraphResource } from './entra-mapping.js';

/** What a lookup needs to know about one object about to be written. */
export interface MatchQuery {
  readonly key: string;
  readonly type: EntraObjectType;
  readonly sourceAnchor: string;
  /** Soft-match candidates, tried in order after the hard match. */
  readonly smtp: string | null;
  readonly userPrincipalName: string | null;
}

export type MatchResult =
  | { readonly kind: 'hard'; readonly id: string }
  | { readonly kind: 'soft'; readonly id: string; readonly by: 'proxyAddresses' | 'userPrincipalName' }
  | { readonly kind: 'none' }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

const COLLECTION: Record<EntraObjectType, string> = { user: 'users', group: 'groups' };

/** An OData string literal: single quotes doubled (the only escape OData has). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A `$filter` query parameter, URL-encoded as a whole. */
export function filterParam(filter: string): string {
  return `$filter=${encodeURIComponent(filter)}`;
}

/**
 * Match before create, as Entra ID does for synchronized objects: a hard match on the sourceAnchor
 * (onPremisesImmutableId), else a soft match on the primary SMTP address (proxyAddresses) and then
 * the userPrincipalName — only onto a cloud object that has no sourceAnchor yet; one that is already
 * synchronized with another sourceAnchor is a conflict, never overwritten. Lookups go in `$batch`es.
 */
export class Matcher {
  constructor(
    private readonly graph: GraphClient,
    private readonly groupAnchorProperty: string,
    private readonly batchSize: number,
  ) {}

  private filterUrl(type: EntraObjectType, filter: string): string {
    const anchor = anchorProperty(type, this.groupAnchorProperty);
    const select = type === 'user' ? `id,${anchor},userPrincipalName` : `id,${anchor}`;
    return `/${COLLECTION[type]}?${filterParam(filter)}&$select=${select}&$top=10`;
  }

  /** The lookups of every query, answered in batches; a missing answer maps to `failed`. */
  async match(queries: readonly MatchQuery[]): Promise<Map<string, MatchResult>> {
    const requests: { id: string; url: string }[] = [];
    for (const q of queries) {
      const anchor = anchorProperty(q.type, this.groupAnchorProperty);
      requests.push({
        id: `${q.key}|hard`,
        url: this.filterUrl(q.type, `${anchor} eq ${odataString(q.sourceAnchor)}`),
      });
      if (q.smtp) {
        requests.push({
          id: `${q.key}|smtp`,
          url: this.filterUrl(q.type, `proxyAddresses/any(x:x eq ${odataString(`SMTP:${q.smtp}`)})`),
        });
      }
      if (q.userPrincipalName && q.type === 'user') {
        requests.push({
          id: `${q.key}|upn`,
          url: this.filterUrl(q.type, `userPrincipalName eq ${odataString(q.userPrincipalName)}`),
        });
      }
    }
    const replies = new Map<string, GraphReply>();
    for (let i = 0; i < requests.length; i += this.batchSize) {
      const chunk = requests.slice(i, i + this.batchSize);
      const answered = await this.graph.batch(chunk.map((r) => ({ id: r.id, method: 'GET' as const, url: r.url })));
      for (const [id, reply] of answered) replies.set(id, reply);
    }
    const out = new Map<string, MatchResult>();
    for (const q of queries) out.set(q.key, this.decide(q, replies));
    return out;
  }

  private decide(q: MatchQuery, replies: Map<string, GraphReply>): MatchResult {
    const anchor = anchorProperty(q.type, this.groupAnchorProperty);
    const hard = found(replies.get(`${q.key}|hard`));
    if (typeof hard === 'string')
      return { kind: 'failed', message: `looking up sourceAnchor ${q.sourceAnchor}: ${hard}` };
    // The sourceAnchor is case-sensitive in Entra ID, while a $filter may not be: only an exact value matches.
    const hardId = hard.find((candidate) => candidate[anchor] === q.sourceAnchor)?.id;
    if (typeof hardId === 'string') return { kind: 'hard', id: hardId };
    for (const [suffix, by] of [
      ['smtp', 'proxyAddresses'],
      ['upn', 'userPrincipalName'],
    ] as const) {
      if (!replies.has(`${q.key}|${suffix}`)) continue;
      const hits = found(replies.get(`${q.key}|${suffix}`));
      if (typeof hits === 'string') return { kind: 'failed', message: `soft match by ${by}: ${hits}` };
      const candidate = hits[0];
      if (!candidate || typeof candidate.id !== 'string') continue;
      const existing = candidate[anchor];
      if (existing !== null && existing !== undefined && existing !== '') {
        return {
          kind: 'conflict',
          message: `soft match by ${by} found ${q.type} ${candidate.id}, which is already synchronized with another sourceAnchor (${String(existing)}); Entra ID does not soft-match onto it`,
        };
      }
      return { kind: 'soft', id: candidate.id, by };
    }
    return { kind: 'none' };
  }
}

/** The resources of a lookup reply, or a problem text. */
function found(reply: GraphReply | undefined): GraphResource[] | string {
  if (!reply) return 'no answer';
  if (reply.isMalformed) return 'the answer was not JSON';
  if (reply.status !== 200) return `HTTP ${reply.status}`;
  const value = (reply.body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value)
    ? (value.filter((v) => typeof v === 'object' && v !== null) as GraphResource[])
    : 'no "value" in the answer';
}
