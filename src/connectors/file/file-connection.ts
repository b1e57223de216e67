import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';

/** Text encodings the file connectors read and write. */
export const FILE_ENCODINGS = ['utf8', 'utf16le', 'latin1'] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

/** What a complete read of a file saw: the bytes actually read and the file's mtime when opened. */
export interface FileSnapshot {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
}

/** Filled in while `readTextChunks` streams; `snapshot` is set once the last byte was read. */
export interface ReadProgress {
  snapshot?: FileSnapshot;
}

const CHUNK_BYTES = 256 * 1024;

/** Decodes byte chunks to text without splitting multi-byte sequences; BOMs are dropped. */
function createDecoder(encoding: FileEncoding): { decode(bytes: Uint8Array): string; end(): string } {
  if (encoding === 'latin1') {
    // TextDecoder's "latin1" is windows-1252 (WHATWG); Buffer's latin1 is ISO-8859-1, byte for byte.
    return { decode: (bytes) => Buffer.from(bytes).toString('latin1'), end: () => '' };
  }
  const decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'utf-16le');
  return { decode: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/**
 * Streams a file as decoded text chunks, hashing the bytes as they pass. Never holds more than one
 * chunk. File-system errors are thrown as they are; callers translate them (`translateFileError`).
 */
export async function* readTextChunks(
  path: string,
  encoding: FileEncoding,
  progress: ReadProgress,
): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  try {
    const { mtimeMs } = await handle.stat();
    const hash = createHash('sha256');
    const decoder = createDecoder(encoding);
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const bytes = buffer.subarray(0, bytesRead);
      hash.update(bytes);
      size += bytesRead;
      const text = decoder.decode(bytes);
      if (text !== '') yield text;
    }
    const tail = decoder.end();
    if (tail !== '') yield tail;
    progress.snapshot = { size, mtimeMs, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** Hashes a whole file without decoding it. */
export async function readFileSnapshot(path: string): Promise<FileSnapshot> {
  const progress: ReadProgress = {};
  for await (const chunk of readTextChunks(path, 'latin1', progress)) void chunk;
  if (!progress.snapshot) throw new Error(`no snapshot for ${path}`);
  return progress.snapshot;
}

/** Size and mtime without reading; `null` when the file does not exist. */
export async function statFile(path: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

/** Encodes text for writing; UTF-16LE files get a BOM (first chunk only: `withBom`). */
export function encodeText(text: string, encoding: FileEncoding, withBom = false): Buffer {
  const body = Buffer.from(text, encoding);
  return withBom && encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

/** Splits text chunks into lines (LF or CRLF); pushes return the lines completed so far. */
export class LineSplitter {
  private carry = '';

  push(chunk: string): string[] {
    const text = this.carry + chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(text.slice(start, end));
      start = nl + 1;
    }
    this.carry = text.slice(start);
    return lines;
  }

  end(): string[] {
    const rest = this.carry.endsWith('\r') ? this.carry.slice(0, -1) : this.carry;
    this.carry = '';
    return rest === '' ? [] : [rest];
  }
}
