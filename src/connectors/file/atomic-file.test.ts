import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempDir, temporaryFiles } from '../../../test/fixtures/file/support.js';
import { writeFileAtomically } from './atomic-file.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await createTempDir()));
afterEach(() => cleanup());

describe('writeFileAtomically', () => {
  it('replaces the file with everything written', async () => {
    const path = join(dir, 'f.txt');
    await writeFile(path, 'old');
    await writeFileAtomically(path, async (write) => {
      await write(Buffer.from('new '));
      await write(Buffer.alloc(300_000, 'x'));
    });
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('new xxx')).toBe(true);
    expect(text.length).toBe(300_004);
    expect(await temporaryFiles(dir)).toEqual([]);
  });

  it('keeps the original byte-identical and removes the temporary file when the producer throws midway', async () => {
    const path = join(dir, 'f.txt');
    await writeFile(path, 'original content\n');
    const failing = writeFileAtomically(path, async (write) => {
      await write(Buffer.alloc(600_000, 'y'));
      expect(await temporaryFiles(dir)).toHaveLength(1);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await readFile(path, 'utf8')).toBe('original content\n');
    expect(await temporaryFiles(dir)).toEqual([]);
  });

  it('fails without creating anything when the directory does not exist', async () => {
    await expect(writeFileAtomically(join(dir, 'missing', 'f.txt'), async () => undefined)).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await temporaryFiles(dir)).toEqual([]);
  });
});
