import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Appends bytes to the file being written. */
export type WriteBytes = (bytes: Uint8Array) => Promise<void>;

const FLUSH_BYTES = 256 * 1024;

/** The temporary file name used beside `path` (hidden, random, recognizable by its suffix). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Replaces `path` atomically with what `produce` writes: the bytes go to a temporary file in the same
 * directory, which is fsynced and renamed over the original (rename is atomic on one file system).
 * If `produce` or any step throws, the temporary file is removed and the original stays untouched.
 */
export async function writeFileAtomically(path: string, produce: (write: WriteBytes) => Promise<void>): Promise<void> {
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, 'wx', 0o644);
  let isClosed = false;
  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await handle.write(data);
    };
    await produce(async (bytes) => {
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= FLUSH_BYTES) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    isClosed = true;
    await rename(temporary, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    if (!isClosed) await handle.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Makes the rename durable; some platforms cannot open directories, which is not an error. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems refuse fsync on directories; the rename itself has happened.
  }
}
