import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Client } from 'ldapts';
import { openRuntime } from '../src/cli/compose.js';
import { addGroup, addOu, addUser, modifyValues, startSambaAd, type SambaAd } from '../test/servers/samba-ad.js';

const CHANGES = { modifies: 50, renames: 10, moves: 10, adds: 10, deletes: 10, memberAdds: 5, memberRemoves: 5 };

/** Runs `work` over `items` with at most `limit` at a time (Samba's single process still pipelines requests). */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function seed(admin: Client, ad: SambaAd, users: number): Promise<{ people: string; group: string }> {
  const corp = `OU=Bench,${ad.baseDn}`;
  const people = `OU=People,${corp}`;
  for (const ou of [corp, people, `OU=Moved,${corp}`]) await addOu(admin, ou);
  const started = process.hrtime.bigint();
  const numbers = Array.from({ length: users }, (_, n) => n);
  await inParallel(numbers, 8, (n) =>
    addUser(admin, people, {
      cn: `User ${n}`,
      sAMAccountName: `user${n}`,
      attributes: { givenName: `Given${n}`, sn: `Surname${n}`, department: `Dept ${n % 50}` },
    }),
  );
  const memberDns = numbers.slice(0, 100).map((n) => `CN=User ${n},${people}`);
  const group = await addGroup(admin, corp, 'Bench Group', memberDns);
  const took = seconds(started);
  console.log(`seeded ${users} users + 1 group of 100 in ${took.toFixed(1)} s (${Math.round(users / took)}/s)`);
  return { people, group };
}

/** The 100 changes: attribute modifies, renames, moves, adds, deletes and member adds/removes. */
async function change(admin: Client, ad: SambaAd, people: string, group: string, users: number): Promise<void> {
  const moved = `OU=Moved,OU=Bench,${ad.baseDn}`;
  let n = 100;
  const pick = () => n++ % users;
  for (let i = 0; i < CHANGES.modifies; i++) {
    await modifyValues(admin, `CN=User ${pick()},${people}`, 'replace', 'description', [`changed ${i}`]);
  }
  for (let i = 0; i < CHANGES.renames; i++) {
    const k = pick();
    await admin.modifyDN(`CN=User ${k},${people}`, `CN=User ${k} renamed`);
  }
  for (let i = 0; i < CHANGES.moves; i++) {
    const k = pick();
    await admin.modifyDN(`CN=User ${k},${people}`, `CN=User ${k},${moved}`);
  }
  for (let i = 0; i < CHANGES.adds; i++)
    await addUser(admin, people, { cn: `Added ${i}`, sAMAccountName: `added${i}` });
  for (let i = 0; i < CHANGES.deletes; i++) await admin.del(`CN=User ${pick()},${people}`);
  const adds = Array.from({ length: CHANGES.memberAdds }, () => `CN=User ${pick()},${people}`);
  await modifyValues(admin, group, 'add', 'member', adds);
  const removes = Array.from({ length: CHANGES.memberRemoves }, (_, i) => `CN=User ${i},${people}`);
  await modifyValues(admin, group, 'delete', 'member', removes);
}

/**
 * `npm run bench -- --ad [--objects N]`: seeds a Samba AD DC with N users (default 10,000), runs a
 * full import through the engine, makes 100 changes and times the DirSync delta import of them.
 */
export async function benchAd(objects = 10_000): Promise<void> {
  const work = resolve('bench/.work', `ad-${objects}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const ad = await startSambaAd();
  const admin = await ad.adminClient();
  try {
    const { people, group } = await seed(admin, ad, objects);
    await writeFile(join(work, 'password'), ad.adminPassword);
    await writeFile(
      join(work, 'idsync.yaml'),
      `store: { path: state/idsync.db }
connectors:
  - name: corp
    type: ldap
    flavour: activedirectory
    servers: [${ad.ldapUrl}]
    bindDn: CN=Administrator,CN=Users,${ad.baseDn}
    password: file:${join(work, 'password')}
    baseDn: OU=Bench,${ad.baseDn}
    objectTypes: { user: user, group: group }
    attributeInclusion: [cn, sAMAccountName, givenName, sn, department, description, member, userAccountControl, objectSid]
`,
    );
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: work };
    const rt = await openRuntime(io, join(work, 'idsync.yaml'), true, 'bench');
    try {
      let started = process.hrtime.bigint();
      const full = await rt.engine.run('corp', 'full-import');
      const fullSeconds = seconds(started);
      console.log(
        `full import: ${full.status}, ${full.counters.adds} objects in ${fullSeconds.toFixed(2)} s (${Math.round(full.counters.adds / fullSeconds)}/s)`,
      );
      started = process.hrtime.bigint();
      const sync = await rt.engine.run('corp', 'full-sync');
      console.log(
        `full sync (no rules: every object stays a disconnector): ${sync.status} in ${seconds(started).toFixed(2)} s`,
      );
      await change(admin, ad, people, group, objects);
      started = process.hrtime.bigint();
      const delta = await rt.engine.run('corp', 'delta-import');
      const deltaSeconds = seconds(started);
      const { adds, updates, renames, deletes } = delta.counters;
      console.log(
        `delta import of 100 changes (${JSON.stringify(CHANGES)}): ${delta.status} in ${deltaSeconds.toFixed(3)} s ` +
          `(adds ${adds}, updates ${updates}, renames ${renames}, deletes ${deletes})`,
      );
      started = process.hrtime.bigint();
      const idle = await rt.engine.run('corp', 'delta-import');
      console.log(`delta import with no changes: ${idle.status} in ${seconds(started).toFixed(3)} s`);
    } finally {
      await rt.close();
    }
  } finally {
    await admin.unbind().catch(() => undefined);
    await ad.destroy();
  }
}
