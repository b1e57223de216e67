import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { openRuntime } from '../src/cli/compose.js';
import { ldapConnectorSchema } from '../src/config/index.js';
import { createLdapConnector } from '../src/connectors/ldap/index.js';
import { startSlapd, type Slapd } from '../test/servers/slapd.js';

/**
 * `npm run bench -- --ldap [--objects N]`: full import of N users (default 100k) from a real slapd,
 * loaded with slapadd, measured three ways: (a) `ldapsearch -E pr=1000/noprompt` to /dev/null,
 * (b) the ldap connector's `fullImport()` iterated to the end (and (b') with an attribute inclusion
 * list, as a sync that flows 7 attributes would configure), (c) the full-import run profile into
 * the SQLite store through the engine. Runs them interleaved, several times, and prints the best and
 * median of each and the ratios (b)/(a), (c)/(a).
 */
const SUFFIX = 'dc=example,dc=com';
const PEOPLE = `ou=people,${SUFFIX}`;
const RUNS = 9;
/** What a people sync typically flows; ldapsearch in (a) reads every user attribute (11 per entry). */
const INCLUDED = ['uid', 'cn', 'sn', 'givenName', 'displayName', 'mail', 'title'];

async function writeUsers(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n`);
  for (let i = 0; i < count; i++) {
    await write(
      `dn: uid=user${i},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: user${i}\ncn: Given${i} Surname${i}\n` +
        `sn: Surname${i}\ngivenName: Given${i}\ndisplayName: Given${i} Surname${i}\nmail: user${i}@example.com\n` +
        `telephoneNumber: +1 555 ${String(i % 10_000).padStart(4, '0')}\ntitle: Engineer ${i % 50}\n` +
        `employeeNumber: ${100_000 + i}\nou: Department ${i % 20}\n\n`,
    );
  }
  out.end();
  await once(out, 'finish');
}

async function timed(body: () => Promise<number>): Promise<{ seconds: number; count: number }> {
  const started = process.hrtime.bigint();
  const count = await body();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, count };
}

/** `ldapsearch` with its output sent straight to /dev/null, as the figure defines it. */
async function ldapsearch(slapd: Slapd, expected: number): Promise<number> {
  const sink = await open('/dev/null', 'w');
  try {
    const args = ['-x', '-LLL', '-H', slapd.url, '-D', slapd.rootDn, '-w', slapd.rootPassword, '-b', PEOPLE];
    const child = spawn('ldapsearch', [...args, '-E', 'pr=1000/noprompt', '(objectClass=inetOrgPerson)'], {
      stdio: ['ignore', sink.fd, 'inherit'],
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`ldapsearch exited ${code}`);
    return expected;
  } finally {
    await sink.close();
  }
}

interface Series {
  readonly label: string;
  readonly seconds: number[];
  count: number;
}

async function measure(series: Series, body: () => Promise<number>): Promise<void> {
  globalThis.gc?.();
  const result = await timed(body);
  series.seconds.push(result.seconds);
  series.count = result.count;
}

function report(series: Series): { best: number; median: number } {
  const sorted = [...series.seconds].sort((x, y) => x - y);
  const best = sorted[0] as number;
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  console.log(
    `${series.label.padEnd(46)} ${String(series.count).padStart(8)} entries  best ${best.toFixed(2)} s  median ${median.toFixed(2)} s` +
      `  ${Math.round(series.count / best).toLocaleString('en-US')} entries/s`,
  );
  return { best, median };
}

function pairedMedian(series: Series, base: Series): number {
  const ratios = series.seconds.map((seconds, i) => seconds / (base.seconds[i] as number)).sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)] as number;
}

export async function benchLdap(objects = 100_000): Promise<void> {
  const work = resolve('bench/.work', `ldap-${objects}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  console.log(
    `idsync ldap benchmark: ${objects} inetOrgPerson users in slapd (mdb), ${cpus().length} cores, node ${process.version}`,
  );
  const ldif = join(work, 'people.ldif');
  let t = Date.now();
  await writeUsers(ldif, objects);
  console.log(`generated LDIF in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  const slapd = await startSlapd({ suffix: SUFFIX, seedFile: ldif });
  console.log(`slapadd + slapd start in ${((Date.now() - t) / 1000).toFixed(1)} s (pid ${slapd.pid})\n`);
  try {
    const config = {
      type: 'ldap',
      name: 'src',
      flavour: 'openldap',
      servers: [slapd.url],
      bindDn: slapd.rootDn,
      password: `plain:${slapd.rootPassword}`,
      baseDn: PEOPLE,
      objectTypes: { inetOrgPerson: 'person' },
      // The page size of (a)'s `pr=1000`, so both read the tree in the same requests.
      pageSize: 1000,
    };
    const connector = createLdapConnector(ldapConnectorSchema.parse(config));
    const yaml = join(work, 'idsync.yaml');
    await writeFile(yaml, `store: { path: idsync.db }\nconnectors:\n  - ${JSON.stringify(config)}\n`);
    const a: Series = { label: '(a) ldapsearch -E pr=1000/noprompt >/dev/null', seconds: [], count: 0 };
    const b: Series = { label: '(b) connector fullImport() iterated', seconds: [], count: 0 };
    const b2: Series = { label: "(b') same, attributeInclusion of 7 attributes", seconds: [], count: 0 };
    const narrow = createLdapConnector(ldapConnectorSchema.parse({ ...config, attributeInclusion: INCLUDED }));
    const c: Series = { label: '(c) full-import run profile into SQLite', seconds: [], count: 0 };
    // Interleaved, so that load from elsewhere on the machine hits all three alike.
    for (let run = 0; run < RUNS; run++) {
      await measure(a, () => ldapsearch(slapd, objects));
      await measure(b, async () => {
        let entries = 0;
        for await (const item of connector.fullImport()) if (item.kind === 'entry') entries++;
        return entries;
      });
      await measure(b2, async () => {
        let entries = 0;
        for await (const item of narrow.fullImport()) if (item.kind === 'entry') entries++;
        return entries;
      });
      await measure(c, async () => {
        await rm(join(work, 'idsync.db'), { force: true });
        await rm(join(work, 'idsync.db-wal'), { force: true });
        const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: work };
        const rt = await openRuntime(io, yaml, true, 'bench');
        try {
          const summary = await rt.engine.run('src', 'full-import');
          if (summary.status !== 'success') throw new Error(`full import: ${summary.status} ${summary.message ?? ''}`);
          return rt.store.countCs('src', {});
        } finally {
          await rt.close();
        }
      });
    }
    const ra = report(a);
    const rb = report(b);
    const rb2 = report(b2);
    const rc = report(c);
    // Each run's ratio to the ldapsearch of the same round too: load from elsewhere on the machine
    // drifts over a minute, and a paired ratio cancels most of it.
    const ratio = (x: { best: number; median: number }, series: Series) =>
      `${(x.best / ra.best).toFixed(2)}× (best), ${(x.median / ra.median).toFixed(2)}× (median), ` +
      `${pairedMedian(series, a).toFixed(2)}× (median of the rounds' ratios)`;
    console.log(`\nratio (b)/(a): ${ratio(rb, b)}   (issue figure: ≤ 1.3×)`);
    console.log(`ratio (b')/(a): ${ratio(rb2, b2)}`);
    console.log(`ratio (c)/(a): ${ratio(rc, c)}`);
  } finally {
    await slapd.destroy();
  }
}
