import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportRequest, ExportResult } from '../../src/core/connector.js';
import type { AttributeChange, DeltaOperation } from '../../src/core/connector-space.js';
import { applyDelta } from '../../src/core/delta.js';
import { escapeDnValue } from '../../src/core/dn.js';
import { startSlapd, type Slapd } from '../servers/slapd.js';
import { HOSTILE, PEOPLE, SEED, SUFFIX, byDn, collect, connectorFor } from './openldap-fixtures.js';

const EXPORTS = `ou=exports,${SUFFIX}`;
let slapd: Slapd;
let sequence = 0;

beforeAll(async () => {
  slapd = await startSlapd({ seedLdif: SEED });
});

afterAll(async () => {
  await slapd?.destroy();
});

function request(
  operation: DeltaOperation,
  dn: string,
  changes: readonly AttributeChange[],
  extra: { newDn?: string; anchor?: string | null } = {},
): ExportRequest {
  const delta = {
    operation,
    dn,
    objectType: 'inetOrgPerson',
    changes,
    ...(extra.newDn !== undefined ? { newDn: extra.newDn } : {}),
  };
  return {
    csId: `CS-${++sequence}`,
    dn,
    anchor: extra.anchor ?? null,
    objectType: 'inetOrgPerson',
    delta,
    target: applyDelta(operation === 'add' ? null : { dn, objectType: 'inetOrgPerson', attributes: {} }, delta),
  };
}

function person(uid: string, cn: string): AttributeChange[] {
  return [
    { operation: 'add', name: 'objectClass', values: ['inetOrgPerson'] },
    { operation: 'add', name: 'uid', values: [uid] },
    { operation: 'add', name: 'cn', values: [cn] },
    { operation: 'add', name: 'sn', values: ['Exported'] },
  ];
}

async function* feed(requests: readonly ExportRequest[]): AsyncGenerator<ExportRequest> {
  for (const r of requests) yield r;
}

async function exportAll(...requests: ExportRequest[]): Promise<ExportResult[]> {
  return collect(connectorFor(slapd).export(feed(requests)));
}

async function entryAt(dn: string) {
  const connector = connectorFor(slapd, { containers: { include: [EXPORTS] } });
  return byDn(await collect(connector.fullImport()), dn);
}

