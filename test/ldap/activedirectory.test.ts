import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openRuntime, type Runtime } from '../../src/cli/compose.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { ImportItem } from '../../src/core/connector.js';
import { createCsObject, currentImage, type CsObject, type ObjectDelta } from '../../src/core/connector-space.js';
import { normalizeDn } from '../../src/core/dn.js';
import { SyncEngine } from '../../src/engine/sync-engine.js';
import {
  addGroup,
  addOu,
  addUser,
  escapeRdnValue,
  modifyValues,
  startSambaAd,
  type SambaAd,
} from '../servers/samba-ad.js';

const USERS = 150;
const ATTRIBUTES = [
  'cn',
  'sAMAccountName',
  'userPrincipalName',
  'givenName',
  'sn',
  'displayName',
  'description',
  'mail',
  'department',
  'otherTelephone',
  'member',
  'manager',
  'userAccountControl',
  'objectSid',
  'mS-DS-ConsistencyGuid',
  'groupType',
  'adminDescription',
  'isCriticalSystemObject',
];
/** Values an LDAP filter or DN must carry safely (RFC 4514 / RFC 4515 specials). */
const HOSTILE_CN = 'Smith, John (admin) *\\ #<>;="+';
const EXAMPLE = fileURLToPath(new URL('../../examples/ad-to-cloud', import.meta.url));

/** The sourceAnchor writeback rules exactly as examples/ad-to-cloud/README.md gives them. */
async function writebackRulesFromReadme(): Promise<string> {
  const readme = await readFile(join(EXAMPLE, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((b) => b.includes('ImmutableId'));
  const start = block?.indexOf('  presetOverrides:') ?? -1;
  if (block === undefined || start < 0) throw new Error('README.md has no writeback rules block');
  return block.slice(start);
}

let ad: SambaAd;
let admin: Client;
let dir: string;
let rt: Runtime;
let corp: string;
let people: string;
let groups: string;
let moved: string;
let outside: string;
let staffDn: string;
let passwordFile: string;
const stderr: string[] = [];

function io(): CliIo {
  const err = new PassThrough();
  err.on('data', (d: Buffer) => stderr.push(d.toString()));
  return { stdout: new PassThrough(), stderr: err, env: {}, cwd: dir };
}

interface ConfigOptions {
  readonly server?: string;
  readonly tls?: string;
  readonly pageSize?: number;
  readonly store?: string;
  readonly password?: string;
  /** More of the syncRules section (indented two spaces), after presetConnectors. */
  readonly rules?: string;
}

async function writeConfig(name: string, options: ConfigOptions = {}): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    `store: { path: ${options.store ?? 'state/idsync.db'} }
connectors:
  - name: corp
    type: ldap
    flavour: activedirectory
    servers: [${options.server ?? ad.ldapUrl}]
${options.tls ?? ''}    bindDn: CN=Administrator,CN=Users,${ad.baseDn}
    password: ${options.password ?? `file:${passwordFile}`}
    baseDn: ${JSON.stringify(corp)}
    objectTypes: { user: user, group: group, contact: contact, computer: computer }
    attributeInclusion: [${ATTRIBUTES.join(', ')}]
    pageSize: ${options.pageSize ?? 500}
    parameters: { Domain.FQDN: samdom.example.com, Domain.Netbios: SAMDOM }
  - name: cloud
    type: csv
    path: cloud.csv
    anchorAttribute: objectId
    generateAnchorOnAdd: true
    objectTypeColumn: objectType
syncRules:
  preset: entra-connect
  presetConnectors: { onPremises: corp, cloud: cloud }
${options.rules ?? ''}`,
  );
  return path;
}

async function allCs(runtime: Runtime, connector = 'corp'): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of runtime.store.scanCs(connector, {}, 500)) out.push(...page);
  return out;
}

async function csByDn(dn: string): Promise<CsObject | undefined> {
  const wanted = normalizeDn(dn);
  return (await allCs(rt)).find((o) => normalizeDn(o.dn) === wanted);
}

async function guidOf(dn: string): Promise<string> {
  const { searchEntries } = await admin.search(dn, {
    scope: 'base',
    attributes: ['objectGUID'],
    explicitBufferAttributes: ['objectGUID'],
  });
  return (searchEntries[0]?.objectGUID as Buffer).toString('base64');
}

