import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportItem } from '../../src/core/connector.js';
import { normalizeDn } from '../../src/core/dn.js';
import { ConnectorError } from '../../src/core/errors.js';
import { startSlapd, type Slapd } from '../servers/slapd.js';
import {
  GIF,
  GROUPS,
  HOSTILE,
  HOSTILE_DN,
  JPEG,
  PEOPLE,
  SEED,
  SUFFIX,
  byDn,
  collect,
  connectorFor,
  entriesOf,
  failureOf,
  watermarkOf,
} from './openldap-fixtures.js';

let slapd: Slapd;

beforeAll(async () => {
  slapd = await startSlapd({ seedLdif: SEED, tls: true });
});

afterAll(async () => {
  await slapd?.destroy();
});

describe('OpenLDAP full import', () => {
  it('reads every entry with its entryUUID anchor, structural class and a watermark last', async () => {
    const items = await collect(connectorFor(slapd).fullImport());
    const ada = byDn(items, `uid=ada,${PEOPLE}`);
    expect(ada?.objectType).toBe('inetOrgPerson');
    expect(ada?.anchor).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const uuid = (await slapd.search(`uid=ada,${PEOPLE}`, '(objectClass=*)', 'entryUUID')).match(
      /entryUUID: (\S+)/,
    )?.[1];
    expect(ada?.anchor).toBe(uuid);
    expect(ada?.attributes.cn).toEqual(['Ada Lovelace']);
    expect(ada?.attributes.manager).toEqual([{ ref: `uid=grace,${PEOPLE}` }]);
    expect(byDn(items, `cn=pioneers,${GROUPS}`)?.attributes.member).toEqual([
      { ref: `uid=ada,${PEOPLE}` },
      { ref: `uid=alan,${PEOPLE}` },
    ]);
    expect(entriesOf(items)).toHaveLength(11);
    expect(watermarkOf(items)).toMatch(/^accesslog:/);
  });

  it('keeps binary attributes binary, byte for byte, whether or not they look like text', async () => {
    const grace = byDn(await collect(connectorFor(slapd).fullImport()), `uid=grace,${PEOPLE}`);
    const photos = grace?.attributes.jpegPhoto ?? [];
    expect(photos.every((p) => p instanceof Uint8Array)).toBe(true);
    const hex = photos.map((p) => Buffer.from(p as Uint8Array).toString('hex')).sort();
    expect(hex).toEqual([GIF.toString('hex'), JPEG.toString('hex')].sort());
  });

  it('imports the entry whose DN and values hold every DN and filter special', async () => {
    const hostile = byDn(await collect(connectorFor(slapd).fullImport()), HOSTILE_DN);
    expect(hostile?.attributes.cn).toEqual([HOSTILE]);
  });

  it('honours container inclusion and exclusion, object type selection and the attribute inclusion list', async () => {
    const connector = connectorFor(slapd, {
      containers: { include: [PEOPLE, GROUPS], exclude: [`ou=old,${PEOPLE}`] },
      objectTypes: { inetOrgPerson: 'person', groupOfNames: 'group' },
      attributeInclusion: ['cn', 'member'],
    });
    const entries = entriesOf(await collect(connector.fullImport()));
    const expected = ['uid=ada', 'uid=alan', 'uid=grace'].map((rdn) => `${rdn},${PEOPLE}`);
    expected.push(`cn=pioneers,${GROUPS}`, HOSTILE_DN);
    expect(entries.map((e) => normalizeDn(e.dn)).sort()).toEqual(expected.map((dn) => normalizeDn(dn)).sort());
    const ada = entries.find((e) => e.dn.startsWith('uid=ada'));
    expect(ada?.objectType).toBe('person');
    expect(Object.keys(ada?.attributes ?? {}).sort()).toEqual(['cn', 'entryUUID', 'objectClass']);
    expect(entries.find((e) => e.dn.startsWith('cn=pioneers'))?.objectType).toBe('group');
  });

  it('pages through more entries than one page holds', async () => {
    const small = await collect(connectorFor(slapd, { pageSize: 2 }).fullImport());
    const large = await collect(connectorFor(slapd).fullImport());
    expect(
      entriesOf(small)
        .map((e) => e.anchor)
        .sort(),
    ).toEqual(
      entriesOf(large)
        .map((e) => e.anchor)
        .sort(),
    );
  });
});

