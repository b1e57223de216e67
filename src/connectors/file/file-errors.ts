import { ConnectorError } from '../../core/errors.js';

/** The `code` of a Node.js system error (`ENOENT`, `EACCES`, ...), if it has one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Translates a file-system error into `ConnectorError`: the one place where `node:fs` failures of the
 * file connectors become engine errors. `action` says what was being done (`read`, `write`, ...).
 */
export function translateFileError(
  error: unknown,
  connectorName: string,
  path: string,
  action: 'read' | 'write',
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = systemErrorCode(error);
  const prefix = `connector "${connectorName}": file ${path}`;
  if (code === 'ENOENT' && action === 'read') return fileNotFoundError(connectorName, path, error);
  if (code === 'EACCES' || code === 'EPERM') {
    const what = action === 'read' ? 'is not readable' : 'cannot be written';
    return new ConnectorError(`${prefix} ${what} (${code})`, 'connectivity', false, { cause: error });
  }
  if (code === 'EISDIR') {
    return new ConnectorError(`${prefix} is a directory`, 'connectivity', false, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  const retryable = code === 'EBUSY' || code === 'EAGAIN' || code === 'EMFILE' || code === 'ENFILE';
  return new ConnectorError(`${prefix}: ${action} failed: ${reason}`, 'connectivity', retryable, { cause: error });
}

/** A directory file whose structure prevents reading it at all (bad CSV header). */
export function fileFormatError(connectorName: string, path: string, problem: string): ConnectorError {
  return new ConnectorError(`connector "${connectorName}": file ${path}: ${problem}`, 'input');
}

/** The file an import reads does not exist. */
export function fileNotFoundError(connectorName: string, path: string, cause?: unknown): ConnectorError {
  return new ConnectorError(`connector "${connectorName}": file ${path} not found`, 'connectivity', false, { cause });
}
