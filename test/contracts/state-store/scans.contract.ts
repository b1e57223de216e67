import { beforeEach, describe, expect, it } from 'vitest';

import type { CsObject, ObjectDelta } from '../../../src/core/connector-space.js';
import type { CsQuery } from '../../../src/core/state-store.js';
import { CONNECTOR, OTHER_CONNECTOR, collect, csObject, entry, guid, ids, type CurrentHarness } from './fixtures.js';

const delta = (operation: ObjectDelta['operation']): ObjectDelta => ({
  operation,
  dn: 'CN=x,DC=x',
  objectType: 'user',
  changes: [],
});
const exportError = { type: 'cd-error', message: 'x', firstOccurred: 't', dateOccurred: 't', retryCount: 0 };

/** A population where each object differs from object 1 (plain) in one respect. */
function population(): CsObject[] {
  return [
    csObject(1, { lastImportRun: 5 }),
    csObject(2, { pendingImport: { operation: 'add', entry: entry('CN=2,DC=x', {}) }, lastImportRun: 5 }),
    csObject(3, { unappliedExport: delta('add'), lastImportRun: 5 }),
    csObject(4, { unappliedExport: delta('delete'), lastImportRun: 5 }),
    csObject(5, { escrowedExport: delta('update'), lastImportRun: 5 }),
    csObject(6, { exportError, lastImportRun: 5 }),
    csObject(7, { importError: { type: 'x', message: 'x', dateOccurred: 't' }, lastImportRun: 5 }),
    csObject(8, { mvId: guid(900), lastImportRun: 5 }),
    csObject(9, { objectType: 'group', lastImportRun: 5 }),
    csObject(10, { lastImportRun: 4 }),
    csObject(11, { lastImportRun: null, dn: 'CN=Jane Doe,OU=Staff,DC=x' }),
    csObject(12, { lastImportRun: 5, anchor: 'special-anchor', synchronizedHologram: entry('CN=12,DC=x', {}) }),
    csObject(13, { connector: OTHER_CONNECTOR, pendingImport: { operation: 'delete', entry: null }, mvId: guid(901) }),
    csObject(14, {
      mvId: guid(902),
      objectType: 'group',
      unappliedExport: delta('update'),
      pendingImport: { operation: 'update', entry: null },
      lastImportRun: 5,
    }),
  ];
}

const CASES: readonly { readonly name: string; readonly query: CsQuery; readonly expected: readonly number[] }[] = [
  {
    name: 'hasPendingImport: true keeps objects with a pending import',
    query: { hasPendingImport: true },
    expected: [2, 14],
  },
  {
    name: 'hasPendingImport: false keeps objects without one',
    query: { hasPendingImport: false },
    expected: [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  },
  {
    name: 'hasImage: true keeps objects with a pending import or a synchronized hologram',
    query: { hasImage: true },
    expected: [2, 12, 14],
  },
  {
    name: 'hasImage: false keeps objects awaiting their first import',
    query: { hasImage: false },
    expected: [1, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  },
  {
    name: 'hasPendingExport: true keeps objects with an unapplied export',
    query: { hasPendingExport: true },
    expected: [3, 4, 14],
  },
  {
    name: 'pendingExportOperations keeps unapplied exports of those operations',
    query: { pendingExportOperations: ['add', 'update'] },
    expected: [3, 14],
  },
  {
    name: 'hasEscrowedExport: true keeps objects with an escrowed export',
    query: { hasEscrowedExport: true },
    expected: [5],
  },
  { name: 'hasExportError: true keeps objects with an export error', query: { hasExportError: true }, expected: [6] },
  { name: 'hasImportError: true keeps objects with an import error', query: { hasImportError: true }, expected: [7] },
  { name: 'isConnector: true keeps objects linked to the metaverse', query: { isConnector: true }, expected: [8, 14] },
  {
    name: 'isConnector: false keeps disconnectors',
    query: { isConnector: false },
    expected: [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12],
  },
  { name: 'objectType keeps objects of that type', query: { objectType: 'group' }, expected: [9, 14] },
  {
    name: 'notImportedInRun keeps objects last imported by another run or never',
    query: { notImportedInRun: 5 },
    expected: [10, 11],
  },
  { name: 'dn compares normalized DNs', query: { dn: 'cn=jane doe, ou=staff,dc=x' }, expected: [11] },
  { name: 'anchor keeps the object with that anchor', query: { anchor: 'special-anchor' }, expected: [12] },
  {
    name: 'combined criteria must all hold',
    query: {
      isConnector: true,
      objectType: 'group',
      hasPendingExport: true,
      hasPendingImport: true,
      notImportedInRun: 4,
    },
    expected: [14],
  },
  {
    name: 'contradictory criteria select nothing',
    query: { hasPendingExport: false, pendingExportOperations: ['add'] },
    expected: [],
  },
];

/** `scanCs` and `countCs`: every `CsQuery` criterion, keyset paging, changes during a scan. */
export function describeScanContract(h: CurrentHarness): void {
  describe('connector-space scans', () => {
    beforeEach(async () => {
      await h().store.apply({ csUpserts: population() });
    });

    it.each(CASES)('scans and counts the same objects when $name', async ({ query, expected }) => {
      const scanned = (await collect(h().store.scanCs(CONNECTOR, query, 4))).flat();
      expect(ids(scanned)).toEqual(expected.map(guid));
      expect(await h().store.countCs(CONNECTOR, query)).toBe(expected.length);
    });

    it('scopes every scan to the asked connector', async () => {
      const scanned = (await collect(h().store.scanCs(OTHER_CONNECTOR, {}, 100))).flat();
      expect(ids(scanned)).toEqual([guid(13)]);
    });

    it('pages in id order with full pages except the last', async () => {
      const pages = await collect(h().store.scanCs(CONNECTOR, {}, 5));
      expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
      expect(ids(pages.flat())).toEqual([...ids(pages.flat())].sort());
    });

    it('returns every object exactly once when objects are updated, deleted and added mid-scan', async () => {
      const seen: string[] = [];
      let pageNumber = 0;
      for await (const page of h().store.scanCs(CONNECTOR, {}, 3)) {
        seen.push(...ids(page));
        if (pageNumber++ === 0) {
          await h().store.apply({
            csUpserts: [csObject(1, { dn: 'CN=Renamed,DC=x' }), csObject(9, { objectType: 'contact' }), csObject(50)],
            csDeletes: [guid(10), guid(2)],
          });
        }
      }
      const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 50].map(guid);
      expect(seen).toEqual(expected);
    });

    it('stops a scan early without harm when the consumer breaks out', async () => {
      for await (const page of h().store.scanCs(CONNECTOR, {}, 2)) {
        expect(page).toHaveLength(2);
        break;
      }
      expect(await h().store.countCs(CONNECTOR, {})).toBe(13);
    });

    it('rejects a batch size below one', async () => {
      await expect(collect(h().store.scanCs(CONNECTOR, {}, 0))).rejects.toMatchObject({ name: 'StoreError' });
    });
  });
}
