import { describe, expect, it } from 'vitest';

import type { MvQuery } from '../../../src/core/state-store.js';
import { indexKey } from '../../../src/core/values.js';
import {
  CONNECTOR,
  OTHER_CONNECTOR,
  collect,
  csObject,
  entry,
  guid,
  ids,
  mvObject,
  type CurrentHarness,
} from './fixtures.js';

const s = (text: string): string => indexKey(text);

/** The metaverse and the join indexes (`configureIndexes`, `find*ByAttribute`). */
export function describeIndexContract(h: CurrentHarness): void {
  describe('metaverse and attribute indexes', () => {
    it('round-trips MV objects with their attributes and contributions', async () => {
      const mv = mvObject(1, {
        mail: ['a@x'],
        photo: [Uint8Array.from([9, 8])],
        big: [2n ** 70n],
        manager: [{ ref: guid(2) }],
      });
      await h().store.apply({ mvUpserts: [mv] });
      expect(await h().store.getMvObjects([mv.id, guid(12345)])).toEqual([mv]);
    });

    it('deletes MV objects', async () => {
      await h().store.apply({ mvUpserts: [mvObject(1, {}), mvObject(2, {})] });
      await h().store.apply({ mvDeletes: [mvObject(1, {}).id] });
      expect(ids(await h().store.getMvObjects([mvObject(1, {}).id, mvObject(2, {}).id]))).toEqual([mvObject(2, {}).id]);
    });

    it('finds MV ids through the index by indexKey, matching strings case-insensitively', async () => {
      await h().store.configureIndexes({ mvAttributes: ['mail', 'employeeID'], csAttributes: {} });
      await h().store.apply({
        mvUpserts: [
          mvObject(1, { mail: ['Jane@X.com'], employeeID: [42] }),
          mvObject(2, { mail: ['jane@x.com', 'other@x.com'] }),
          mvObject(3, { mail: ['bob@x.com'] }),
        ],
      });
      const found = await h().store.findMvIdsByAttribute('mail', [s('JANE@x.com'), s('nobody@x.com')]);
      expect(found).toEqual(new Map([[s('jane@x.com'), [mvObject(1, {}).id, mvObject(2, {}).id]]]));
      const byNumber = await h().store.findMvIdsByAttribute('employeeID', [indexKey(42)]);
      expect(byNumber.get(indexKey(42))).toEqual([mvObject(1, {}).id]);
    });

    it('refuses to look up attributes that are not indexed', async () => {
      await h().store.configureIndexes({ mvAttributes: ['mail'], csAttributes: { [CONNECTOR]: ['mail'] } });
      await expect(h().store.findMvIdsByAttribute('cn', [s('x')])).rejects.toMatchObject({ name: 'StoreError' });
      await expect(h().store.findCsIdsByAttribute(OTHER_CONNECTOR, 'mail', [s('x')])).rejects.toMatchObject({
        name: 'StoreError',
      });
    });

    it('rebuilds the MV index when configureIndexes changes the indexed set', async () => {
      await h().store.apply({ mvUpserts: [mvObject(1, { mail: ['a@x'], upn: ['a@corp'] })] });
      await h().store.configureIndexes({ mvAttributes: ['mail'], csAttributes: {} });
      expect((await h().store.findMvIdsByAttribute('mail', [s('a@x')])).size).toBe(1);
      await h().store.configureIndexes({ mvAttributes: ['upn'], csAttributes: {} });
      expect(await h().store.findMvIdsByAttribute('upn', [s('A@CORP')])).toEqual(
        new Map([[s('a@corp'), [mvObject(1, {}).id]]]),
      );
      await expect(h().store.findMvIdsByAttribute('mail', [s('a@x')])).rejects.toMatchObject({ name: 'StoreError' });
    });

    it('keeps no stale index keys after values change or objects are deleted', async () => {
      await h().store.configureIndexes({ mvAttributes: ['mail'], csAttributes: { [CONNECTOR]: ['mail'] } });
      const image = (mail: string) => entry('CN=a,DC=x', { mail: [mail] });
      await h().store.apply({
        mvUpserts: [mvObject(1, { mail: ['old@x'] }), mvObject(2, { mail: ['gone@x'] })],
        csUpserts: [
          csObject(1, { synchronizedHologram: image('old@x') }),
          csObject(2, { synchronizedHologram: image('gone@x') }),
        ],
      });
      await h().store.apply({
        mvUpserts: [mvObject(1, { mail: ['new@x'] })],
        csUpserts: [csObject(1, { synchronizedHologram: image('new@x') })],
        mvDeletes: [mvObject(2, {}).id],
        csDeletes: [guid(2)],
      });
      const keys = [s('old@x'), s('gone@x'), s('new@x')];
      expect(await h().store.findMvIdsByAttribute('mail', keys)).toEqual(new Map([[s('new@x'), [mvObject(1, {}).id]]]));
      expect(await h().store.findCsIdsByAttribute(CONNECTOR, 'mail', keys)).toEqual(new Map([[s('new@x'), [guid(1)]]]));
    });

    it('indexes CS objects on their pending-import image when there is one', async () => {
      await h().store.configureIndexes({ mvAttributes: [], csAttributes: { [CONNECTOR]: ['mail'] } });
      const hologram = entry('CN=a,DC=x', { mail: ['synced@x'] });
      await h().store.apply({
        csUpserts: [
          csObject(1, {
            synchronizedHologram: hologram,
            pendingImport: { operation: 'update', entry: entry('CN=a,DC=x', { mail: ['staged@x'] }) },
          }),
          csObject(2, { synchronizedHologram: hologram }),
          csObject(3, { synchronizedHologram: hologram, pendingImport: { operation: 'delete', entry: null } }),
          csObject(4, { connector: OTHER_CONNECTOR, synchronizedHologram: hologram }),
        ],
      });
      const found = await h().store.findCsIdsByAttribute(CONNECTOR, 'mail', [s('synced@x'), s('STAGED@x')]);
      expect(found).toEqual(
        new Map([
          [s('staged@x'), [guid(1)]],
          [s('synced@x'), [guid(2)]],
        ]),
      );
    });

    it('rebuilds the CS index of a connector when its indexed set changes', async () => {
      const staged = { operation: 'update', entry: entry('CN=b', { mail: ['staged@x'] }) } as const;
      await h().store.apply({
        csUpserts: [
          csObject(1, { synchronizedHologram: entry('CN=a', { mail: ['a@x'], cn: ['A'] }) }),
          csObject(2, { synchronizedHologram: entry('CN=b', { mail: ['b@x'] }), pendingImport: staged }),
        ],
      });
      await h().store.configureIndexes({ mvAttributes: [], csAttributes: { [CONNECTOR]: ['mail'] } });
      expect(await h().store.findCsIdsByAttribute(CONNECTOR, 'mail', [s('a@x'), s('b@x'), s('staged@x')])).toEqual(
        new Map([
          [s('a@x'), [guid(1)]],
          [s('staged@x'), [guid(2)]],
        ]),
      );
      await h().store.configureIndexes({ mvAttributes: [], csAttributes: { [CONNECTOR]: ['cn'] } });
      expect((await h().store.findCsIdsByAttribute(CONNECTOR, 'cn', [s('a')])).get(s('a'))).toEqual([guid(1)]);
    });

    it('scans and counts MV objects by object type and by attribute text', async () => {
      await h().store.apply({
        mvUpserts: [
          mvObject(1, { mail: ['Jane@X.com'], employeeID: [42] }),
          mvObject(2, { mail: ['bob@x.com'] }, 'group'),
          mvObject(3, { employeeID: [7] }),
        ],
      });
      const scan = async (query: MvQuery) => ids((await collect(h().store.scanMv(query, 2))).flat());
      expect(await scan({ objectType: 'person' })).toEqual([mvObject(1, {}).id, mvObject(3, {}).id]);
      expect(await scan({ attribute: 'mail', value: 'jane@x.com' })).toEqual([mvObject(1, {}).id]);
      expect(await scan({ attribute: 'employeeID', value: '7' })).toEqual([mvObject(3, {}).id]);
      expect(await scan({ attribute: 'mail' })).toEqual([mvObject(1, {}).id, mvObject(2, {}).id]);
      expect(await h().store.countMv({ objectType: 'person', attribute: 'mail' })).toBe(1);
      expect(await h().store.countMv({})).toBe(3);
    });
  });
}