describe('OpenLDAP export', () => {
  it('adds an object under an existing container and returns its entryUUID as anchor', async () => {
    const dn = `uid=exp1,${EXPORTS}`;
    const photo = new Uint8Array([0xff, 0xd8, 0x00, 0x01, 0x80]);
    const changes = [
      ...person('exp1', 'Exported One'),
      { operation: 'add', name: 'jpegPhoto', values: [photo] },
      { operation: 'add', name: 'manager', values: [{ ref: `uid=ada,${PEOPLE}` }] },
    ] as const;
    const [result] = await exportAll(request('add', dn, changes));
    const imported = await entryAt(dn);
    expect(result).toEqual({ csId: expect.any(String), ok: true, anchor: imported?.anchor, dn });
    expect(Buffer.from(imported?.attributes.jpegPhoto?.[0] as Uint8Array)).toEqual(Buffer.from(photo));
    expect(imported?.attributes.manager).toEqual([{ ref: `uid=ada,${PEOPLE}` }]);
  });

  it('modifies at attribute level: replace, add values, delete values, clear', async () => {
    const dn = `uid=exp1,${EXPORTS}`;
    await slapd.modify(`dn: ${dn}\nchangetype: modify\nadd: mail\nmail: a@example.com\nmail: b@example.com\n\n`);
    const [result] = await exportAll(
      request('update', dn, [
        { operation: 'replace', name: 'sn', values: ['Replaced'] },
        { operation: 'update', name: 'mail', add: ['c@example.com'], remove: ['a@example.com'] },
        { operation: 'delete', name: 'manager' },
        { operation: 'delete', name: 'description' },
      ]),
    );
    expect(result?.ok).toBe(true);
    const imported = await entryAt(dn);
    expect(imported?.attributes.sn).toEqual(['Replaced']);
    expect([...(imported?.attributes.mail ?? [])].sort()).toEqual(['b@example.com', 'c@example.com']);
    expect(imported?.attributes.manager).toBeUndefined();
  });

  it('renames and moves with modDN, keeping the anchor', async () => {
    const before = await entryAt(`uid=exp1,${EXPORTS}`);
    await slapd.modify(`dn: ou=moved,${EXPORTS}\nchangetype: add\nobjectClass: organizationalUnit\nou: moved\n\n`);
    const renamed = `uid=exp1b,${EXPORTS}`;
    const moved = `uid=exp1c,ou=moved,${EXPORTS}`;
    const [rename] = await exportAll(request('update', `uid=exp1,${EXPORTS}`, [], { newDn: renamed }));
    expect(rename).toMatchObject({ ok: true, dn: renamed });
    const [move] = await exportAll(
      request('update', renamed, [{ operation: 'replace', name: 'uid', values: ['exp1c'] }], {
        newDn: moved,
        anchor: before?.anchor ?? null,
      }),
    );
    expect(move).toMatchObject({ ok: true, dn: moved, anchor: before?.anchor });
    const after = await entryAt(moved);
    expect(after?.anchor).toBe(before?.anchor);
    expect(after?.attributes.uid).toEqual(['exp1c']);
  });

  it('adds, renames and deletes objects whose DN holds every DN special', async () => {
    const dn = `cn=${escapeDnValue(HOSTILE)},${EXPORTS}`;
    const renamedValue = `${HOSTILE} (renamed)\\`;
    const renamed = `cn=${escapeDnValue(renamedValue)},${EXPORTS}`;
    const results = await exportAll(
      request('add', dn, person('hostile-export', HOSTILE)),
      request('update', dn, [], { newDn: renamed }),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const imported = await entryAt(renamed);
    expect(imported?.attributes.cn).toEqual(expect.arrayContaining([renamedValue]));
    const [deleted] = await exportAll(request('delete', renamed, []));
    expect(deleted?.ok).toBe(true);
    expect(await entryAt(renamed)).toBeUndefined();
  });

  it('escapes a hostile anchor in the lookup filter rather than matching other entries', async () => {
    const dn = `uid=exp2,${EXPORTS}`;
    await exportAll(request('add', dn, person('exp2', 'Exported Two')));
    const [result] = await exportAll(
      request('update', dn, [{ operation: 'replace', name: 'sn', values: ['Targeted'] }], {
        anchor: '*)(objectClass=*',
      }),
    );
    expect(result?.ok).toBe(true);
    expect((await entryAt(dn))?.attributes.sn).toEqual(['Targeted']);
    const others = await collect(connectorFor(slapd).fullImport());
    expect(others.filter((i) => i.kind === 'entry' && i.entry.attributes.sn?.[0] === 'Targeted')).toHaveLength(1);
  });

  it('gives each object its own result and maps LDAP result codes to export error types', async () => {
    const existing = `uid=exp2,${EXPORTS}`;
    const results = await exportAll(
      request('add', existing, person('exp2', 'Again')),
      request('add', `uid=orphan,ou=missing,${EXPORTS}`, person('orphan', 'Orphan')),
      request('update', `uid=ghost,${EXPORTS}`, [{ operation: 'replace', name: 'sn', values: ['x'] }]),
      request('update', existing, [{ operation: 'replace', name: 'noSuchAttributeType', values: ['x'] }]),
      request('update', existing, [{ operation: 'update', name: 'mail', add: [], remove: ['absent@example.com'] }]),
      request('add', `uid=exp3,${EXPORTS}`, person('exp3', 'Fine')),
      request('update', existing, [], { newDn: `uid=exp3,${EXPORTS}` }),
      request('add', `uid=outside,${'dc=elsewhere,dc=com'}`, person('outside', 'Outside')),
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.error.type))).toEqual([
      'cd-existing-object',
      'non-existent-parent',
      'cd-missing-object',
      'syntax-violation',
      'cd-error',
      'ok',
      'rename-to-existing-dn',
      'cd-error',
    ]);
    const failure = results[0];
    expect(failure && !failure.ok && failure.error).toMatchObject({ code: '68', isRetryable: false });
    expect(new Set(results.map((r) => r.csId)).size).toBe(results.length);
  });

  it('treats the delete of an object that is already gone as done', async () => {
    const [result] = await exportAll(request('delete', `uid=never,${EXPORTS}`, []));
    expect(result?.ok).toBe(true);
  });

  it('retries with backoff across a server restart and then succeeds', async () => {
    await slapd.stop();
    const restart = sleep(300).then(() => slapd.start());
    const connector = connectorFor(slapd, { retries: 5, retryDelayMs: 150 });
    const results = await collect(
      connector.export(feed([request('add', `uid=retried,${EXPORTS}`, person('retried', 'R'))])),
    );
    await restart;
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(await entryAt(`uid=retried,${EXPORTS}`)).toBeDefined();
  });

  it('stops the export on a refused bind instead of failing each object', async () => {
    const connector = connectorFor(slapd, { password: 'plain:wrong' });
    await expect(
      collect(connector.export(feed([request('add', `uid=y,${EXPORTS}`, person('y', 'Y'))]))),
    ).rejects.toMatchObject({ kind: 'authentication' });
  });

  it('stops the export with a connectivity error when the server is gone', async () => {
    const connector = connectorFor(slapd, { servers: ['ldap://127.0.0.1:1'], retries: 1 });
    await expect(
      collect(connector.export(feed([request('add', `uid=x,${EXPORTS}`, person('x', 'X'))]))),
    ).rejects.toMatchObject({ kind: 'connectivity' });
  });
});
