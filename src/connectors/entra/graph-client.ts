import { ConnectorError } from '../../core/errors.js';
import type { TokenSource } from './graph-auth.js';
import { ResponseLostError, statusError } from './graph-errors.js';
import { HttpTransportError, type HttpTransport } from './graph-http.js';

export interface GraphReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body; `undefined` when empty or not JSON. */
  readonly body: unknown;
  /** The body was present but not valid JSON. */
  readonly isMalformed: boolean;
}

export interface BatchItem {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root: `/users/{id}`. */
  readonly url: string;
  readonly body?: unknown;
  readonly dependsOn?: readonly string[];
}

export interface GraphClientOptions {
  readonly connector: string;
  readonly graphUrl: string;
  readonly maxRetries: number;
  /** Injected for tests; waits `ms` milliseconds. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Throttling (429) and transient service errors are retried after Retry-After. */
const RETRYABLE = new Set([429, 503, 504]);
const MAX_WAIT_MS = 300_000;

function retryDelayMs(headers: Readonly<Record<string, string>>, attempt: number): number {
  const seconds = Number(headers['retry-after']);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_WAIT_MS);
  return Math.min(1000 * 2 ** attempt, MAX_WAIT_MS);
}

function parse(text: string): { body: unknown; isMalformed: boolean } {
  if (text === '') return { body: undefined, isMalformed: false };
  try {
    return { body: JSON.parse(text) as unknown, isMalformed: false };
  } catch {
    return { body: undefined, isMalformed: true };
  }
}

/**
 * Microsoft Graph v1.0 over HTTPS: bearer tokens from {@link TokenSource}, retries on 429/503/504
 * honouring Retry-After, one token refresh on 401, JSON batching. 401 and 403 throw
 * `ConnectorError` (authentication / authorization); other statuses are returned to the caller.
 */
export class GraphClient {
  readonly root: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly options: GraphClientOptions,
    private readonly tokens: TokenSource,
    private readonly transport: HttpTransport,
  ) {
    this.root = `${options.graphUrl}/v1.0`;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** One request (a path under /v1.0 or an absolute nextLink/deltaLink), retried while throttled. */
  async call(
    method: string,
    target: string,
    body?: unknown,
    headers: Record<string, string> = {},
    isIdempotent = method === 'GET',
  ): Promise<GraphReply> {
    const url = target.startsWith('https://') ? target : `${this.root}${target}`;
    if (!url.startsWith(`${this.root}/`)) {
      throw new ConnectorError(
        `connector "${this.options.connector}": Graph returned a link outside ${this.root}`,
        'protocol',
      );
    }
    let isRefreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token(isRefreshed);
      let reply: GraphReply;
      try {
        const response = await this.transport.send({
          method,
          url,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        reply = { status: response.status, headers: response.headers, ...parse(response.text) };
      } catch (error) {
        if (!(error instanceof HttpTransportError)) throw error;
        if (!isIdempotent && error.isMaybeApplied) {
          throw new ResponseLostError(`${method} ${target}: ${error.message}`, { cause: error });
        }
        if (attempt < this.options.maxRetries) {
          await this.sleep(retryDelayMs({}, attempt));
          continue;
        }
        throw new ConnectorError(
          `connector "${this.options.connector}": cannot reach Microsoft Graph at ${this.options.graphUrl}: ${error.message}`,
          'connectivity',
          true,
          { cause: error },
        );
      }
      if (reply.status === 401 && !isRefreshed) {
        isRefreshed = true;
        continue;
      }
      if (reply.status === 401 || reply.status === 403)
        throw statusError(this.options.connector, reply.status, reply.body, `${method} ${pathOf(target)}`);
      if (RETRYABLE.has(reply.status) && attempt < this.options.maxRetries) {
        await this.sleep(retryDelayMs(reply.headers, attempt));
        continue;
      }
      return reply;
    }
  }

  /**
   * A GET whose answer must be a JSON object: malformed bodies are fetched again (GET is safe to
   * repeat), other failures throw with Graph's own message.
   */
  async getJson(target: string, what: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.call('GET', target, undefined, headers);
      if (
        reply.status >= 200 &&
        reply.status < 300 &&
        !reply.isMalformed &&
        typeof reply.body === 'object' &&
        reply.body !== null
      ) {
        return reply.body as Record<string, unknown>;
      }
      if (reply.status < 300 && attempt < this.options.maxRetries) continue;
      if (reply.status < 300) {
        throw new ConnectorError(
          `connector "${this.options.connector}": ${what}: Microsoft Graph answered with a body that is not JSON`,
          'protocol',
        );
      }
      throw statusError(this.options.connector, reply.status, reply.body, what);
    }
  }

  /**
   * JSON batching (at most 20 requests): returns each request's reply by id. Requests answered 429
   * are sent again in a later batch after their Retry-After. A batch whose whole answer is lost
   * throws {@link ResponseLostError}; one whose answer is not JSON marks every reply malformed.
   */
  async batch(items: readonly BatchItem[]): Promise<Map<string, GraphReply>> {
    const replies = new Map<string, GraphReply>();
    let pending = [...items];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const isReadOnly = pending.every((item) => item.method === 'GET');
      const payload = {
        requests: pending.map((item) => ({
          id: item.id,
          method: item.method,
          url: item.url,
          ...(item.body !== undefined ? { body: item.body, headers: { 'content-type': 'application/json' } } : {}),
          ...(item.dependsOn ? { dependsOn: item.dependsOn } : {}),
        })),
      };
      const reply = await this.call('POST', '/$batch', payload, {}, isReadOnly);
      const responses = (reply.body as { responses?: unknown } | undefined)?.responses;
      if (reply.status !== 200 || !Array.isArray(responses)) {
        for (const item of pending) {
          replies.set(item.id, {
            status: reply.isMalformed ? 200 : reply.status,
            headers: reply.headers,
            body: reply.body,
            isMalformed: reply.isMalformed || reply.status === 200,
          });
        }
        return replies;
      }
      let waitMs = 0;
      const retry: BatchItem[] = [];
      for (const raw of responses as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }[]) {
        const item = pending.find((p) => p.id === String(raw.id));
        if (!item) continue;
        const status = typeof raw.status === 'number' ? raw.status : 0;
        const headers = lowerCase(raw.headers);
        if (status === 401) throw statusError(this.options.connector, status, raw.body, `${item.method} ${item.url}`);
        if (RETRYABLE.has(status) && attempt < this.options.maxRetries) {
          retry.push(item);
          waitMs = Math.max(waitMs, retryDelayMs(headers, attempt));
          continue;
        }
        replies.set(item.id, { status, headers, body: raw.body, isMalformed: false });
      }
      for (const item of pending) {
        if (!replies.has(item.id) && !retry.includes(item)) {
          replies.set(item.id, { status: 0, headers: {}, body: undefined, isMalformed: true });
        }
      }
      if (retry.length > 0) await this.sleep(waitMs);
      pending = retry;
    }
    return replies;
  }
}

function pathOf(target: string): string {
  return target.replace(/^https:\/\/[^/]+\/v1\.0/, '').replace(/\?.*$/, '');
}

function lowerCase(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}
