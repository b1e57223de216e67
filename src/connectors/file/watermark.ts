import { ConnectorError } from '../../core/errors.js';
import type { FileSnapshot } from './file-connection.js';

/** Renders a file watermark: JSON `{size, mtimeMs, sha256}` of the bytes an import read. */
export function renderWatermark(snapshot: FileSnapshot): string {
  return JSON.stringify({ size: snapshot.size, mtimeMs: snapshot.mtimeMs, sha256: snapshot.sha256 });
}

/** Parses a watermark; throws `ConnectorError` of kind `watermark-rejected` unless it has that shape. */
export function parseWatermark(connectorName: string, watermark: string): FileSnapshot {
  const reject = (why: string): never => {
    throw new ConnectorError(
      `connector "${connectorName}": watermark rejected (${why}); run a full import`,
      'watermark-rejected',
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(watermark);
  } catch {
    return reject('not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return reject('not a JSON object');
  const { size, mtimeMs, sha256 } = value as Record<string, unknown>;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return reject('size is not a byte count');
  if (typeof mtimeMs !== 'number' || !Number.isFinite(mtimeMs)) return reject('mtimeMs is not a number');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return reject('sha256 is not a SHA-256 hex digest');
  return { size, mtimeMs, sha256 };
}