async function deltaItems(runtime: Runtime): Promise<ImportItem[]> {
  const watermark = await runtime.store.getWatermark('corp');
  const items: ImportItem[] = [];
  for await (const item of runtime.ctx.connectors.get('corp')!.deltaImport(watermark!)) items.push(item);
  return items;
}

function imageOf(object: CsObject | undefined) {
  return object ? currentImage(object) : null;
}

beforeAll(async () => {
  ad = await startSambaAd();
  admin = await ad.adminClient();
  dir = await mkdtemp(join(tmpdir(), 'idsync-ad-'));
  passwordFile = join(dir, 'ad-password');
  await writeFile(passwordFile, `${ad.adminPassword}\n`);
  await writeFile(join(dir, 'cloud.csv'), 'dn,objectType,objectId\n');
  corp = `OU=Corp,${ad.baseDn}`;
  people = `OU=People,${corp}`;
  groups = `OU=Groups,${corp}`;
  moved = `OU=Moved,${corp}`;
  outside = `OU=Outside,${ad.baseDn}`;
  for (const ou of [corp, people, groups, moved, outside]) await addOu(admin, ou);
  const dns: string[] = [];
  for (let n = 0; n < USERS; n++) {
    dns.push(
      await addUser(admin, people, {
        cn: `User ${n}`,
        sAMAccountName: `user${n}`,
        attributes: { givenName: `Given${n}`, sn: `Surname${n}`, mail: `user${n}@samdom.example.com` },
      }),
    );
  }
  dns.push(
    await addUser(admin, people, { cn: HOSTILE_CN, sAMAccountName: 'hostile1', attributes: { sn: '*)(uid=*' } }),
  );
  staffDn = await addGroup(admin, groups, 'Staff', dns.slice(0, 20));
  await admin.add(`CN=Contact 1,${people}`, { objectClass: ['top', 'person', 'organizationalPerson', 'contact'] });
  await addUser(admin, outside, { cn: 'Not Synced', sAMAccountName: 'outside1' });
  rt = await openRuntime(io(), await writeConfig('idsync.yaml'), true, 'test');
}, 120_000);

