import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { openRuntime, type Runtime } from '../src/cli/compose.js';
import type { RunProfile } from '../src/core/run-history.js';
import { writeDirectoryLdif, type DirectoryShape } from './generate-directory.js';
import { benchReports } from './reports.js';

/**
 * `npm run bench [-- --objects N] [--groups N]`: generates a synthetic Active Directory (LDIF),
 * runs an initial cycle (full import + full sync), a second full sync that finds nothing to change,
 * a delta cycle after changing 1% of the objects, then a no-change delta cycle, and prints
 * objects/s and peak RSS for each step.
 * `npm run bench -- --reports [--objects N]`: the report writers and readers (bench/reports.ts).
 * `npm run bench -- --ldap`: full import from a real slapd against `ldapsearch` (bench/ldap.ts).
 * `npm run bench -- --ad`: Active Directory delta import on a real Samba AD DC (bench/ad.ts).
 * `npm run bench -- --scim`: SCIM export at concurrency 8 against 1, and SCIM import memory (bench/scim.ts).
 */
const { values } = parseArgs({
  options: {
    objects: { type: 'string' },
    reports: { type: 'boolean', default: false },
    ldap: { type: 'boolean', default: false },
    ad: { type: 'boolean', default: false },
    scim: { type: 'boolean', default: false },
    groups: { type: 'string' },
    members: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const users = Number(values.objects ?? (values.reports ? 1_000_000 : 100_000));
const groups = values.groups !== undefined ? Number(values.groups) : Math.max(1, Math.floor(users / 10));
const work = resolve('bench/.work', `cycle-${users}`);

interface StepResult {
  readonly step: string;
  readonly objects: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly peakRssMb: number;
}

/**
 * Peak RSS of one step. On Linux the kernel's own high-water mark (`VmHWM`, reset through
 * `/proc/self/clear_refs` at the start of the step), which also sees the peaks inside long
 * synchronous stretches (SQLite calls, a whole batch) where a timer cannot run; elsewhere a 25 ms
 * sample of `process.memoryUsage.rss()`.
 */
class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout | null;
  constructor() {
    this.timer = resetHighWaterMark() ? null : setInterval(() => this.sample(), 25);
    this.sample();
  }
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Math.round(Math.max(this.peak, (this.timer ? null : readHighWaterMark()) ?? 0) / 1024 / 1024);
  }
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return readHighWaterMark() !== null;
  } catch {
    return false;
  }
}

function readHighWaterMark(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function step(results: StepResult[], label: string, count: () => Promise<number>, body: () => Promise<unknown>) {
  globalThis.gc?.();
  const sampler = new RssSampler();
  const started = process.hrtime.bigint();
  await body();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = sampler.stop();
  const objects = await count();
  const result = { step: label, objects, seconds, perSecond: objects / seconds, peakRssMb };
  results.push(result);
  console.log(
    `${label.padEnd(40)} ${String(objects).padStart(9)} objects ${seconds.toFixed(2).padStart(8)} s ` +
      `${Math.round(result.perSecond).toLocaleString('en-US').padStart(10)} objects/s  peak RSS ${peakRssMb} MB`,
  );
}

async function run(rt: Runtime, connector: string, profile: RunProfile): Promise<void> {
  const summary = await rt.engine.run(connector, profile);
  if (summary.status !== 'success' && summary.status !== 'completed-no-objects') {
    throw new Error(`${connector} ${profile}: ${summary.status} ${summary.message ?? ''}`);
  }
}

async function main(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const shape: DirectoryShape = {
    users,
    groups,
    contacts: Math.floor(users / 100),
    membersPerGroup: Number(values.members),
    seed: 7,
  };
  console.log(
    `idsync benchmark: ${users} users, ${groups} groups (${shape.membersPerGroup} members each), ${shape.contacts} contacts`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  const ldif = join(work, 'onprem.ldif');
  let t = Date.now();
  const records = await writeDirectoryLdif(ldif, shape);
  console.log(`generated ${records} LDIF records in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  await writeFile(join(work, 'cloud.csv'), 'dn,objectType,objectId\n');
  await writeFile(
    join(work, 'idsync.yaml'),
    `store: { path: idsync.db }
connectors:
  - { name: corp, type: ldif, path: onprem.ldif, anchorAttribute: objectGUID, parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO } }
  - { name: cloud, type: csv, path: cloud.csv, anchorAttribute: objectId, generateAnchorOnAdd: true, objectTypeColumn: objectType }
syncRules: { preset: entra-connect, presetConnectors: { onPremises: corp, cloud: cloud } }
`,
  );
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: work };
  const rt = await openRuntime(io, join(work, 'idsync.yaml'), true, 'bench');
  const results: StepResult[] = [];
  const cs = (connector: string) => () => rt.store.countCs(connector, {});
  const pendingImports = (connector: string) => () => rt.store.countCs(connector, { hasPendingImport: true });
  try {
    t = Date.now();
    await step(results, 'initial: full import (corp)', cs('corp'), () => run(rt, 'corp', 'full-import'));
    await step(results, 'initial: full import (cloud)', cs('cloud'), () => run(rt, 'cloud', 'full-import'));
    await step(results, 'initial: full sync (corp)', cs('corp'), () => run(rt, 'corp', 'full-sync'));
    await step(results, 'initial: full sync (cloud)', cs('cloud'), () => run(rt, 'cloud', 'full-sync'));
    const initialSeconds = (Date.now() - t) / 1000;
    console.log(
      `initial cycle (import + sync): ${initialSeconds.toFixed(1)} s; pending exports: ${JSON.stringify(await rt.store.countPendingExports('cloud'))}\n`,
    );

    // What a full sync costs once everything is joined, e.g. after a rule change: every object's
    // rules are evaluated again, and nothing needs writing.
    await step(results, 'full sync again, nothing changed (corp)', cs('corp'), () => run(rt, 'corp', 'full-sync'));
    console.log('');

    await writeDirectoryLdif(ldif, { ...shape, changeEvery: 100 });
    let changed = 0;
    t = Date.now();
    await step(
      results,
      'delta (1% changed): delta import',
      async () => changed,
      async () => {
        await run(rt, 'corp', 'delta-import');
        changed = await pendingImports('corp')();
      },
    );
    await step(
      results,
      'delta (1% changed): delta sync',
      async () => changed,
      () => run(rt, 'corp', 'delta-sync'),
    );
    console.log(`delta cycle: ${((Date.now() - t) / 1000).toFixed(1)} s\n`);

    t = Date.now();
    await step(results, 'no-change delta: delta import', cs('corp'), () => run(rt, 'corp', 'delta-import'));
    await step(results, 'no-change delta: delta sync', cs('corp'), () => run(rt, 'corp', 'delta-sync'));
    await step(results, 'no-change delta: cloud import+sync', cs('cloud'), async () => {
      await run(rt, 'cloud', 'delta-import');
      await run(rt, 'cloud', 'delta-sync');
    });
    console.log(`no-change delta cycle (all connectors): ${((Date.now() - t) / 1000).toFixed(2)} s`);
  } finally {
    await rt.close();
  }
  await writeFile(join(work, 'results.json'), JSON.stringify({ users, groups, results }, null, 2));
  if (!values.keep) await rm(join(work, 'onprem.ldif'), { force: true });
}

if (values.reports) await benchReports(users);
else if (values.ldap) await (await import('./ldap.js')).benchLdap(values.objects === undefined ? undefined : users);
else if (values.ad) await (await import('./ad.js')).benchAd(values.objects === undefined ? undefined : users);
else if (values.scim) await (await import('./scim.js')).benchScim(values.objects === undefined ? undefined : users);
else await main();