describe('OpenLDAP connections', () => {
  it('connects over ldaps:// and StartTLS with the CA file', async () => {
    const ldaps = await collect(
      connectorFor(slapd, { servers: [slapd.ldapsUrl], tls: { caFile: slapd.caFile } }).fullImport(),
    );
    const startTls = await collect(connectorFor(slapd, { startTls: true, tls: { caFile: slapd.caFile } }).fullImport());
    expect(entriesOf(ldaps)).toHaveLength(11);
    expect(entriesOf(startTls)).toHaveLength(11);
  });

  it('fails with kind tls when the certificate does not verify (no CA, wrong name)', async () => {
    const noCa = await failureOf(connectorFor(slapd, { servers: [slapd.ldapsUrl] }).fullImport());
    expect(noCa).toBeInstanceOf(ConnectorError);
    expect((noCa as ConnectorError).kind).toBe('tls');
    const wrongName = await failureOf(
      connectorFor(slapd, {
        startTls: true,
        tls: { caFile: slapd.caFile, serverName: 'ldap.elsewhere.test' },
      }).fullImport(),
    );
    expect((wrongName as ConnectorError).kind).toBe('tls');
    expect(wrongName.message).toContain('connector "src"');
  });

  it('fails with kind authentication on a wrong password and never shows the password', async () => {
    const error = await failureOf(connectorFor(slapd, { password: 'plain:Wr0ng-Pa55word' }).fullImport());
    expect((error as ConnectorError).kind).toBe('authentication');
    expect(error.message).toContain('invalid credentials');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('Wr0ng-Pa55word');
  });

  it('fails with kind connectivity when no server answers, and uses the next server when one does', async () => {
    const dead = 'ldap://127.0.0.1:1';
    const error = await failureOf(connectorFor(slapd, { servers: [dead] }).fullImport());
    expect((error as ConnectorError).kind).toBe('connectivity');
    expect(error.message).toContain(dead);
    const failover = await collect(connectorFor(slapd, { servers: [dead, slapd.url] }).fullImport());
    expect(entriesOf(failover)).toHaveLength(11);
  });
});

describe('OpenLDAP delta import (accesslog)', () => {
  let watermark: string;
  const connector = () => connectorFor(slapd);
  const anchorOf = async (dn: string) => byDn(await collect(connector().fullImport()), dn)?.anchor;

  async function delta(): Promise<ImportItem[]> {
    const items = await collect(connector().deltaImport(watermark));
    watermark = watermarkOf(items);
    return items;
  }

  beforeAll(async () => {
    watermark = watermarkOf(await collect(connector().fullImport()));
  });

  it('reads an added entry', async () => {
    await slapd.modify(
      `dn: uid=new1,${PEOPLE}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: new1\ncn: New One\nsn: One\n\n`,
    );
    const items = await delta();
    expect(entriesOf(items).map((e) => e.dn)).toEqual([`uid=new1,${PEOPLE}`]);
    expect(watermark).toMatch(/^accesslog:\d{14}\.\d{6}Z(\|[0-9.Z,]+)?$/);
  });

  it('reads a modified entry once however often it changed', async () => {
    await slapd.modify(
      `dn: uid=new1,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Two\n\n` +
        `dn: uid=new1,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Three\n\n`,
    );
    const entries = entriesOf(await delta());
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attributes.sn).toEqual(['Three']);
  });

  it('reads a rename and a move with the same anchor', async () => {
    const anchor = await anchorOf(`uid=new1,${PEOPLE}`);
    await slapd.modify(`dn: uid=new1,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=renamed1\ndeleteoldrdn: 1\n\n`);
    const renamed = entriesOf(await delta());
    expect(renamed.map((e) => [e.dn, e.anchor])).toEqual([[`uid=renamed1,${PEOPLE}`, anchor]]);
    await slapd.modify(
      `dn: uid=renamed1,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=renamed1\ndeleteoldrdn: 1\nnewsuperior: ${GROUPS}\n\n`,
    );
    const moved = entriesOf(await delta());
    expect(moved.map((e) => [e.dn, e.anchor])).toEqual([[`uid=renamed1,${GROUPS}`, anchor]]);
  });

  it('reads group membership added and removed', async () => {
    const group = `cn=pioneers,${GROUPS}`;
    await slapd.modify(`dn: ${group}\nchangetype: modify\nadd: member\nmember: uid=grace,${PEOPLE}\n\n`);
    expect(byDn(await delta(), group)?.attributes.member).toContainEqual({ ref: `uid=grace,${PEOPLE}` });
    await slapd.modify(`dn: ${group}\nchangetype: modify\ndelete: member\nmember: uid=grace,${PEOPLE}\n\n`);
    expect(byDn(await delta(), group)?.attributes.member).not.toContainEqual({ ref: `uid=grace,${PEOPLE}` });
  });

  it('reads a delete as a delete of the entryUUID, and a move out of scope as a delete', async () => {
    const anchor = await anchorOf(`uid=renamed1,${GROUPS}`);
    await slapd.modify(`dn: uid=renamed1,${GROUPS}\nchangetype: delete\n\n`);
    expect((await delta()).filter((i) => i.kind !== 'watermark')).toEqual([
      { kind: 'delete', anchor, dn: `uid=renamed1,${GROUPS}` },
    ]);
    const alan = await anchorOf(`uid=alan,${PEOPLE}`);
    await slapd.modify(
      `dn: uid=alan,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=alan\ndeleteoldrdn: 1\nnewsuperior: ou=old,${PEOPLE}\n\n`,
    );
    const scoped = connectorFor(slapd, { containers: { exclude: [`ou=old,${PEOPLE}`] } });
    const items = await collect(scoped.deltaImport(watermark));
    expect(items.filter((i) => i.kind !== 'watermark')).toEqual([
      { kind: 'delete', anchor: alan, dn: `uid=alan,${PEOPLE}` },
    ]);
  });

  it('re-reads a changed entry whose DN holds every DN and filter special', async () => {
    await slapd.modify(`dn: ${HOSTILE_DN}\nchangetype: modify\nreplace: sn\nsn: Still hostile\n\n`);
    const hostile = byDn(await delta(), HOSTILE_DN);
    expect(hostile?.attributes.sn).toEqual(['Still hostile']);
  });

  it('reads more changed objects than one re-read batch holds', async () => {
    const adds = Array.from(
      { length: 150 },
      (_, i) =>
        `dn: uid=bulk${i},${PEOPLE}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: bulk${i}\ncn: Bulk ${i}\nsn: Bulk\n\n`,
    );
    await slapd.modify(adds.join(''));
    const entries = entriesOf(await delta());
    expect(new Set(entries.map((e) => e.dn)).size).toBe(150);
    expect(entries.every((e) => e.dn.startsWith('uid=bulk'))).toBe(true);
  });

  it('rejects a watermark that is not an accesslog position', async () => {
    const error = await failureOf(connector().deltaImport('dirsync:AAAA'));
    expect((error as ConnectorError).kind).toBe('watermark-rejected');
  });
});

