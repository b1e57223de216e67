import type { CsObject } from '../../../src/core/connector-space.js';
import { describe, expect, it } from 'vitest';

import { normalizeDn } from '../../../src/core/dn.js';
import {
  CONNECTOR,
  OTHER_CONNECTOR,
  csObject,
  entry,
  fullTowerObject,
  guid,
  ids,
  type CurrentHarness,
} from './fixtures.js';

/** Connector-space objects: the tower round trip and the batch lookups. */
export function describeCsObjectContract(h: CurrentHarness): void {
  describe('connector-space objects', () => {
    it('round-trips every tower part exactly, including binary, bigint, number, boolean and reference values', async () => {
      const cs = fullTowerObject(1);
      await h().store.apply({ csUpserts: [cs] });
      const [read] = await h().store.getCsObjects([cs.id]);
      expect(read).toEqual(cs);
      const hologram = read?.synchronizedHologram?.attributes;
      expect(hologram?.objectGUID?.[0]).toBeInstanceOf(Uint8Array);
      expect(typeof hologram?.accountExpires?.[0]).toBe('bigint');
      expect(hologram?.isCriticalSystemObject).toEqual([false]);
      expect(hologram?.manager).toEqual([{ ref: 'CN=Boss,OU=Staff,DC=x' }]);
    });

    it('stores Node Buffer values (as LDAP clients return them) as binary', async () => {
      const cs = csObject(5, { synchronizedHologram: entry('CN=b,DC=x', { objectGUID: [Buffer.from([1, 2, 255])] }) });
      await h().store.apply({ csUpserts: [cs] });
      const [read] = await h().store.getCsObjects([cs.id]);
      const value = read?.synchronizedHologram?.attributes.objectGUID?.[0];
      expect(value).toBeInstanceOf(Uint8Array);
      expect(Array.from(value as Uint8Array)).toEqual([1, 2, 255]);
    });

    it('round-trips an object whose tower parts and optional links are all null', async () => {
      const cs = csObject(2, { anchor: null, synchronizedHologram: null, mvId: null, lastImportRun: null });
      await h().store.apply({ csUpserts: [cs] });
      expect(await h().store.getCsObjects([cs.id])).toEqual([cs]);
    });

    it('round-trips a pending delete whose entry is null', async () => {
      const cs = csObject(3, { pendingImport: { operation: 'delete', entry: null } });
      await h().store.apply({ csUpserts: [cs] });
      expect(await h().store.getCsObjects([cs.id])).toEqual([cs]);
    });

    it('keeps stored objects safe from callers mutating what they passed or received', async () => {
      const cs = fullTowerObject(4);
      const input = structuredClone(cs);
      await h().store.apply({ csUpserts: [input] });
      (input.synchronizedHologram?.attributes.mail as string[]).push('changed-after-apply');
      const [first] = await h().store.getCsObjects([cs.id]);
      (first?.synchronizedHologram?.attributes.mail as string[]).push('changed-after-read');
      expect(await h().store.getCsObjects([cs.id])).toEqual([cs]);
    });

    it('returns CS objects by id in the order asked, skipping unknown ids', async () => {
      await h().store.apply({ csUpserts: [csObject(1), csObject(2), csObject(3)] });
      const read = await h().store.getCsObjects([guid(3), guid(99), guid(1)]);
      expect(ids(read)).toEqual([guid(3), guid(1)]);
    });

    it('replaces an existing CS object on upsert', async () => {
      await h().store.apply({ csUpserts: [csObject(1, { dn: 'CN=Old,DC=x' })] });
      const updated = csObject(1, { dn: 'CN=New,DC=x', mvId: guid(5), linkRule: 'join' });
      await h().store.apply({ csUpserts: [updated] });
      expect(await h().store.getCsObjects([guid(1)])).toEqual([updated]);
      expect(await h().store.countCs(CONNECTOR, {})).toBe(1);
    });

    it('deletes CS objects and ignores ids that do not exist', async () => {
      await h().store.apply({ csUpserts: [csObject(1), csObject(2)] });
      await h().store.apply({ csDeletes: [guid(1), guid(77)] });
      expect(ids(await h().store.getCsObjects([guid(1), guid(2)]))).toEqual([guid(2)]);
    });

    it('finds CS objects by anchor in the asked connector only, keyed by the anchor as given', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, { anchor: 'AbC=' }),
          csObject(2, { anchor: 'xyz' }),
          csObject(3, { anchor: 'AbC=', connector: OTHER_CONNECTOR }),
        ],
      });
      const found = await h().store.findCsByAnchors(CONNECTOR, ['AbC=', 'abc=', 'missing']);
      expect([...found.keys()]).toEqual(['AbC=']);
      expect(found.get('AbC=')?.id).toBe(guid(1));
    });

    it('finds CS objects by DN whatever the case and spacing, keyed by the normalized DN', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, { dn: 'CN=Jane Doe,OU=Staff,DC=x' }),
          csObject(2, { dn: 'CN=Jane Doe,OU=Staff,DC=x', connector: OTHER_CONNECTOR }),
        ],
      });
      const asked = 'cn=jane doe, ou=staff,dc=x';
      const found = await h().store.findCsByDns(CONNECTOR, [asked, 'CN=Nobody,DC=x']);
      expect([...found.keys()]).toEqual([normalizeDn(asked)]);
      expect(found.get(normalizeDn('CN=Jane Doe,OU=Staff,DC=x'))?.id).toBe(guid(1));
    });

    it('finds every CS object joined to the given MV ids, across connectors', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, { mvId: guid(100) }),
          csObject(2, { mvId: guid(100), connector: OTHER_CONNECTOR }),
          csObject(3, { mvId: guid(101) }),
          csObject(4, { mvId: null }),
        ],
      });
      const found = await h().store.findCsByMvIds([guid(100), guid(101), guid(102)]);
      expect(ids(found).sort()).toEqual([guid(1), guid(2), guid(3)]);
      const rest = await h().store.findCsByMvIds([guid(100), guid(101)], [guid(2), guid(3), guid(9)]);
      expect(ids(rest)).toEqual([guid(1)]);
    });

    it('finds only the link columns of CS objects by DN and by MV id, in the asked connector', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, { dn: 'CN=Jane Doe,OU=Staff,DC=x', mvId: guid(100) }),
          csObject(2, { dn: 'CN=Jane Doe,OU=Staff,DC=x', mvId: guid(100), connector: OTHER_CONNECTOR }),
          csObject(3, { dn: 'CN=Joe,DC=x', mvId: null }),
        ],
      });
      const byDn = await h().store.findCsLinksByDns(CONNECTOR, [
        'cn=jane doe, ou=staff,dc=x',
        'CN=Joe,DC=x',
        'CN=No,DC=x',
      ]);
      expect(byDn).toEqual(
        new Map([
          [normalizeDn('CN=Jane Doe,OU=Staff,DC=x'), { id: guid(1), dn: 'CN=Jane Doe,OU=Staff,DC=x', mvId: guid(100) }],
          [normalizeDn('CN=Joe,DC=x'), { id: guid(3), dn: 'CN=Joe,DC=x', mvId: null }],
        ]),
      );
      const byMv = await h().store.findCsLinksByMvIds(OTHER_CONNECTOR, [guid(100), guid(101)]);
      expect(byMv).toEqual(new Map([[guid(100), { id: guid(2), dn: 'CN=Jane Doe,OU=Staff,DC=x', mvId: guid(100) }]]));
    });

    it('marks objects as seen by an import without rewriting them, and scans by those marks', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, { lastImportRun: 1 }),
          csObject(2, { lastImportRun: 1 }),
          csObject(3, { lastImportRun: null }),
        ],
      });
      await h().store.apply({ csImportMarks: { runId: 2, ids: [guid(1)] } });
      const [one, two] = await h().store.getCsObjects([guid(1), guid(2)]);
      expect(one?.lastImportRun).toBe(2);
      expect(two?.lastImportRun).toBe(1);
      const unseen: string[] = [];
      for await (const page of h().store.scanCs(CONNECTOR, { notImportedInRun: 2 }, 10)) unseen.push(...ids(page));
      expect(unseen.sort()).toEqual([guid(2), guid(3)]);
      await h().store.apply({ csUpserts: [{ ...(one as CsObject), lastImportRun: null }] });
      expect((await h().store.getCsObjects([guid(1)]))[0]?.lastImportRun).toBeNull();
    });

    it('counts a pending export that moves an object to a new DN as a rename', async () => {
      await h().store.apply({
        csUpserts: [
          csObject(1, {
            unappliedExport: { operation: 'update', dn: 'CN=a', newDn: 'CN=b', objectType: 'user', changes: [] },
          }),
          csObject(2, { unappliedExport: { operation: 'update', dn: 'CN=c', objectType: 'user', changes: [] } }),
        ],
      });
      expect(await h().store.countPendingExports(CONNECTOR)).toEqual({ rename: 1, update: 1 });
    });

    it('counts only the operations present, also when every pending update is a rename', async () => {
      const rename = (n: number) =>
        csObject(n, {
          unappliedExport: { operation: 'update', dn: `CN=${n}`, newDn: `CN=${n}b`, objectType: 'user', changes: [] },
        });
      await h().store.apply({ csUpserts: [rename(1), rename(2)] });
      expect(await h().store.countPendingExports(CONNECTOR)).toEqual({ rename: 2 });
      expect(await h().store.countPendingExports(OTHER_CONNECTOR)).toEqual({});
    });

    it('counts unapplied exports per object-level operation', async () => {
      const delta = (operation: 'add' | 'update' | 'delete') => ({
        operation,
        dn: 'CN=a',
        objectType: 'user',
        changes: [],
      });
      await h().store.apply({
        csUpserts: [
          csObject(1, { unappliedExport: delta('add') }),
          csObject(2, { unappliedExport: delta('add') }),
          csObject(3, { unappliedExport: delta('delete') }),
          csObject(4, { escrowedExport: delta('update') }),
          csObject(5, { unappliedExport: delta('update'), connector: OTHER_CONNECTOR }),
        ],
      });
      expect(await h().store.countPendingExports(CONNECTOR)).toEqual({ add: 2, delete: 1 });
    });

    it('indexes nothing and fails nothing for an object with no image at all', async () => {
      await h().store.configureIndexes({ mvAttributes: [], csAttributes: { [CONNECTOR]: ['mail'] } });
      await h().store.apply({ csUpserts: [csObject(1), csObject(2, { synchronizedHologram: entry('CN=2', {}) })] });
      expect(await h().store.findCsIdsByAttribute(CONNECTOR, 'mail', ['s:x'])).toEqual(new Map());
    });
  });
}
