import type { Directory } from './directory.js';
import { GraphFault, type Kind } from './directory.js';
import { ODataError, parseFilter, parseSelect, project, type Resource } from './query.js';

export interface GraphRequest {
  readonly method: string;
  /** Path after `/v1.0`, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

export interface GraphResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

interface PageToken {
  readonly since: number;
  readonly until: number;
  readonly offset: number;
  readonly select: string[] | null;
  readonly isInitial: boolean;
}

const encode = (token: object): string => Buffer.from(JSON.stringify(token)).toString('base64url');
const decode = <T>(text: string): T => JSON.parse(Buffer.from(text, 'base64url').toString()) as T;

export function graphError(status: number, code: string, message: string): GraphResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: {
      error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID() } },
    },
  };
}

function ok(body: unknown, status = 200): GraphResponse {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

function pageSize(request: GraphRequest, fallback: number): number {
  const prefer = /odata\.maxpagesize=(\d+)/.exec(request.headers.prefer ?? '');
  const top = request.query.get('$top');
  const size = Number(top ?? prefer?.[1] ?? fallback);
  if (!Number.isInteger(size) || size < 1 || size > 999) throw new ODataError(`Invalid page size '${String(top)}'.`);
  return size;
}

/** The Graph v1.0 routes the emulator serves, over one {@link Directory}. */
export class GraphRoutes {
  /** Requests inside the next `$batch`es answered 429 (a per-request throttle, as Graph applies one). */
  readonly itemThrottle = { count: 0, seconds: 1 };

  constructor(
    readonly directory: Directory,
    readonly baseUrl: () => string,
  ) {}

