import { copyFile, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LdifConnectorConfig } from '../../config/connector-config.js';
import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import { collect, createTempDir, fixturePath, ldifTestConfig } from '../../../test/fixtures/file/support.js';
import { createLdifConnector } from './ldif-connector.js';

let dir: string;
let cleanup: () => Promise<void>;
let path: string;

beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir());
  path = join(dir, 'directory.ldif');
  await copyFile(fixturePath('directory.ldif'), path);
});
afterEach(() => cleanup());

function config(overrides: Partial<LdifConnectorConfig> = {}): LdifConnectorConfig {
  return ldifTestConfig(path, overrides);
}

const guid = (n: number): string => Buffer.alloc(16, n).toString('base64');
const entries = (items: readonly ImportItem[]) => items.flatMap((i) => (i.kind === 'entry' ? [i.entry] : []));
const kinds = (items: readonly ImportItem[]) => items.map((i) => i.kind);

describe('LdifConnector import', () => {
  it('yields entries in file order, error items and a final watermark', async () => {
    const items = await collect(createLdifConnector(config()).fullImport());
    expect(kinds(items)).toEqual(['entry', 'entry', 'entry', 'error', 'error', 'entry', 'watermark']);
    expect(entries(items).map((e) => [e.dn, e.objectType, e.anchor])).toEqual([
      ['CN=Doe\\, Jane,OU=People,DC=example,DC=com', 'person', guid(1)],
      ['CN=Boss,OU=People,DC=example,DC=com', 'person', guid(2)],
      ['CN=Admins,OU=Groups,DC=example,DC=com', 'group', guid(3)],
      ['CN=Added,OU=People,DC=example,DC=com', 'person', guid(4)],
    ]);
  });

  it('types binary, reference and text values and keeps objectClass', async () => {
    const [jane] = entries(await collect(createLdifConnector(config()).fullImport()));
    expect(jane?.attributes).toEqual({
      objectClass: ['top', 'person', 'user'],
      objectGUID: [new Uint8Array(16).fill(1)],
      cn: ['Doe, Jane'],
      mail: ['jane@example.com'],
      manager: [{ ref: 'CN=Boss,OU=People,DC=example,DC=com' }],
      description: ['line one\nline two'],
    });
  });

  it('reports an entry without an anchor value as an error naming the DN and the anchor attribute', async () => {
    const items = await collect(createLdifConnector(config()).fullImport());
    expect(items[3]).toEqual({
      kind: 'error',
      message: 'entry "CN=NoGuid,OU=People,DC=example,DC=com" has no value for anchor attribute "objectGUID"',
      dn: 'CN=NoGuid,OU=People,DC=example,DC=com',
      position: 'line 29',
    });
  });

  it('reports a modify change record in a directory file as an error item', async () => {
    const items = await collect(createLdifConnector(config()).fullImport());
    expect(items[4]).toMatchObject({
      kind: 'error',
      dn: 'CN=Change,DC=example,DC=com',
      message: expect.stringContaining('change record'),
    });
  });

  it('applies attributeInclusion and objectTypes filters', async () => {
    const connector = createLdifConnector(config({ attributeInclusion: ['cn'], objectTypes: ['group'] }));
    const found = entries(await collect(connector.fullImport()));
    expect(found.map((e) => e.dn)).toEqual(['CN=Admins,OU=Groups,DC=example,DC=com']);
    expect(Object.keys(found[0]?.attributes ?? {})).toEqual(['objectClass', 'cn']);
  });

  it('uses the DN as the anchor when anchorAttribute is dn', async () => {
    const found = entries(await collect(createLdifConnector(config({ anchorAttribute: 'dn' })).fullImport()));
    expect(found[1]?.anchor).toBe('CN=Boss,OU=People,DC=example,DC=com');
  });

  it('computes the watermark from the bytes read', async () => {
    const items = await collect(createLdifConnector(config()).fullImport());
    const bytes = await readFile(path);
    const { createHash } = await import('node:crypto');
    const watermark = JSON.parse((items.at(-1) as { watermark: string }).watermark) as Record<string, unknown>;
    expect(watermark).toEqual({
      size: bytes.length,
      mtimeMs: (await stat(path)).mtimeMs,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('throws a connectivity error naming the file when it does not exist', async () => {
    const connector = createLdifConnector(config({ path: join(dir, 'missing.ldif') }));
    const error = await collect(connector.fullImport()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      kind: 'connectivity',
      message: `connector "hr-ldif": file ${join(dir, 'missing.ldif')} not found`,
    });
  });
});

describe('LdifConnector delta import', () => {
  async function watermarkOf(): Promise<string> {
    const items = await collect(createLdifConnector(config()).fullImport());
    return (items.at(-1) as { watermark: string }).watermark;
  }

  it('yields only the watermark without reading when size and mtime are unchanged', async () => {
    await utimes(path, 1_700_000_000, 1_700_000_000);
    const watermark = await watermarkOf();
    // Same size, same mtime, different bytes: only a read could notice, and the fast path does not read.
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('cn: Boss', 'cn: Bozz'));
    await utimes(path, 1_700_000_000, 1_700_000_000);
    expect(await collect(createLdifConnector(config()).deltaImport(watermark))).toEqual([
      { kind: 'watermark', watermark },
    ]);
  });

  it('yields only a new watermark when the mtime changed but the content hash did not', async () => {
    const watermark = await watermarkOf();
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const items = await collect(createLdifConnector(config()).deltaImport(watermark));
    expect(kinds(items)).toEqual(['watermark']);
    expect(items[0]).not.toEqual({ kind: 'watermark', watermark });
  });

  it('yields a complete listing of every entry after the file changed', async () => {
    const watermark = await watermarkOf();
    await writeFile(path, (await readFile(path, 'utf8')).replace('cn: Boss', 'cn: Chief'));
    const items = await collect(createLdifConnector(config()).deltaImport(watermark));
    expect(items[0]).toEqual({ kind: 'complete-listing' });
    expect(entries(items)).toHaveLength(4);
    expect(entries(items)[1]?.attributes['cn']).toEqual(['Chief']);
    expect(items.at(-1)?.kind).toBe('watermark');
  });

  it.each(['not json', '{}', '{"size":1,"mtimeMs":2,"sha256":"xyz"}', '[1]'])(
    'rejects the watermark %j',
    async (watermark) => {
      const error = await collect(createLdifConnector(config()).deltaImport(watermark)).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'ConnectorError',
        kind: 'watermark-rejected',
        message: expect.stringContaining('hr-ldif'),
      });
    },
  );
});
