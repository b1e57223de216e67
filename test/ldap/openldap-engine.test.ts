import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/cli/compose.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { CsObject } from '../../src/core/connector-space.js';
import { startSlapd, type Slapd } from '../servers/slapd.js';
import { connectorFor, failureOf, groupLdif, ou, personLdif } from './openldap-fixtures.js';

/**
 * End to end through the real engine: the openldap-to-openldap example against two slapd servers
 * (full import, sync, export, confirming import, delta cycles), a server stopped mid-import, an
 * expired accesslog watermark and wrong credentials through the CLI.
 */
const EXAMPLE = resolve('examples/openldap-to-openldap/idsync.yaml');
const SOURCE = 'dc=source,dc=example';
const TARGET = 'dc=target,dc=example';
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  delete process.env.SOURCE_LDAP_PASSWORD;
  delete process.env.TARGET_LDAP_PASSWORD;
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function io(dir: string): CliIo & { err: string[]; out: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  return { stdout, stderr, env: { IDSYNC_LOCK_WAIT_MS: '200' }, cwd: dir, out, err };
}

async function sandbox(yaml: string): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-ldap-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'idsync.yaml');
  await writeFile(config, yaml);
  return { dir, config };
}

async function allCs(rt: Runtime, connector: string): Promise<CsObject[]> {
  const out: CsObject[] = [];
  for await (const page of rt.store.scanCs(connector, {}, 500)) out.push(...page);
  return out;
}

function sourcePerson(uid: string, cn: string, extra: readonly string[] = []): string {
  return personLdif(uid, cn, `ou=people,${SOURCE}`, extra);
}

describe('openldap-to-openldap example through the engine', () => {
  let source: Slapd;
  let target: Slapd;
  let rt: Runtime;

  beforeAll(async () => {
    source = await startSlapd({
      suffix: SOURCE,
      seedLdif:
        ou('people', SOURCE) +
        ou('groups', SOURCE) +
        sourcePerson('ada', 'Ada Lovelace', ['title: Analyst']) +
        sourcePerson('alan', 'Alan Turing') +
        sourcePerson('obrien', `O'Brien, Jr. + *`) +
        groupLdif('pioneers', [`uid=ada,ou=people,${SOURCE}`, `uid=alan,ou=people,${SOURCE}`], `ou=groups,${SOURCE}`),
    });
    cleanups.push(() => source.destroy());
    target = await startSlapd({ suffix: TARGET, seedLdif: ou('people', TARGET) + ou('groups', TARGET) });
    cleanups.push(() => target.destroy());
    const yaml = (await readFile(EXAMPLE, 'utf8'))
      .replaceAll('ldap://127.0.0.1:3891', source.url)
      .replaceAll('ldap://127.0.0.1:3892', target.url);
    process.env.SOURCE_LDAP_PASSWORD = source.rootPassword;
    process.env.TARGET_LDAP_PASSWORD = target.rootPassword;
    const { dir, config } = await sandbox(yaml);
    rt = await openRuntime(io(dir), config, true, 'test');
    cleanups.push(() => rt.close());
    await rt.engine.setStagingMode(false);
  });

  async function confirm(): Promise<void> {
    const run = await rt.engine.run('target', 'delta-import');
    expect(run.status).toBe('success');
    const target = await allCs(rt, 'target');
    expect(target.filter((cs) => cs.escrowedExport !== null || cs.exportError !== null)).toEqual([]);
  }

  it('imports, syncs and exports people and groups to the target, and the confirming import verifies them', async () => {
    const cycle = await rt.engine.cycle();
    const exported = cycle.runs.find((r) => r.connector === 'target' && r.runProfile === 'export');
    expect(exported?.status).toBe('success');
    expect(exported?.counters.exportAdds).toBe(4);
    await confirm();
    const ada = await target.search(`uid=ada,ou=people,${TARGET}`, '(objectClass=*)', 'cn', 'title', 'displayName');
    expect(ada).toContain('cn: Ada Lovelace');
    expect(ada).toContain('title: Analyst');
    const group = await target.search(`cn=pioneers,ou=groups,${TARGET}`, '(objectClass=*)', 'member');
    expect(group).toContain(`member: uid=ada,ou=people,${TARGET}`);
    expect(group).toContain(`member: uid=alan,ou=people,${TARGET}`);
    const obrien = await target.search(`ou=people,${TARGET}`, '(uid=obrien)', 'cn');
    expect(obrien).toContain(`cn: O'Brien, Jr. + *`);
  });

  it('carries modifications, adds, membership changes and deletes over in a delta cycle', async () => {
    await source.modify(
      `dn: uid=ada,ou=people,${SOURCE}\nchangetype: modify\nreplace: title\ntitle: Countess\n\n` +
        `dn: uid=grace,ou=people,${SOURCE}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: grace\ncn: Grace Hopper\nsn: Hopper\n\n` +
        `dn: cn=pioneers,ou=groups,${SOURCE}\nchangetype: modify\nadd: member\nmember: uid=grace,ou=people,${SOURCE}\n-\ndelete: member\nmember: uid=alan,ou=people,${SOURCE}\n\n` +
        `dn: uid=obrien,ou=people,${SOURCE}\nchangetype: delete\n\n`,
    );
    const cycle = await rt.engine.cycle();
    expect(cycle.policy).toBe('delta');
    const exported = cycle.runs.find((r) => r.connector === 'target' && r.runProfile === 'export');
    expect(exported?.status).toBe('success');
    await confirm();
    expect(await target.search(`uid=ada,ou=people,${TARGET}`, '(objectClass=*)', 'title')).toContain('title: Countess');
    const group = await target.search(`cn=pioneers,ou=groups,${TARGET}`, '(objectClass=*)', 'member');
    expect(group).toContain(`member: uid=grace,ou=people,${TARGET}`);
    expect(group).not.toContain(`uid=alan`);
    expect(await target.search(`ou=people,${TARGET}`, '(uid=obrien)', 'cn')).toBe('');
  });
});

