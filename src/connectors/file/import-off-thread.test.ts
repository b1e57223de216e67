import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../core/errors.js';
import {
  collect,
  createTempDir,
  csvTestConfig,
  fixturePath,
  ldifTestConfig,
} from '../../../test/fixtures/file/support.js';
import { createCsvConnector } from './csv-connector.js';
import { createLdifConnector } from './ldif-connector.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir());
});
afterEach(() => cleanup());

const OFF_THREAD = { offThreadMinBytes: 0 };
const IN_THREAD = { offThreadMinBytes: Infinity };

/** The fixture, then `count` generated users with a manager and a malformed record halfway. */
async function largeLdif(count: number): Promise<string> {
  const lines = [await readFile(fixturePath('directory.ldif'), 'utf8')];
  for (let n = 0; n < count; n++) {
    if (n === count / 2) lines.push('dn: CN=Broken,OU=People,DC=example,DC=com\nthis line has no colon\n');
    const guid = Buffer.alloc(16);
    guid.writeUInt32BE(n + 1000);
    lines.push(
      `dn: CN=User ${n},OU=People,DC=example,DC=com\nobjectClass: user\nobjectGUID:: ${guid.toString('base64')}\n` +
        `cn: User ${n}\nmanager: CN=User ${Math.floor(n / 2)},OU=People,DC=example,DC=com\n`,
    );
  }
  const path = join(dir, 'large.ldif');
  await writeFile(path, lines.join('\n'));
  return path;
}

describe('file import in a worker thread', () => {
  it('yields exactly the LDIF items of the in-thread import, errors and watermark included, in order', async () => {
    const path = await largeLdif(5000);
    const expected = await collect(createLdifConnector(ldifTestConfig(path), IN_THREAD).fullImport());
    const items = await collect(createLdifConnector(ldifTestConfig(path), OFF_THREAD).fullImport());
    expect(items.length).toBeGreaterThan(5000);
    expect(items.filter((i) => i.kind === 'error')).toHaveLength(expected.filter((i) => i.kind === 'error').length);
    expect(items.some((i) => i.kind === 'error')).toBe(true);
    expect(items.at(-1)?.kind).toBe('watermark');
    expect(items).toStrictEqual(expected);
  });

  it('yields exactly the CSV items of the in-thread import', async () => {
    const path = join(dir, 'directory.csv');
    await copyFile(fixturePath('directory.csv'), path);
    const expected = await collect(createCsvConnector(csvTestConfig(path), IN_THREAD).fullImport());
    expect(expected.some((i) => i.kind === 'entry')).toBe(true);
    expect(await collect(createCsvConnector(csvTestConfig(path), OFF_THREAD).fullImport())).toStrictEqual(expected);
  });

  it('fails with the in-thread ConnectorError, kind and message, for an unusable file', async () => {
    const path = join(dir, 'directory.csv');
    await writeFile(path, 'name,type,id\nJane,user,u1\n');
    const inThread = await collect(createCsvConnector(csvTestConfig(path), IN_THREAD).fullImport()).catch((e) => e);
    expect(inThread).toBeInstanceOf(ConnectorError);
    const offThread = await collect(createCsvConnector(csvTestConfig(path), OFF_THREAD).fullImport()).catch((e) => e);
    expect(offThread).toBeInstanceOf(ConnectorError);
    expect({ kind: offThread.kind, message: offThread.message }).toEqual({
      kind: inThread.kind,
      message: inThread.message,
    });
    await rm(path);
    const missing = await collect(createCsvConnector(csvTestConfig(path), OFF_THREAD).fullImport()).catch((e) => e);
    expect(missing).toBeInstanceOf(ConnectorError);
    expect(missing.message).toContain('not found');
  });

  it('stops the thread when the consumer stops early, and reads the file again in full afterwards', async () => {
    const path = await largeLdif(8000);
    const connector = createLdifConnector(ldifTestConfig(path), OFF_THREAD);
    let seen = 0;
    for await (const item of connector.fullImport()) {
      expect(item.kind).not.toBe('watermark');
      if (++seen === 10) break;
    }
    expect(seen).toBe(10);
    const items = await collect(connector.fullImport());
    expect(items.filter((i) => i.kind === 'entry').length).toBeGreaterThan(8000);
  });

  it('stops with the abort reason when the import is aborted', async () => {
    const path = await largeLdif(4000);
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    let seen = 0;
    const outcome = (async () => {
      for await (const _ of createLdifConnector(ldifTestConfig(path), OFF_THREAD).fullImport({
        signal: controller.signal,
      })) {
        if (++seen === 100) controller.abort(reason);
      }
    })();
    await expect(outcome).rejects.toBe(reason);
    expect(seen).toBe(100);
  });
});