afterAll(async () => {
  await rt?.close();
  await admin?.unbind().catch(() => undefined);
  await ad?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Active Directory (Samba AD DC) through the ldap connector', () => {
  it('full import reads every user, group and contact under the base DN, anchored by objectGUID', async () => {
    const run = await rt.engine.run('corp', 'full-import');
    expect(run.status).toBe('success');
    const objects = await allCs(rt);
    const types = objects.map((o) => o.objectType);
    expect(types.filter((t) => t === 'user')).toHaveLength(USERS + 1);
    expect(types.filter((t) => t === 'group')).toHaveLength(1);
    expect(types.filter((t) => t === 'contact')).toHaveLength(1);
    expect(objects.some((o) => o.dn.includes('OU=Outside'))).toBe(false);
    const user7 = await csByDn(`CN=User 7,${people}`);
    expect(user7?.anchor).toBe(await guidOf(`CN=User 7,${people}`));
    expect(imageOf(user7)?.attributes.givenName).toEqual(['Given7']);
    const staff = imageOf(await csByDn(staffDn));
    expect(staff?.attributes.member).toHaveLength(20);
    expect(staff?.attributes.member?.[0]).toMatchObject({ ref: expect.stringContaining('OU=People') as unknown });
    expect(await rt.store.getWatermark('corp')).toMatch(/^dirsync:/);
    expect((await rt.engine.run('corp', 'full-sync')).status).toBe('success');
  });

  it('imports hostile names exactly and finds them again by DN and filter', async () => {
    const hostile = await csByDn(`CN=${escapeRdnValue(HOSTILE_CN)},${people}`);
    expect(imageOf(hostile)?.attributes.cn).toEqual([HOSTILE_CN]);
    expect(imageOf(hostile)?.attributes.sn).toEqual(['*)(uid=*']);
    await modifyValues(admin, hostile!.dn, 'replace', 'description', ['(changed)*']);
    expect((await rt.engine.run('corp', 'delta-import')).status).toBe('success');
    expect(imageOf(await csByDn(hostile!.dn))?.attributes.description).toEqual(['(changed)*']);
  });

  it('delta import brings an add, a modify, a cleared attribute, a rename, a move and a delete', async () => {
    await addUser(admin, people, { cn: 'New User', sAMAccountName: 'newuser', attributes: { givenName: 'New' } });
    await modifyValues(admin, `CN=User 1,${people}`, 'replace', 'givenName', ['Renamed1']);
    await modifyValues(admin, `CN=User 2,${people}`, 'delete', 'mail', []);
    await admin.modifyDN(`CN=User 3,${people}`, `CN=User 3b`);
    await admin.modifyDN(`CN=User 4,${people}`, `CN=User 4,${moved}`);
    const gone = await csByDn(`CN=User 5,${people}`);
    await admin.del(`CN=User 5,${people}`);
    const beforeCount = (await allCs(rt)).length;

    const run = await rt.engine.run('corp', 'delta-import');
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ adds: 1, deletes: 1, renames: 2 });
    expect((await allCs(rt)).length).toBe(beforeCount + 1);
    expect(imageOf(await csByDn(`CN=New User,${people}`))?.attributes.givenName).toEqual(['New']);
    const user1 = imageOf(await csByDn(`CN=User 1,${people}`));
    expect(user1?.attributes.givenName).toEqual(['Renamed1']);
    expect(user1?.attributes.sn).toEqual(['Surname1']);
    const user2 = imageOf(await csByDn(`CN=User 2,${people}`));
    expect(user2?.attributes.mail).toBeUndefined();
    expect(user2?.attributes.givenName).toEqual(['Given2']);
    expect(imageOf(await csByDn(`CN=User 3b,${people}`))?.attributes.cn).toEqual(['User 3b']);
    expect(await csByDn(`CN=User 4,${moved}`)).toBeDefined();
    expect((await rt.store.getCsObjects([gone!.id]))[0]?.pendingImport?.operation).toBe('delete');
  });

  it('a move out of the base DN is a delete', async () => {
    const leaving = await csByDn(`CN=User 6,${people}`);
    await admin.modifyDN(`CN=User 6,${people}`, `CN=User 6,${outside}`);
    await rt.engine.run('corp', 'delta-import');
    expect((await rt.store.getCsObjects([leaving!.id]))[0]?.pendingImport?.operation).toBe('delete');
  });

  it('group membership changes arrive as added and removed member values, not the whole list', async () => {
    await rt.engine.run('corp', 'delta-sync');
    await modifyValues(admin, staffDn, 'add', 'member', [`CN=User 30,${people}`, `CN=User 31,${people}`]);
    await modifyValues(admin, staffDn, 'delete', 'member', [`CN=User 0,${people}`]);
    const items = await deltaItems(rt);
    const change = items.find((i) => i.kind === 'modify');
    expect(change).toMatchObject({
      kind: 'modify',
      objectType: 'group',
      changes: [
        {
          operation: 'update',
          name: 'member',
          add: expect.arrayContaining([{ ref: `CN=User 30,${people}` }, { ref: `CN=User 31,${people}` }]) as unknown,
          remove: [{ ref: `CN=User 0,${people}` }],
        },
      ],
    });
    expect(items.at(-1)?.kind).toBe('watermark');

    expect((await rt.engine.run('corp', 'delta-import')).status).toBe('success');
    const members = (imageOf(await csByDn(staffDn))?.attributes.member ?? []).map((m) =>
      typeof m === 'object' && 'ref' in m ? m.ref.toLowerCase() : '',
    );
    expect(members).toHaveLength(21);
    expect(members).toContain(`cn=user 30,${people}`.toLowerCase());
    expect(members).not.toContain(`cn=user 0,${people}`.toLowerCase());
  });

  it('exports an add, attribute-level modifies, a rename, a move and a delete, each verified by the confirming import', async () => {
    await rt.engine.run('corp', 'delta-sync');
    const addDn = `CN=Exported ${escapeRdnValue('O, Brien')},${people}`;
    const add: ObjectDelta = {
      operation: 'add',
      dn: addDn,
      objectType: 'user',
      changes: [
        { operation: 'add', name: 'sAMAccountName', values: ['exported1'] },
        { operation: 'add', name: 'givenName', values: ['Exported'] },
        { operation: 'add', name: 'otherTelephone', values: ['+1 555 0100', '+1 555 0101'] },
      ],
    };
    const user8 = (await csByDn(`CN=User 8,${people}`))!;
    const user9 = (await csByDn(`CN=User 9,${people}`))!;
    const user10 = (await csByDn(`CN=User 10,${people}`))!;
    const user11 = (await csByDn(`CN=User 11,${people}`))!;
    await modifyValues(admin, user8.dn, 'replace', 'otherTelephone', ['1', '2']);
    await rt.engine.run('corp', 'delta-import');
    await rt.engine.run('corp', 'delta-sync');
    const modify: ObjectDelta = {
      operation: 'update',
      dn: user8.dn,
      objectType: 'user',
      changes: [
        { operation: 'replace', name: 'description', values: ['exported description'] },
        { operation: 'update', name: 'otherTelephone', add: ['3'], remove: ['1'] },
        { operation: 'delete', name: 'mail' },
      ],
    };
    const rename: ObjectDelta = {
      operation: 'update',
      dn: user9.dn,
      newDn: `CN=User 9 ${escapeRdnValue('#renamed;')},${people}`,
      objectType: 'user',
      changes: [],
    };
    const move: ObjectDelta = {
      operation: 'update',
      dn: user10.dn,
      newDn: `CN=User 10,${moved}`,
      objectType: 'user',
      changes: [{ operation: 'replace', name: 'department', values: ['Moved'] }],
    };
    const remove: ObjectDelta = { operation: 'delete', dn: user11.dn, objectType: 'user', changes: [] };
    const now = new Date().toISOString();
    const fresh = createCsObject({
      id: rt.ctx.newId(),
      connector: 'corp',
      dn: addDn,
      objectType: 'user',
      modifiedAt: now,
      unappliedExport: add,
      isProvisioned: true,
    });
    const staged = [
      fresh,
      { ...(await rt.store.getCsObjects([user8.id]))[0]!, unappliedExport: modify },
      { ...(await rt.store.getCsObjects([user9.id]))[0]!, unappliedExport: rename },
      { ...(await rt.store.getCsObjects([user10.id]))[0]!, unappliedExport: move },
      { ...(await rt.store.getCsObjects([user11.id]))[0]!, unappliedExport: remove },
    ];
    await rt.store.apply({ csUpserts: staged });

    const exported = await rt.engine.run('corp', 'export', { isExportForced: true });
    expect(exported.status).toBe('success');
    expect(exported.counters).toMatchObject({ exportAdds: 1, exportDeletes: 1, errors: 0 });

    const { searchEntries } = await admin.search(addDn, {
      scope: 'base',
      attributes: ['userAccountControl', 'otherTelephone'],
    });
    expect(searchEntries[0]?.userAccountControl).toBe('514');
    const confirm = await rt.engine.run('corp', 'delta-import');
    expect(confirm.status).toBe('success');
    const after = await rt.store.getCsObjects(staged.map((s) => s.id));
    for (const object of after.filter((o) => o !== undefined)) {
      expect([object.dn, object.escrowedExport, object.exportError]).toEqual([object.dn, null, null]);
    }
    const added = after.find((o) => o?.id === fresh.id);
    expect(added?.anchor).toBe(await guidOf(addDn));
    expect(imageOf(added)?.attributes.otherTelephone).toEqual(expect.arrayContaining(['+1 555 0100', '+1 555 0101']));
    const modified = imageOf(after.find((o) => o?.id === user8.id));
    expect(modified?.attributes.description).toEqual(['exported description']);
    expect([...(modified?.attributes.otherTelephone ?? [])].sort()).toEqual(['2', '3']);
    expect(modified?.attributes.mail).toBeUndefined();
    expect(normalizeDn(after.find((o) => o?.id === user9.id)?.dn ?? '')).toBe(normalizeDn(rename.newDn!));
    expect(normalizeDn(after.find((o) => o?.id === user10.id)?.dn ?? '')).toBe(normalizeDn(move.newDn!));
    expect(after.find((o) => o?.id === user11.id)?.pendingImport?.operation ?? 'gone').not.toBe('update');
  });

  it('falls back to a full import, saying why in run history, when the server rejects the DirSync cookie', async () => {
    const bogus = `dirsync:${Buffer.from('not a DirSync cookie').toString('base64')}`;
    await rt.store.apply({ watermark: { connector: 'corp', value: bogus } });
    const run = await rt.engine.run('corp', 'delta-import');
    expect(run.status).toBe('success');
    const record = await rt.store.getRun(run.runId);
    expect(record?.message).toMatch(/DirSync cookie rejected by server.*falling back to a full import/s);
    const watermark = await rt.store.getWatermark('corp');
    expect(watermark).toMatch(/^dirsync:/);
    expect(watermark).not.toBe(bogus);
    expect((await rt.engine.run('corp', 'delta-import')).status).toBe('success');
  });

  it('writes the objectGUID into an empty ms-DS-ConsistencyGuid and keeps one already set (sourceAnchor writeback)', async () => {
    const preset = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const kept = `CN=User 12,${people}`;
    const change = new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [preset] }),
    });
    await admin.modify(kept, change);
    const config = await writeConfig('writeback.yaml', {
      store: 'state/writeback.db',
      rules: await writebackRulesFromReadme(),
    });
    const runtime = await openRuntime(io(), config, true, 'test');
    try {
      expect((await runtime.engine.run('corp', 'full-import')).status).toBe('success');
      expect((await runtime.engine.run('corp', 'full-sync')).status).toBe('success');
      const users = (await allCs(runtime)).filter((o) => o.objectType === 'user').length;
      expect(await runtime.store.countPendingExports('corp')).toEqual({ update: users - 1 });
      const exported = await runtime.engine.run('corp', 'export', { isExportForced: true });
      expect(exported.status).toBe('success');
      expect((await runtime.engine.run('corp', 'delta-import')).status).toBe('success');
      const left = (await allCs(runtime)).filter((o) => o.escrowedExport !== null || o.exportError !== null);
      expect(left).toEqual([]);
      const read = async (dn: string) => {
        const { searchEntries } = await admin.search(dn, {
          scope: 'base',
          attributes: ['objectGUID', 'mS-DS-ConsistencyGuid'],
          explicitBufferAttributes: ['objectGUID', 'mS-DS-ConsistencyGuid'],
        });
        return searchEntries[0];
      };
      const written = await read(`CN=User 13,${people}`);
      expect((written?.['mS-DS-ConsistencyGuid'] as Buffer).equals(written?.objectGUID as Buffer)).toBe(true);
      expect((await read(kept))?.['mS-DS-ConsistencyGuid']).toEqual(preset);
      expect((await runtime.engine.run('corp', 'delta-sync')).status).toBe('success');
      expect(await runtime.store.countPendingExports('corp')).toEqual({});
    } finally {
      await runtime.close();
    }
  });

  it('stops with stopped-connectivity when the DC goes away mid-import, keeps the watermark, and the next run completes', async () => {
    const config = await writeConfig('small-pages.yaml', { pageSize: 20, store: 'state/small-pages.db' });
    const small = await openRuntime(io(), config, true, 'test');
    let stopping: Promise<void> | undefined;
    try {
      expect((await small.engine.run('corp', 'full-import')).status).toBe('success');
      const before = await small.store.getWatermark('corp');
      expect(before).toMatch(/^dirsync:/);
      const engine = new SyncEngine({
        ...small.ctx,
        batchSize: 20,
        onProgress: () => {
          stopping ??= ad.stop('SIGKILL');
        },
      });
      const run = await engine.run('corp', 'full-import');
      expect(stopping).toBeDefined();
      expect(run.status, run.message ?? '').toBe('stopped-connectivity');
      expect(run.message).toContain('connector "corp"');
      expect(await small.store.getWatermark('corp')).toBe(before);
      await stopping;
      await ad.start();
      await admin.unbind().catch(() => undefined);
      admin = await ad.adminClient();
      const changed = `CN=User 20,${people}`;
      await modifyValues(admin, changed, 'replace', 'description', ['after the restart']);
      const next = await small.engine.run('corp', 'delta-import');
      expect(next.status, next.message ?? '').toBe('success');
      expect(await small.store.getWatermark('corp')).not.toBe(before);
      const object = (await allCs(small)).find((o) => normalizeDn(o.dn) === normalizeDn(changed));
      expect(imageOf(object)?.attributes.description).toEqual(['after the restart']);
    } finally {
      await stopping;
      if (ad.pid === undefined) {
        await ad.start();
        admin = await ad.adminClient();
      }
      await small.close();
    }
  });
});