describe('OpenLDAP server stopping mid-import', () => {
  it('stops with stopped-connectivity, keeps the watermark, and the next run completes', async () => {
    const people = Array.from({ length: 1500 }, (_, i) =>
      personLdif(`u${i}`, `User ${i}`, `ou=people,dc=example,dc=com`),
    ).join('');
    const slapd = await startSlapd({ seedLdif: ou('people') + people });
    cleanups.push(() => slapd.destroy());
    const { dir, config } = await sandbox(
      `store: { path: state.db }\nconnectors:\n  - { name: src, type: ldap, flavour: openldap, servers: ["${slapd.url}"], bindDn: "${slapd.rootDn}", password: "plain:${slapd.rootPassword}", baseDn: "${slapd.suffix}", pageSize: 50 }\n`,
    );
    const rt = await openRuntime(io(dir), config, true, 'test');
    cleanups.push(() => rt.close());
    expect((await rt.engine.run('src', 'full-import')).status).toBe('success');
    const before = await rt.store.getWatermark('src');
    // A logged write, so that the next full import starts from a newer accesslog position.
    await slapd.modify(`dn: uid=u1,ou=people,dc=example,dc=com\nchangetype: modify\nreplace: sn\nsn: Changed\n\n`);
    let stopping: Promise<void> | null = null;
    // Batches smaller than the directory, so that the first progress report comes mid-import.
    Object.assign(rt.ctx, { batchSize: 500, onProgress: () => (stopping ??= slapd.stop()) });
    const stopped = await rt.engine.run('src', 'full-import');
    await stopping;
    expect(stopped.status).toBe('stopped-connectivity');
    expect(stopped.message).toContain('connector "src"');
    expect(await rt.store.getWatermark('src')).toBe(before);
    Object.assign(rt.ctx, { onProgress: () => undefined });
    await slapd.start();
    const completed = await rt.engine.run('src', 'full-import');
    expect(completed.status).toBe('success');
    expect(await rt.store.countCs('src', {})).toBe(1502);
    const after = await rt.store.getWatermark('src');
    expect(after).toMatch(/^accesslog:\d{14}/);
    expect(after).not.toBe(before);
  });
});

