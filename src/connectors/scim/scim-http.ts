import { ConnectorError } from '../../core/errors.js';
import type { TokenSource } from './scim-auth.js';
import {
  authError,
  isNotSent,
  networkErrorText,
  ScimBodyError,
  ScimHttpError,
  ScimLostResponseError,
  scimErrorFields,
} from './scim-errors.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

export interface ScimRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL with its query, e.g. `/Users?startIndex=1`. */
  readonly path: string;
  readonly body?: unknown;
  readonly ifMatch?: string;
  readonly signal?: AbortSignal;
}

export interface ScimResponse {
  readonly status: number;
  /** Parsed JSON body; null for an empty body (204). */
  readonly body: unknown;
  readonly etag: string | null;
  /** The service's clock (`Date` header), when it sent one. */
  readonly date: Date | null;
}

export interface ScimHttpOptions {
  readonly connector: string;
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Backoff base, doubled on each retry (tests shorten it). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Statuses that mean "later": 429 Too Many Requests, 503 Service Unavailable (and 502/504 from proxies). */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday or month; anything else (a negative number) is not one.
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/**
 * HTTP for one SCIM service over Node's fetch: authentication, timeouts, 429/503 with Retry-After and
 * exponential backoff, and translation of answers. 401/403 throw `ConnectorError` (the run stops);
 * other failures throw the per-object errors of `scim-errors.ts`.
 */
export class ScimHttp {
  private readonly base: string;

  constructor(private readonly options: ScimHttpOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async send(request: ScimRequest): Promise<ScimResponse> {
    const isIdempotent = request.method !== 'POST';
    const what = `${request.method} ${request.path.split('?')[0] ?? ''}`;
    let hasRenewed = false;
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.options.retries;
      // Outside the network try: a credential that cannot be resolved is a config error, not a lost request.
      const authorization = await this.options.tokens.header(request.signal);
      let response: Response;
      try {
        response = await this.fetchOnce(request, authorization);
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        if (request.signal?.aborted) throw error;
        const notSent = isNotSent(error);
        if (canRetry && (notSent || isIdempotent)) {
          await sleep(this.backoff(attempt), request.signal);
          continue;
        }
        if (notSent) {
          throw new ConnectorError(
            `connector "${this.options.connector}": cannot reach the SCIM service at ${this.base} (${networkErrorText(error)})`,
            'connectivity',
            true,
            { cause: error },
          );
        }
        throw new ScimLostResponseError(
          `connector "${this.options.connector}": ${what} got no answer (${networkErrorText(error)}); it may have been applied`,
          request.method,
          { cause: error },
        );
      }
      if (response.status === 401 && this.options.tokens.canRenew && !hasRenewed) {
        await response.body?.cancel();
        this.options.tokens.invalidate();
        hasRenewed = true;
        attempt--;
        continue;
      }
      if (RETRY_STATUSES.has(response.status) && canRetry) {
        const wait = parseRetryAfter(response.headers.get('retry-after')) ?? this.backoff(attempt);
        await response.body?.cancel();
        await sleep(Math.min(wait, this.options.maxBackoffMs ?? 60_000), request.signal);
        continue;
      }
      return this.interpret(response, request, what);
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 500;
    const exponential = Math.min(base * 2 ** attempt, this.options.maxBackoffMs ?? 30_000);
    return exponential / 2 + Math.random() * (exponential / 2);
  }

  private fetchOnce(request: ScimRequest, authorization: string): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const headers: Record<string, string> = { Accept: SCIM_CONTENT_TYPE, Authorization: authorization };
    if (request.body !== undefined) headers['Content-Type'] = SCIM_CONTENT_TYPE;
    if (request.ifMatch !== undefined) headers['If-Match'] = request.ifMatch;
    return fetch(this.base + request.path, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
    });
  }

  private async interpret(response: Response, request: ScimRequest, what: string): Promise<ScimResponse> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ScimLostResponseError(
        `connector "${this.options.connector}": ${what}: the answer was cut off (${networkErrorText(error)})`,
        request.method,
        { cause: error },
      );
    }
    let body: unknown = null;
    let isJson = true;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        isJson = false;
      }
    }
    const { status } = response;
    if (status === 401 || status === 403) {
      throw authError(this.options.connector, status, what, scimErrorFields(body).detail);
    }
    if (status < 200 || status >= 300) {
      const { scimType, detail } = scimErrorFields(body);
      const reason = [scimType, detail].filter(Boolean).join(': ') || (isJson ? 'no SCIM error body' : 'not JSON');
      throw new ScimHttpError(
        `connector "${this.options.connector}": ${what} answered HTTP ${status} (${reason})`,
        status,
        scimType,
        detail,
        status >= 500 || status === 429 || status === 412,
      );
    }
    if (!isJson) {
      throw new ScimBodyError(
        `connector "${this.options.connector}": ${what} answered HTTP ${status} with a body that is not JSON`,
      );
    }
    const date = response.headers.get('date');
    return { status, body, etag: response.headers.get('etag'), date: date ? new Date(date) : null };
  }
}
