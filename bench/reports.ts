import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { join, resolve } from 'node:path';
import type { CsObject } from '../src/core/connector-space.js';
import { analyzeExport, writeCsExport } from '../src/reports/index.js';
import { parseBareSaxes } from '../src/reports/saxes-floor.js';

/**
 * `npm run bench -- --reports [--objects N]`: csexport of N pending exports (default 1M), then a
 * bare saxes parse of that file (the floor) and export-analyzer over it, each with MB/s and peak RSS.
 * Objects are generated in memory, streamed: the writer and readers are measured, not the store.
 */
function pendingAdd(i: number): CsObject {
  const anchor = Buffer.alloc(16);
  anchor.writeUInt32LE(i, 0);
  const sourceAnchor = anchor.toString('base64');
  const dn = `CN={${Buffer.from(sourceAnchor).toString('hex').toUpperCase()}}`;
  const upn = `u${String(i).padStart(7, '0')}@contoso.com`;
  const values: [string, (string | boolean | number)[]][] = [
    ['accountEnabled', [i % 20 !== 7]],
    ['displayName', [`User ${i} <Ops & "Sales">`]],
    ['givenName', ['User']],
    ['mail', [upn]],
    ['proxyAddresses', [`smtp:${upn.replace('@', '@mail.')}`, `SMTP:${upn}`]],
    ['sourceAnchor', [sourceAnchor]],
    ['surname', [String(i)]],
    ['userPrincipalName', [upn]],
    ['employeeId', [100000 + i]],
  ];
  const id = `0190${String(i).padStart(4, '0').slice(-4)}-0000-7000-8000-${String(i).padStart(12, '0')}`;
  return {
    id,
    connector: 'cloud',
    dn,
    anchor: null,
    objectType: 'user',
    synchronizedHologram: null,
    pendingImport: null,
    unappliedExport: {
      operation: 'add',
      dn,
      objectType: 'user',
      changes: values.map(([name, v]) => ({ operation: 'add' as const, name, values: v })),
      sources: Object.fromEntries(values.map(([name]) => [name, 'Out to AAD - User Join'])),
    },
    escrowedExport: null,
    exportError: null,
    importError: null,
    mvId: `0190AAAA-0000-7000-8000-${String(i).padStart(12, '0')}`,
    connectorState: 'normal',
    linkRule: 'Out to AAD - User Join',
    isProvisioned: true,
    lastImportRun: null,
    modifiedAt: '2026-11-25T00:00:00.000Z',
  };
}

async function* objects(count: number): AsyncIterable<CsObject> {
  for (let i = 0; i < count; i++) yield pendingAdd(i);
}

class RssPeak {
  private peak = process.memoryUsage.rss();
  private readonly timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 20);
  stop(): number {
    clearInterval(this.timer);
    return Math.round(Math.max(this.peak, process.memoryUsage.rss()) / 2 ** 20);
  }
}

async function measure(label: string, bytes: () => Promise<number>, body: () => Promise<void>): Promise<number> {
  globalThis.gc?.();
  const rss = new RssPeak();
  const started = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = rss.stop();
  const size = await bytes();
  console.log(
    `${label.padEnd(30)} ${(size / 2 ** 20).toFixed(0).padStart(6)} MB ${seconds.toFixed(2).padStart(8)} s ` +
      `${(size / 2 ** 20 / seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${peak} MB`,
  );
  return seconds;
}

export async function benchReports(count: number): Promise<void> {
  const work = resolve('bench/.work', `reports-${count}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const xml = join(work, 'export.xml');
  const size = async () => (await stat(xml)).size;
  console.log(`reports benchmark: ${count} pending exports`);
  await measure('csexport (write XML)', size, async () => {
    const out = createWriteStream(xml);
    await writeCsExport(objects(count), out, { connector: 'cloud' });
    out.end();
    await once(out, 'finish');
  });
  const floor = await measure('bare saxes parse (floor)', size, async () => {
    await parseBareSaxes(createReadStream(xml));
  });
  const analyzer = await measure('export-analyzer (CSV)', size, async () => {
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await analyzeExport(createReadStream(xml), sink);
  });
  console.log(`export-analyzer / bare saxes parse: ${(analyzer / floor).toFixed(2)}×`);
  await rm(work, { recursive: true, force: true });
}