describe('OpenLDAP expired accesslog watermark', () => {
  it('records why in run history and runs a full import instead', async () => {
    const slapd = await startSlapd({
      seedLdif: ou('people') + personLdif('ada', 'Ada'),
      logpurge: '00:00:02 00:00:01',
    });
    cleanups.push(() => slapd.destroy());
    const { dir, config } = await sandbox(
      `store: { path: state.db }\nconnectors:\n  - { name: src, type: ldap, flavour: openldap, servers: ["${slapd.url}"], bindDn: "${slapd.rootDn}", password: "plain:${slapd.rootPassword}", baseDn: "${slapd.suffix}" }\n`,
    );
    const rt = await openRuntime(io(dir), config, true, 'test');
    cleanups.push(() => rt.close());
    await slapd.modify(`dn: uid=ada,ou=people,dc=example,dc=com\nchangetype: modify\nreplace: sn\nsn: First\n\n`);
    expect((await rt.engine.run('src', 'full-import')).status).toBe('success');
    const before = await rt.store.getWatermark('src');
    expect(before).toMatch(/^accesslog:\d{14}/);
    await slapd.modify(`dn: uid=ada,ou=people,dc=example,dc=com\nchangetype: modify\nreplace: sn\nsn: Second\n\n`);
    for (let i = 0; i < 50 && (await slapd.search('cn=accesslog', '(reqStart=*)', '1.1')) !== ''; i++) await sleep(200);
    const run = await rt.engine.run('src', 'delta-import');
    expect(run.status).toBe('success');
    expect(run.message).toMatch(/expired.*falling back to a full import/);
    expect((await rt.store.getRun(run.runId))?.message).toMatch(/purged/);
    const ada = (await allCs(rt, 'src')).find((cs) => cs.dn.startsWith('uid=ada'));
    expect(ada?.pendingImport?.entry?.attributes.sn).toEqual(['Second']);
    expect(await rt.store.getWatermark('src')).not.toBe(before);
  });
});

describe('OpenLDAP connection failures through the CLI', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ seedLdif: ou('people') + personLdif('ada', 'Ada') });
    cleanups.push(() => slapd.destroy());
  });
  afterEach(() => {
    delete process.env.IDSYNC_TEST_LDAP_PASSWORD;
  });

  async function runCli(servers: string, password: string) {
    process.env.IDSYNC_TEST_LDAP_PASSWORD = password;
    const { dir, config } = await sandbox(
      `store: { path: state.db }\nconnectors:\n  - { name: src, type: ldap, flavour: openldap, servers: ["${servers}"], bindDn: "${slapd.rootDn}", password: env:IDSYNC_TEST_LDAP_PASSWORD, baseDn: "${slapd.suffix}" }\n`,
    );
    const stream = io(dir);
    const code = await main(['run', 'src', 'full-import', '--config', config], stream);
    const history = await main(['history', '--json', '--config', config], io(dir));
    const rt = await openRuntime(io(dir), config, false, 'test');
    const objects = await rt.store.countCs('src', {});
    await rt.close();
    return { code, stderr: stream.err.join(''), stdout: stream.out.join(''), objects, history };
  }

  it('exits 3 on wrong credentials, stages nothing and never prints the password', async () => {
    const result = await runCli(slapd.url, 'Not-The-Password-42');
    expect(result.code).toBe(3);
    expect(result.objects).toBe(0);
    expect(result.stderr + result.stdout).toContain('invalid credentials');
    expect(result.stderr + result.stdout).not.toContain('Not-The-Password-42');
  });

  it('reports StartTLS against a server without TLS as a TLS failure', async () => {
    const error = await failureOf(connectorFor(slapd, { startTls: true }).fullImport());
    expect(error).toMatchObject({ kind: 'tls', message: expect.stringContaining('StartTLS') });
  });

  it('exits 3 when the server is unreachable', async () => {
    const result = await runCli('ldap://127.0.0.1:1', slapd.rootPassword);
    expect(result.code).toBe(3);
    expect(result.objects).toBe(0);
    expect(result.stderr + result.stdout).toContain('ldap://127.0.0.1:1');
  });
});