  handle(request: GraphRequest): GraphResponse {
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof GraphFault) return graphError(error.status, error.code, error.message);
      if (error instanceof ODataError) return graphError(400, 'Request_UnsupportedQuery', error.message);
      throw error;
    }
  }

  private route(request: GraphRequest): GraphResponse {
    const parts = request.path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const [collection, id, navigation, ref, extra] = parts;
    if (collection !== 'users' && collection !== 'groups') {
      return graphError(400, 'BadRequest', `Resource not found for the segment '${collection ?? ''}'.`);
    }
    const kind: Kind = collection;
    const { method } = request;
    if (id === undefined) {
      if (method === 'GET') return this.list(kind, request);
      if (method === 'POST') return ok(this.directory.create(kind, this.body(request)), 201);
    } else if (id === 'delta' && method === 'GET' && navigation === undefined) {
      return this.delta(kind, request);
    } else if (navigation === undefined) {
      if (method === 'GET') return ok(project(this.directory.get(kind, id), parseSelect(request.query.get('$select'))));
      if (method === 'PATCH') {
        this.directory.update(kind, id, this.body(request));
        return { status: 204 };
      }
      if (method === 'DELETE') {
        this.directory.remove(kind, id);
        return { status: 204 };
      }
    } else if (kind === 'groups' && navigation === 'members') {
      if (ref === '$ref' && method === 'POST') {
        const target = this.body(request)['@odata.id'];
        const memberId = typeof target === 'string' ? /\/directoryObjects\/([^/?]+)$/.exec(target)?.[1] : undefined;
        if (!memberId) return graphError(400, 'Request_BadRequest', 'Invalid object identifier in @odata.id.');
        this.directory.addMember(id, memberId);
        return { status: 204 };
      }
      if (ref !== undefined && extra === '$ref' && method === 'DELETE') {
        this.directory.removeMember(id, ref);
        return { status: 204 };
      }
      if (ref === undefined && method === 'GET') return this.listMembers(id, request);
    }
    return graphError(
      405,
      'Request_BadRequest',
      `The request method '${method}' is not supported for ${request.path}.`,
    );
  }

  private body(request: GraphRequest): Resource {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new GraphFault(400, 'BadRequest', 'Write requests must contain a JSON object body.');
    }
    return request.body as Resource;
  }

  private page(
    kind: string,
    all: readonly Resource[],
    offset: number,
    size: number,
    next: (offset: number) => string,
  ): GraphResponse {
    const value = all.slice(offset, offset + size);
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl()}/v1.0/$metadata#${kind}`, value };
    if (offset + size < all.length) body['@odata.nextLink'] = next(offset + size);
    return ok(body);
  }

  private list(kind: Kind, request: GraphRequest): GraphResponse {
    const filter = parseFilter(request.query.get('$filter'));
    const select = parseSelect(request.query.get('$select'));
    const size = pageSize(request, 100);
    const offset = Number(request.query.get('$skiptoken') ?? '0');
    const all = [...this.directory.objects[kind].values()].filter(filter).map((r) => project(r, select));
    return this.page(kind, all, offset, size, (next) => {
      const query = new URLSearchParams(request.query);
      query.set('$skiptoken', String(next));
      return `${this.baseUrl()}/v1.0/${kind}?${query.toString()}`;
    });
  }

  private listMembers(groupId: string, request: GraphRequest): GraphResponse {
    this.directory.get('groups', groupId);
    const select = parseSelect(request.query.get('$select'));
    const size = pageSize(request, 100);
    const offset = Number(request.query.get('$skiptoken') ?? '0');
    const all = [...(this.directory.members.get(groupId) ?? [])].map((memberId) => {
      const kind = this.directory.kindOf(memberId) as Kind;
      const type = kind === 'users' ? '#microsoft.graph.user' : '#microsoft.graph.group';
      return { '@odata.type': type, ...project(this.directory.get(kind, memberId), select) };
    });
    return this.page('directoryObjects', all, offset, size, (next) => {
      const query = new URLSearchParams(request.query);
      query.set('$skiptoken', String(next));
      return `${this.baseUrl()}/v1.0/groups/${groupId}/members?${query.toString()}`;
    });
  }

  private delta(kind: Kind, request: GraphRequest): GraphResponse {
    const link = (name: string, token: object): string =>
      `${this.baseUrl()}/v1.0/${kind}/delta?${name}=${encode(token)}`;
    const deltaToken = request.query.get('$deltatoken');
    const skipToken = request.query.get('$skiptoken');
    const directory = this.directory;
    let token: PageToken;
    if (deltaToken === 'latest') {
      const select = parseSelect(request.query.get('$select'));
      const body = { value: [], '@odata.deltaLink': link('$deltatoken', { since: directory.seq, select }) };
      return ok({ '@odata.context': `${this.baseUrl()}/v1.0/$metadata#${kind}`, ...body });
    } else if (deltaToken !== null || skipToken !== null) {
      try {
        token = decode<PageToken>(deltaToken ?? (skipToken as string));
      } catch {
        return graphError(400, 'BadRequest', 'The delta token is not valid.');
      }
      if (deltaToken !== null)
        token = { since: token.since, until: directory.seq, offset: 0, select: token.select, isInitial: false };
      if (token.since < directory.oldestValidSeq) {
        return graphError(
          410,
          'syncStateNotFound',
          'The sync state generation is not found; start a full synchronization.',
        );
      }
    } else {
      token = {
        since: 0,
        until: directory.seq,
        offset: 0,
        select: parseSelect(request.query.get('$select')),
        isInitial: true,
      };
    }
    const size = pageSize(request, 100);
    const changes = token.isInitial ? null : directory.changesSince(kind, token.since, token.until);
    const ids = changes ? changes.ids : [...directory.objects[kind].keys()];
    const value = ids.slice(token.offset, token.offset + size).map((id) => {
      const resource = directory.objects[kind].get(id);
      if (!resource) return { id, '@removed': { reason: kind === 'users' ? 'changed' : 'deleted' } };
      const item: Resource = project(resource, token.select);
      if (kind === 'groups') {
        const memberChanges = changes
          ? [...(changes.members.get(id) ?? new Map<string, boolean>())]
          : [...(directory.members.get(id) ?? [])].map((m) => [m, true] as const);
        if (memberChanges.length > 0 || token.isInitial) {
          item['members@delta'] = memberChanges.map(([memberId, isAdded]) => ({
            '@odata.type': directory.kindOf(memberId) === 'groups' ? '#microsoft.graph.group' : '#microsoft.graph.user',
            id: memberId,
            ...(isAdded ? {} : { '@removed': { reason: 'deleted' } }),
          }));
        }
      }
      return item;
    });
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl()}/v1.0/$metadata#${kind}`, value };
    if (token.offset + size < ids.length) {
      body['@odata.nextLink'] = link('$skiptoken', { ...token, offset: token.offset + size });
    } else {
      body['@odata.deltaLink'] = link('$deltatoken', { since: token.until, select: token.select });
    }
    return ok(body);
  }

  /** JSON batching: at most 20 requests, run in order; `dependsOn` on a failed request gives 424. */
  batch(body: unknown, headers: GraphRequest['headers']): GraphResponse {
    const requests = (body as { requests?: unknown } | null)?.requests;
    if (!Array.isArray(requests)) return graphError(400, 'BadRequest', 'Invalid batch payload format.');
    if (requests.length > 20)
      return graphError(400, 'BadRequest', 'The number of batch requests exceeds the limit of 20.');
    const statuses = new Map<string, number>();
    const responses = requests.map((raw: unknown) => {
      const item = raw as { id?: unknown; method?: unknown; url?: unknown; body?: unknown; dependsOn?: unknown };
      const id = String(item.id);
      const failedDependency = Array.isArray(item.dependsOn)
        ? item.dependsOn.some((d) => (statuses.get(String(d)) ?? 500) >= 400)
        : false;
      let response: GraphResponse;
      if (failedDependency) response = graphError(424, 'FailedDependency', 'A request this one depends on failed.');
      else if (this.itemThrottle.count > 0) {
        this.itemThrottle.count--;
        const throttled = graphError(429, 'TooManyRequests', 'Too many requests.');
        response = {
          ...throttled,
          headers: { ...throttled.headers, 'retry-after': String(this.itemThrottle.seconds) },
        };
      } else if (typeof item.method !== 'string' || typeof item.url !== 'string' || !item.url.startsWith('/')) {
        response = graphError(400, 'BadRequest', 'Each batch request needs a method and a relative url.');
      } else {
        const url = new URL(item.url, 'https://batch.invalid');
        response = this.handle({
          method: item.method.toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          headers,
          body: item.body,
        });
      }
      statuses.set(id, response.status);
      return {
        id,
        status: response.status,
        headers: response.headers ?? {},
        ...(response.body !== undefined ? { body: response.body } : {}),
      };
    });
    return ok({ responses });
  }
}
