import { ConnectorError } from '../../../core/errors.js';

const PREFIX = 'dirsync:';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The stored watermark of a DirSync cookie: `dirsync:<base64>`. */
export function formatDirSyncWatermark(cookie: Uint8Array): string {
  return PREFIX + Buffer.from(cookie).toString('base64');
}

/**
 * The DirSync cookie of a stored watermark. Throws `ConnectorError('watermark-rejected')` when the
 * watermark is not one (written by another flavour or damaged), so that the engine runs a full import.
 */
export function parseDirSyncWatermark(watermark: string, connector: string): Buffer {
  const text = watermark.startsWith(PREFIX) ? watermark.slice(PREFIX.length) : '';
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new ConnectorError(
      `connector "${connector}": the stored watermark is not a DirSync cookie (expected "dirsync:<base64>")`,
      'watermark-rejected',
    );
  }
  return Buffer.from(text, 'base64');
}
