import { ResultCodeError } from 'ldapts';
import type { ExportFailure } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';

/**
 * The one place where ldapts and socket failures become idsync errors: whole-operation failures
 * (`ConnectorError` with kind connectivity / authentication / authorization / tls / protocol) and
 * per-object export failures (`ExportFailure` types in the Microsoft vocabulary).
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
]);

/** Socket-level messages ldapts produces when a connection drops or an operation times out. */
const CONNECTION_MESSAGES = [
  'Connection closed before message response',
  'Socket error',
  'Operation timed out',
  'Connection timeout',
  'Socket connection not established',
];

const RESULT_NAMES: Readonly<Record<number, string>> = {
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  7: 'authMethodNotSupported',
  8: 'strongerAuthRequired',
  10: 'referral',
  11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  18: 'inappropriateMatching',
  19: 'constraintViolation',
  20: 'attributeOrValueExists',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  34: 'invalidDNSyntax',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  54: 'loopDetect',
  64: 'namingViolation',
  65: 'objectClassViolation',
  66: 'notAllowedOnNonLeaf',
  67: 'notAllowedOnRDN',
  68: 'entryAlreadyExists',
  69: 'objectClassModsProhibited',
  80: 'other',
};

/** LDAP result codes worth retrying: the server is busy or briefly unavailable (RFC 4511 §A.2). */
const RETRYABLE_RESULTS = new Set([3, 51, 52]);

function systemCode(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The LDAP result code of an ldapts error, if it is one. */
export function resultCodeOf(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

export function resultName(code: number): string {
  return RESULT_NAMES[code] ?? `result ${code}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A certificate or handshake failure (Node's TLS error codes, OpenSSL's messages). */
export function isTlsFailure(error: unknown): boolean {
  const code = systemCode(error) ?? '';
  if (/^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO)/.test(code)) return true;
  return /SSL routines|certificate|wrong version number|TLS/i.test(messageOf(error)) && code !== 'ECONNREFUSED';
}

/** The connection is gone or never came up: another attempt (or another server) may work. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ConnectorError) return error.kind === 'connectivity';
  const code = systemCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  const message = messageOf(error);
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/**
 * Translates a failure of a whole operation (connect, bind, search) into a `ConnectorError`.
 * `where` names the connector and server, e.g. `connector "corp": ldap://dc1:389`.
 * Never includes credentials: ldapts messages carry result text, not requests.
 */
export function translateLdapError(error: unknown, where: string, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const options = { cause: error };
  const code = resultCodeOf(error);
  if (code !== undefined) {
    const detail = `${resultName(code)} (${code})${messageOf(error) ? `: ${messageOf(error)}` : ''}`;
    switch (code) {
      case 49:
        return new ConnectorError(`${where}: ${action} failed: invalid credentials`, 'authentication', false, options);
      case 7:
      case 8:
      case 13:
      case 48:
        return new ConnectorError(
          `${where}: ${action} refused: ${detail}; the server may require TLS (ldaps:// or startTls)`,
          'authentication',
          false,
          options,
        );
      case 50:
        return new ConnectorError(`${where}: ${action} refused: ${detail}`, 'authorization', false, options);
      case 51:
      case 52:
        return new ConnectorError(`${where}: ${action} failed: ${detail}`, 'connectivity', true, options);
      default:
        return new ConnectorError(`${where}: ${action} failed: ${detail}`, 'protocol', false, options);
    }
  }
  if (isTlsFailure(error)) {
    return new ConnectorError(
      `${where}: TLS failed: ${messageOf(error)} (check tls.caFile and tls.serverName)`,
      'tls',
      false,
      options,
    );
  }
  if (isConnectionFailure(error)) {
    return new ConnectorError(`${where}: ${action} failed: ${messageOf(error)}`, 'connectivity', true, options);
  }
  return new ConnectorError(`${where}: ${action} failed: ${messageOf(error)}`, 'protocol', false, options);
}

/** The export error type (Microsoft's vocabulary) for an LDAP result code of one operation. */
function exportErrorType(code: number, operation: 'add' | 'modify' | 'rename' | 'delete'): string {
  switch (code) {
    case 68:
      return operation === 'rename' ? 'rename-to-existing-dn' : 'cd-existing-object';
    case 32:
      return operation === 'add' ? 'non-existent-parent' : 'cd-missing-object';
    case 50:
      return 'permission-issue';
    case 20:
      return 'cd-existing-attribute-or-value';
    case 19:
      return 'constraint-violation';
    case 17:
    case 21:
    case 65:
    case 69:
      return 'syntax-violation';
    case 34:
    case 64:
      return 'invalid-dn';
    case 67:
      return 'modify-naming-attribute';
    default:
      return 'cd-error';
  }
}

/** A failed export of one object, from the error of the LDAP operation that failed. */
export function toExportFailure(
  error: unknown,
  operation: 'add' | 'modify' | 'rename' | 'delete',
  dn: string,
): ExportFailure {
  const code = resultCodeOf(error);
  if (code === undefined) {
    return { type: 'cd-error', message: `${operation} of "${dn}" failed: ${messageOf(error)}`, isRetryable: false };
  }
  const literal = resultName(code);
  const detail = messageOf(error);
  return {
    type: exportErrorType(code, operation),
    code: String(code),
    message:
      code === 10
        ? `${operation} of "${dn}" was referred to another server; referrals are not followed`
        : `${operation} of "${dn}" failed: ${literal} (${code})`,
    ...(detail ? { detail } : {}),
    isRetryable: RETRYABLE_RESULTS.has(code),
  };
}

/** Whether an operation's failure is worth retrying after a pause. */
export function isRetryableFailure(error: unknown): boolean {
  if (error instanceof ConnectorError) return error.isRetryable;
  const code = resultCodeOf(error);
  if (code !== undefined) return RETRYABLE_RESULTS.has(code);
  return isConnectionFailure(error) && !isTlsFailure(error);
}