describe('Active Directory connections', () => {
  it('accepts the ad-to-cloud example configuration', async () => {
    const config = await loadConfig(join(EXAMPLE, 'idsync.yaml'));
    expect(config.connectors.map((c) => [c.name, c.type])).toEqual([
      ['corp', 'ldap'],
      ['cloud', 'csv'],
    ]);
    expect(config.syncRules.some((r) => r.name === 'Out to AAD - User Join')).toBe(true);
  });

  async function fullImportWith(name: string, options: ConfigOptions) {
    const runtime = await openRuntime(
      io(),
      await writeConfig(name, { ...options, store: `state/${name}.db` }),
      true,
      'test',
    );
    try {
      const run = await runtime.engine.run('corp', 'full-import');
      const record = await runtime.store.getRun(run.runId);
      return { run, record, count: await runtime.store.countCs('corp', {}) };
    } finally {
      await runtime.close();
    }
  }

  it('imports over ldaps with the CA file from the DC private/tls folder', async () => {
    const tls = `    tls: { caFile: ${ad.caFile}, serverName: ${ad.certificateHost} }\n`;
    const { run, count } = await fullImportWith('ldaps-ca.yaml', { server: ad.ldapsUrl, tls });
    expect(run.status).toBe('success');
    expect(count).toBeGreaterThan(USERS);
  });

  it('imports over ldaps without verification where rejectUnauthorized is false', async () => {
    const tls = '    tls: { rejectUnauthorized: false }\n';
    const { run } = await fullImportWith('ldaps-noverify.yaml', { server: ad.ldapsUrl, tls });
    expect(run.status).toBe('success');
  });

  it('refuses the self-signed certificate without the CA file, with a TLS message', async () => {
    const { run } = await fullImportWith('ldaps-untrusted.yaml', { server: ad.ldapsUrl });
    expect(run.status).toBe('stopped-connectivity');
    expect(run.message).toMatch(/TLS/);
  });

  it('reports wrong credentials as no-start-credentials without the password anywhere', async () => {
    const secret = 'Wr0ng-S3cret-Value!';
    const { run, record } = await fullImportWith('bad-password.yaml', { password: `plain:${secret}` });
    expect(run.status).toBe('no-start-credentials');
    expect(run.message).toMatch(/invalid credentials/);
    expect(JSON.stringify([run, record])).not.toContain(secret);
    expect(stderr.join('')).not.toContain(secret);
    expect(stderr.join('')).not.toContain(ad.adminPassword);
    for (const file of await readdir(join(dir, 'state'))) {
      const bytes = await readFile(join(dir, 'state', file));
      expect(bytes.includes(secret) || bytes.includes(ad.adminPassword), file).toBe(false);
    }
  });

  it('reports an unreachable server as stopped-connectivity', async () => {
    const { run } = await fullImportWith('unreachable.yaml', { server: 'ldap://127.0.0.1:1' });
    expect(run.status).toBe('stopped-connectivity');
    expect(run.message).toContain('connector "corp"');
  });

  it('exits 3 from the CLI when the DC is unreachable and 0 when a delta import succeeds', async () => {
    const unreachable = await writeConfig('cli-unreachable.yaml', {
      server: 'ldap://127.0.0.1:1',
      store: 'state/cli.db',
    });
    expect(await main(['run', 'corp', 'delta-import', '--config', unreachable], io())).toBe(3);
    const reachable = await writeConfig('cli.yaml', { store: 'state/cli.db' });
    expect(await main(['run', 'corp', 'full-import', '--config', reachable], io())).toBe(0);
    expect(await main(['run', 'corp', 'delta-import', '--config', reachable], io())).toBe(0);
  });
});
