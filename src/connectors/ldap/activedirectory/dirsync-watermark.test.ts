import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../core/errors.js';
import { formatDirSyncWatermark, parseDirSyncWatermark } from './dirsync-watermark.js';

describe('DirSync watermark', () => {
  it('round-trips a binary cookie', () => {
    const cookie = Buffer.from([0x4d, 0x53, 0x44, 0x53, 0, 255, 7]);
    const watermark = formatDirSyncWatermark(cookie);
    expect(watermark).toMatch(/^dirsync:/);
    expect(parseDirSyncWatermark(watermark, 'corp').equals(cookie)).toBe(true);
  });

  it.each(['', 'dirsync:', 'dirsync:not base64!', '2026-01-01T00:00:00Z', 'dirsync:abc'])(
    'rejects %j as a watermark so that the engine runs a full import',
    (watermark) => {
      let error: unknown;
      try {
        parseDirSyncWatermark(watermark, 'corp');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ kind: 'watermark-rejected' });
      expect((error as Error).message).toContain('connector "corp"');
    },
  );
});
