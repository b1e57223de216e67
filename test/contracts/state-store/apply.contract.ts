import { describe, expect, it } from 'vitest';

import type { CsObject } from '../../../src/core/connector-space.js';
import type { StateStore, StoreChangeSet } from '../../../src/core/state-store.js';
import { normalizeDn } from '../../../src/core/dn.js';
import {
  CONNECTOR,
  OTHER_CONNECTOR,
  csObject,
  fullTowerObject,
  guid,
  mvObject,
  type CurrentHarness,
} from './fixtures.js';

async function snapshot(store: StateStore) {
  return {
    cs: await store.countCs(CONNECTOR, {}),
    mv: await store.countMv({}),
    watermark: await store.getWatermark(CONNECTOR),
    dangling: await store.findDanglingReferences('in', CONNECTOR, ['cn=target,dc=x']),
    runs: await store.listRuns({}),
  };
}

/** `apply`: atomicity, watermarks and dangling references. */
export function describeApplyContract(h: CurrentHarness): void {
  describe('change sets', () => {
    const wideChangeSet = (extra: Partial<StoreChangeSet>): StoreChangeSet => ({
      csUpserts: [csObject(1), csObject(2)],
      mvUpserts: [mvObject(1, { mail: ['a@x'] })],
      csDeletes: [guid(3)],
      watermark: { connector: CONNECTOR, value: 'cookie-2' },
      danglingReferences: {
        replaceFor: [],
        add: [{ direction: 'in', connector: CONNECTOR, key: 'cn=target,dc=x', referrerId: guid(1) }],
      },
      ...extra,
    });

    it('rejects a change set holding a CS object with an empty id with StoreError and writes none of it', async () => {
      await h().store.apply({ csUpserts: [csObject(3)], watermark: { connector: CONNECTOR, value: 'cookie-1' } });
      const before = await snapshot(h().store);
      const invalid = { ...csObject(4), id: '' } as CsObject;
      const changes = wideChangeSet({ csUpserts: [csObject(1), invalid, csObject(2)] });
      await expect(h().store.apply(changes)).rejects.toMatchObject({ name: 'StoreError' });
      expect(await snapshot(h().store)).toEqual(before);
    });

    it('rejects run issues for a run that does not exist and writes nothing else of the change set', async () => {
      await h().store.apply({ csUpserts: [csObject(3)], watermark: { connector: CONNECTOR, value: 'cookie-1' } });
      const before = await snapshot(h().store);
      const changes = wideChangeSet({ runIssues: { runId: 4242, issues: [{ code: 'x', message: 'y' }] } });
      await expect(h().store.apply(changes)).rejects.toMatchObject({ name: 'StoreError', message: /4242/ });
      expect(await snapshot(h().store)).toEqual(before);
    });

    it('writes CS objects with a changed-fields hint exactly as it writes them whole', async () => {
      const stored = fullTowerObject(1);
      await h().store.apply({ csUpserts: [stored, csObject(2, { importError: null })] });
      const [read] = await h().store.getCsObjects([guid(1)]);
      if (!read) throw new Error('object 1 was not stored');
      const linked: CsObject = {
        ...read,
        mvId: guid(500),
        synchronizedHologram: { dn: read.dn, objectType: read.objectType, attributes: { cn: ['Linked'] } },
        pendingImport: null,
        lastImportRun: null,
        modifiedAt: '2026-02-02T00:00:00.000Z',
      };
      const renamed: CsObject = { ...csObject(2), dn: 'CN=Renamed,OU=Staff,DC=x', lastImportRun: 7 };
      const notStored: CsObject = csObject(3, { mvId: guid(501) });
      await h().store.apply({
        csUpserts: [linked, renamed, notStored],
        csChangedFields: new Map<string, ReadonlySet<keyof CsObject>>([
          [guid(1), new Set(['mvId', 'synchronizedHologram', 'pendingImport', 'lastImportRun', 'modifiedAt'] as const)],
          [guid(2), new Set(['dn', 'lastImportRun'] as const)],
          [guid(3), new Set(['mvId'] as const)],
        ]),
      });
      const byId = new Map((await h().store.getCsObjects([guid(1), guid(2), guid(3)])).map((cs) => [cs.id, cs]));
      expect(byId.get(guid(1))).toEqual(linked);
      expect(byId.get(guid(2))).toEqual(renamed);
      expect(byId.get(guid(3))).toEqual(notStored);
      expect(
        (await h().store.findCsByDns(CONNECTOR, ['CN=Renamed,OU=Staff,DC=x'])).get(
          normalizeDn('CN=Renamed,OU=Staff,DC=x'),
        )?.id,
      ).toBe(guid(2));
      expect((await h().store.findCsLinksByMvIds(CONNECTOR, [guid(500)])).get(guid(500))?.id).toBe(guid(1));
      expect(await h().store.countCs(CONNECTOR, { hasPendingImport: true })).toBe(0);
    });

    it('applies a stored pending import with the applied-import hint exactly as it writes it whole', async () => {
      const stored = fullTowerObject(1);
      const deleting = csObject(2, { pendingImport: { operation: 'delete', entry: null }, lastImportRun: 3 });
      await h().store.apply({ csUpserts: [stored, deleting] });
      const [read, readDelete] = await h().store.getCsObjects([guid(1), guid(2)]);
      if (!read?.pendingImport?.entry || readDelete?.pendingImport?.operation !== 'delete')
        throw new Error('the pending imports were not stored');
      expect(read.pendingImport).toEqual(stored.pendingImport);
      expect(readDelete.pendingImport).toEqual({ operation: 'delete', entry: null });
      const applied: CsObject = {
        ...read,
        synchronizedHologram: read.pendingImport.entry,
        pendingImport: null,
        mvId: guid(500),
        modifiedAt: '2026-02-02T00:00:00.000Z',
      };
      // Hinted but not stored: written whole.
      const notStored: CsObject = { ...applied, id: guid(3), dn: 'CN=Three,DC=x' };
      await h().store.apply({
        csUpserts: [applied, notStored],
        csChangedFields: new Map<string, ReadonlySet<keyof CsObject>>([
          [guid(1), new Set(['synchronizedHologram', 'pendingImport', 'mvId', 'modifiedAt'] as const)],
          [guid(3), new Set(['synchronizedHologram', 'pendingImport'] as const)],
        ]),
        csAppliedImports: new Set([guid(1), guid(3)]),
      });
      const byId = new Map((await h().store.getCsObjects([guid(1), guid(3)])).map((cs) => [cs.id, cs]));
      expect(byId.get(guid(1))).toEqual(applied);
      expect(byId.get(guid(1))?.synchronizedHologram).toEqual(stored.pendingImport?.entry);
      expect(byId.get(guid(3))).toEqual(notStored);
      expect(await h().store.countCs(CONNECTOR, { hasPendingImport: true })).toBe(1);
    });

    it('commits the watermark together with the data it covers', async () => {
      const runId = await h().store.startRun({ connector: CONNECTOR, runProfile: 'delta-import', startedAt: 't0' });
      await h().store.apply(wideChangeSet({ runIssues: { runId, issues: [{ code: 'c', message: 'm' }] } }));
      expect(await h().store.getWatermark(CONNECTOR)).toBe('cookie-2');
      expect(await h().store.countCs(CONNECTOR, {})).toBe(2);
      expect((await h().store.getRun(runId))?.issueCount).toBe(1);
    });

    it('sets, replaces and clears watermarks per connector', async () => {
      expect(await h().store.getWatermark(CONNECTOR)).toBeNull();
      await h().store.apply({ watermark: { connector: CONNECTOR, value: 'a' } });
      await h().store.apply({ watermark: { connector: OTHER_CONNECTOR, value: 'other' } });
      await h().store.apply({ watermark: { connector: CONNECTOR, value: 'b' } });
      expect(await h().store.getWatermark(CONNECTOR)).toBe('b');
      await h().store.apply({ watermark: { connector: CONNECTOR, value: null } });
      expect(await h().store.getWatermark(CONNECTOR)).toBeNull();
      expect(await h().store.getWatermark(OTHER_CONNECTOR)).toBe('other');
    });

    it('adds dangling references and finds them by direction, connector and key', async () => {
      await h().store.apply({
        danglingReferences: {
          replaceFor: [],
          add: [
            { direction: 'in', connector: CONNECTOR, key: 'cn=b,dc=x', referrerId: guid(2) },
            { direction: 'in', connector: CONNECTOR, key: 'cn=a,dc=x', referrerId: guid(1) },
            { direction: 'in', connector: CONNECTOR, key: 'cn=a,dc=x', referrerId: guid(1) },
            { direction: 'in', connector: OTHER_CONNECTOR, key: 'cn=a,dc=x', referrerId: guid(3) },
            { direction: 'out', connector: CONNECTOR, key: 'cn=a,dc=x', referrerId: guid(4) },
          ],
        },
      });
      expect(await h().store.findDanglingReferences('in', CONNECTOR, ['cn=a,dc=x', 'cn=b,dc=x', 'cn=c,dc=x'])).toEqual([
        { direction: 'in', connector: CONNECTOR, key: 'cn=a,dc=x', referrerId: guid(1) },
        { direction: 'in', connector: CONNECTOR, key: 'cn=b,dc=x', referrerId: guid(2) },
      ]);
    });

    it('replaces the dangling references of each listed referrer by those added', async () => {
      const ref = (key: string, referrer: number) =>
        ({ direction: 'in', connector: CONNECTOR, key, referrerId: guid(referrer) }) as const;
      await h().store.apply({
        danglingReferences: { replaceFor: [], add: [ref('k1', 1), ref('k2', 1), ref('k1', 2)] },
      });
      await h().store.apply({
        danglingReferences: { replaceFor: [{ direction: 'in', referrerId: guid(1) }], add: [ref('k3', 1)] },
      });
      expect(await h().store.findDanglingReferences('in', CONNECTOR, ['k1', 'k2', 'k3'])).toEqual([
        ref('k1', 2),
        ref('k3', 1),
      ]);
    });

    it('replaces dangling references per direction, whichever direction holds rows', async () => {
      const ref = (direction: 'in' | 'out', key: string, referrer: number) =>
        ({ direction, connector: CONNECTOR, key, referrerId: guid(referrer) }) as const;
      await h().store.apply({
        danglingReferences: { replaceFor: [], add: [ref('out', 'm1', 4), ref('out', 'm2', 5)] },
      });
      await h().store.apply({
        danglingReferences: {
          replaceFor: [
            { direction: 'in', referrerId: guid(1) },
            { direction: 'out', referrerId: guid(4) },
          ],
          add: [],
        },
      });
      expect(await h().store.findDanglingReferences('out', CONNECTOR, ['m1', 'm2'])).toEqual([ref('out', 'm2', 5)]);
      await h().store.apply({
        danglingReferences: { replaceFor: [{ direction: 'in', referrerId: guid(5) }], add: [ref('in', 'k', 5)] },
      });
      expect(await h().store.findDanglingReferences('out', CONNECTOR, ['m2'])).toEqual([ref('out', 'm2', 5)]);
      expect(await h().store.findDanglingReferences('in', CONNECTOR, ['k'])).toEqual([ref('in', 'k', 5)]);
    });

    it('drops the dangling references made by a deleted referrer', async () => {
      await h().store.apply({
        csUpserts: [csObject(1)],
        mvUpserts: [mvObject(1, {})],
        danglingReferences: {
          replaceFor: [],
          add: [
            { direction: 'in', connector: CONNECTOR, key: 'k', referrerId: guid(1) },
            { direction: 'out', connector: CONNECTOR, key: 'k', referrerId: mvObject(1, {}).id },
          ],
        },
      });
      await h().store.apply({ csDeletes: [guid(1)], mvDeletes: [mvObject(1, {}).id] });
      expect(await h().store.findDanglingReferences('in', CONNECTOR, ['k'])).toEqual([]);
      expect(await h().store.findDanglingReferences('out', CONNECTOR, ['k'])).toEqual([]);
    });
  });
}
