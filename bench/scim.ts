import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { ScimStore } from '../examples/scim-target/scim-store.js';
import { openRuntime } from '../src/cli/compose.js';
import { scimConnectorSchema } from '../src/config/index.js';
import { createScimConnector } from '../src/connectors/scim/index.js';
import { writeDirectoryLdif } from './generate-directory.js';

/**
 * `npm run bench -- --scim [--objects N]`:
 * (a) export of N new users (default 10k) through the engine's export run profile to the example
 *     SCIM service (scimmy + SQLite, in its own process), with concurrency 1 and 8 side by side;
 *     then the same with a simulated per-request latency, labelled as such (an extra, not the figure);
 * (b) full import of 10×N users (default 100k, seeded straight into the service's SQLite file)
 *     through the connector, printing RSS at each quarter to show memory stays flat.
 */
const TOKEN = 'bench-token';
const work = resolve('bench/.work/scim');

interface Service {
  readonly url: string;
  readonly process: ChildProcess;
}

/** Starts examples/scim-target/server.ts in a child process on a free loopback port. */
async function startService(dbPath: string, latencyMs = 0): Promise<Service> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'examples/scim-target/server.ts',
      '--port',
      '0',
      '--db',
      dbPath,
      '--latency-ms',
      String(latencyMs),
    ],
    { env: { ...process.env, SCIM_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8');
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`the SCIM service exited with code ${String(code)}`)));
    child.stdout?.on('data', (text: string) => {
      output += text;
      const match = /listening at (\S+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    });
  });
  return { url, process: child };
}

async function stopService(service: Service): Promise<void> {
  if (service.process.exitCode !== null) return;
  const exited = once(service.process, 'exit');
  if (service.process.pid !== undefined) process.kill(service.process.pid, 'SIGTERM');
  await exited;
}

function rssMb(): number {
  return Math.round(process.memoryUsage.rss() / 2 ** 20);
}

/** Imports and syncs N users in staging mode, then times the export run profile alone. */
async function timeExport(users: number, concurrency: number, latencyMs: number): Promise<number> {
  const dir = join(work, `export-c${concurrency}-l${latencyMs}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeDirectoryLdif(join(dir, 'onprem.ldif'), { users, groups: 0, contacts: 0, membersPerGroup: 0, seed: 7 });
  const service = await startService(join(dir, 'scim.db'), latencyMs);
  try {
    await writeFile(
      join(dir, 'idsync.yaml'),
      `store: { path: idsync.db }
connectors:
  - { name: corp, type: ldif, path: onprem.ldif, anchorAttribute: objectGUID, parameters: { Domain.FQDN: contoso.com, Domain.Netbios: CONTOSO } }
  - { name: scim, type: scim, baseUrl: "${service.url}", auth: { bearerToken: "plain:${TOKEN}" }, concurrency: ${concurrency} }
syncRules: { preset: ad-to-scim, presetConnectors: { onPremises: corp, cloud: scim } }
`,
    );
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: dir };
    const rt = await openRuntime(io, join(dir, 'idsync.yaml'), true, 'bench');
    try {
      await rt.engine.cycle('initial');
      const pending = await rt.store.countPendingExports('scim');
      if (pending.add !== users) throw new Error(`expected ${users} pending adds, got ${JSON.stringify(pending)}`);
      await rt.engine.setStagingMode(false);
      const started = process.hrtime.bigint();
      const summary = await rt.engine.run('scim', 'export');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (summary.status !== 'success' || summary.counters.exportAdds !== users) {
        throw new Error(`export: ${summary.status} ${JSON.stringify(summary.counters)} ${summary.message ?? ''}`);
      }
      return seconds;
    } finally {
      await rt.close();
    }
  } finally {
    await stopService(service);
  }
}

async function benchExport(users: number, latencyMs: number, label: string): Promise<void> {
  const serial = await timeExport(users, 1, latencyMs);
  const parallel = await timeExport(users, 8, latencyMs);
  const line = (c: number, s: number): string =>
    `  concurrency ${c}: ${s.toFixed(1).padStart(7)} s  ${Math.round(users / s)
      .toLocaleString('en-US')
      .padStart(7)} users/s`;
  console.log(`${label}\n${line(1, serial)}\n${line(8, parallel)}\n  speed-up: ${(serial / parallel).toFixed(2)}×\n`);
}

/** Seeds the service's SQLite file directly, then imports everything through the connector. */
async function benchImport(users: number): Promise<void> {
  const dir = join(work, 'import');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const dbPath = join(dir, 'scim.db');
  const store = new ScimStore(dbPath);
  store.seedUsers(
    (function* () {
      for (let i = 0; i < users; i++) {
        yield {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `user${i}@contoso.com`,
          externalId: Buffer.from(`user-${i}`).toString('base64'),
          displayName: `Given${i} Surname${i}`,
          name: { givenName: `Given${i}`, familyName: `Surname${i}` },
          emails: [{ value: `user${i}@contoso.com`, type: 'work', primary: true }],
          active: i % 20 !== 7,
        };
      }
    })(),
  );
  store.close();
  const service = await startService(dbPath);
  try {
    const config = scimConnectorSchema.parse({
      type: 'scim',
      name: 'scim',
      baseUrl: service.url,
      auth: { bearerToken: `plain:${TOKEN}` },
      pageSize: 500,
    });
    const connector = createScimConnector(config);
    globalThis.gc?.();
    const baseline = rssMb();
    const checkpoints = new Set([users / 4, users / 2, (3 * users) / 4, users].map(Math.round));
    const started = process.hrtime.bigint();
    let entries = 0;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 25);
    console.log(`(b) full import of ${users.toLocaleString('en-US')} SCIM users through the connector`);
    console.log(`  RSS before: ${baseline} MB`);
    for await (const item of connector.fullImport()) {
      if (item.kind !== 'entry') continue;
      entries++;
      if (checkpoints.has(entries)) {
        globalThis.gc?.();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(
          `  ${entries.toLocaleString('en-US').padStart(8)} users: RSS ${rssMb()} MB (peak so far ${peak} MB), ${seconds.toFixed(1)} s`,
        );
      }
    }
    clearInterval(sampler);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `  ${entries} users in ${seconds.toFixed(1)} s (${Math.round(entries / seconds)} users/s); peak RSS ${peak} MB`,
    );
  } finally {
    await stopService(service);
  }
}

/** IDSYNC_BENCH_SCIM_PART=export|import runs one half (the default runs both). */
export async function benchScim(objects?: number, part = process.env.IDSYNC_BENCH_SCIM_PART): Promise<void> {
  const exportUsers = objects ?? 10_000;
  const importUsers = objects !== undefined ? objects * 10 : 100_000;
  await mkdir(work, { recursive: true });
  console.log(`idsync SCIM benchmark on ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log('service: examples/scim-target (scimmy + scimmy-routers + better-sqlite3) in its own process\n');
  if (part !== 'import')
    await benchExport(exportUsers, 0, `(a) export of ${exportUsers.toLocaleString('en-US')} new users (the figure)`);
  const extra = Math.min(exportUsers, 500);
  if (part !== 'import')
    await benchExport(
      extra,
      50,
      `(a') extra, NOT the figure: ${extra.toLocaleString('en-US')} users against the same service with a simulated 50 ms latency per request`,
    );
  if (part !== 'export') await benchImport(importUsers);
}
