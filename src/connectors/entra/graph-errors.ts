import type { ExportFailure } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';

/** A Graph error body: `{ error: { code, message } }`; anything else gives `undefined` fields. */
export function graphErrorOf(body: unknown): { readonly code?: string; readonly message?: string } {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
  };
}

/** A write that was sent but whose answer never came: Graph may have carried it out. */
export class ResponseLostError extends Error {}

/** Whole-operation failures: 401 and 403 stop the run with a message saying what to fix. */
export function statusError(connector: string, status: number, body: unknown, what: string): ConnectorError {
  const { code, message } = graphErrorOf(body);
  const graphSays = `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
  const name = `connector "${connector}"`;
  if (status === 401) {
    return new ConnectorError(
      `${name}: Microsoft Graph rejected the access token for ${what} (${graphSays}); check the tenant id and the app registration`,
      'authentication',
    );
  }
  if (status === 403) {
    return new ConnectorError(
      `${name}: Microsoft Graph denied ${what} (${graphSays}); grant the application the Microsoft Graph application permissions User.ReadWrite.All and Group.ReadWrite.All, with admin consent`,
      'authorization',
    );
  }
  if (status === 410) {
    return new ConnectorError(
      `${name}: the delta link was rejected by Microsoft Graph (${graphSays})`,
      'watermark-rejected',
    );
  }
  return new ConnectorError(
    `${name}: ${what} failed: ${graphSays}`,
    status >= 500 || status === 429 ? 'connectivity' : 'protocol',
    status >= 500,
  );
}

/** A per-object export failure from a Graph error status, in the engine's vocabulary. */
export function exportFailure(status: number, body: unknown, action: string): ExportFailure {
  const { code, message } = graphErrorOf(body);
  const text = `${action}: Microsoft Graph answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  const base = { ...(code !== undefined ? { code } : {}), message: text };
  if (status === 404) return { ...base, type: 'cd-missing-object', isRetryable: false };
  if (status === 403) return { ...base, type: 'permission-issue', isRetryable: false };
  if (status === 400 && /already exists/i.test(message ?? ''))
    return { ...base, type: 'cd-existing-object', isRetryable: false };
  if (status === 400) return { ...base, type: 'syntax-violation', isRetryable: false };
  return { ...base, type: 'cd-error', isRetryable: status >= 500 || status === 429 };
}