describe('OpenLDAP accesslog purge check', () => {
  /** Adds a log record straight into cn=accesslog (as its own root DN), for a reqStart of our choosing. */
  async function addLogRecord(reqStart: string): Promise<void> {
    const ldif = [
      `dn: reqStart=${reqStart},cn=accesslog`,
      'changetype: add',
      'objectClass: auditModify',
      `reqStart: ${reqStart}`,
      `reqEnd: ${reqStart}`,
      'reqType: modify',
      'reqSession: 1',
      'reqAuthzID: cn=nobody',
      'reqDN: cn=elsewhere',
      'reqResult: 0',
      'reqMod: description:= x',
      '',
      '',
    ].join('\n');
    const args = ['-x', '-H', slapd.url, '-D', 'cn=admin,cn=accesslog', '-w', slapd.rootPassword];
    await new Promise<void>((resolve, reject) => {
      const child = execFile('/usr/bin/ldapmodify', args, (error) => (error ? reject(error) : resolve()));
      child.stdin?.end(ldif);
    });
  }

  // slapd does not match (reqStart<=X) against the record at X itself when X's fraction ends in 0:
  // such a watermark, at the oldest record in the log, must not be taken for a purged one.
  it('accepts a watermark at the oldest record whose reqStart ends in zeros, and rejects an older one', async () => {
    const oldest = '20000101000000.120000Z';
    await addLogRecord(oldest);
    const items = await collect(connectorFor(slapd).deltaImport(`accesslog:${oldest}`));
    expect(watermarkOf(items)).toMatch(/^accesslog:\d{14}\.\d{6}Z/);
    const error = await failureOf(connectorFor(slapd).deltaImport('accesslog:19991231235959.000000Z'));
    expect((error as ConnectorError).kind).toBe('watermark-rejected');
    expect(error.message).toMatch(/purged/);
  });
});

describe('OpenLDAP suffix entry', () => {
  it('is the base of every DN the import returns', async () => {
    const entries = entriesOf(await collect(connectorFor(slapd).fullImport()));
    expect(entries.every((e) => e.dn.toLowerCase().endsWith(SUFFIX))).toBe(true);
  });
});
