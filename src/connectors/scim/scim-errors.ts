import type { ExportFailure } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';

/**
 * An HTTP answer that is not a success and not a whole-operation failure (400, 404, 409, 412, 5xx
 * after retries): a per-object problem. `scimType` and `detail` come from the SCIM error body
 * (RFC 7644 §3.12) when the service sent one.
 */
export class ScimHttpError extends Error {
  override readonly name = 'ScimHttpError';
  constructor(
    message: string,
    readonly status: number,
    readonly scimType: string | undefined,
    readonly detail: string | undefined,
    readonly isRetryable: boolean,
  ) {
    super(message);
  }
}

/** A request that was sent but whose answer never arrived (timeout, connection cut): it may have been applied. */
export class ScimLostResponseError extends Error {
  override readonly name = 'ScimLostResponseError';
  constructor(
    message: string,
    /** The HTTP method: a write (not GET) may have been applied. */
    readonly method: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A success status with a body that is not what SCIM promises (not JSON, no `id`). */
export class ScimBodyError extends Error {
  override readonly name = 'ScimBodyError';
}

/** Network errors raised before the request reached the service: safe to retry, even a POST. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when fetch failed before the service could have seen the request. */
export function isNotSent(error: unknown): boolean {
  const code = causeCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

export function networkErrorText(error: unknown): string {
  const code = causeCode(error);
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer before the timeout';
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** The SCIM error body fields, when `body` is one. */
export function scimErrorFields(body: unknown): { scimType?: string; detail?: string } {
  if (body === null || typeof body !== 'object') return {};
  const { scimType, detail } = body as { scimType?: unknown; detail?: unknown };
  return {
    ...(typeof scimType === 'string' && scimType !== '' ? { scimType } : {}),
    ...(typeof detail === 'string' && detail !== '' ? { detail } : {}),
  };
}

/** Whole-operation failures: the run stops with a clear message (exit 3 from the CLI). */
export function authError(connector: string, status: 401 | 403, what: string, detail?: string): ConnectorError {
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return new ConnectorError(
      `connector "${connector}": the SCIM service refused the credentials (HTTP 401 on ${what})${suffix}; check auth in idsync.yaml`,
      'authentication',
    );
  }
  return new ConnectorError(
    `connector "${connector}": the SCIM service denied access (HTTP 403 on ${what})${suffix}; the credentials lack the permission`,
    'authorization',
  );
}

const FAILURE_TYPES: Readonly<Record<number, string>> = {
  400: 'syntax-violation',
  404: 'cd-missing-object',
  409: 'cd-existing-object',
};

/** A per-object error as the engine records it on the CS object's export error. */
export function exportFailureOf(error: unknown): ExportFailure {
  if (error instanceof ScimHttpError) {
    return {
      type: FAILURE_TYPES[error.status] ?? 'cd-error',
      code: error.scimType ?? `HTTP ${error.status}`,
      message: error.message,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
      isRetryable: error.isRetryable,
    };
  }
  if (error instanceof ScimBodyError) {
    return { type: 'cd-error', code: 'invalid-response', message: error.message, isRetryable: true };
  }
  if (error instanceof ScimLostResponseError) {
    return { type: 'cd-error', code: 'no-response', message: error.message, isRetryable: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'cd-error', message, isRetryable: false };
}
