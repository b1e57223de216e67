import { describe, expect, it } from 'vitest';

import type { CsQuery, StateStore, StoreChangeSet } from '../../core/state-store.js';
import { indexKey } from '../../core/values.js';
import {
  CONNECTOR,
  OTHER_CONNECTOR,
  csObject,
  entry,
  guid,
  mvObject,
} from '../../../test/contracts/state-store/fixtures.js';
import { createMemoryStateStore } from '../memory/memory-state-store.js';
import { WriteBehindView } from './write-behind.js';

/** A writer held until `release`: the change set stays in flight while the test reads. */
function gatedWriter(inner: StateStore): {
  write: (changes: StoreChangeSet) => Promise<void>;
  release: () => void;
  writes: () => number;
} {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let count = 0;
  return {
    write: async (changes) => {
      count++;
      await gate;
      await inner.apply(changes);
    },
    release: () => open(),
    writes: () => count,
  };
}

const image = (n: number, attributes: Record<string, string[]>) => entry(`CN=User ${n},OU=Staff,DC=x`, attributes);

/** Stored before the change set: two connectors, linked and unlinked objects, MV objects, references. */
async function seeded(): Promise<StateStore> {
  const store = createMemoryStateStore();
  await store.configureIndexes({ mvAttributes: ['mail'], csAttributes: { [CONNECTOR]: ['sAMAccountName'] } });
  await store.apply({
    csUpserts: [
      csObject(10, { mvId: guid(9010), synchronizedHologram: image(10, { sAMAccountName: ['u10'] }) }),
      csObject(20, {
        mvId: guid(9020),
        pendingImport: { operation: 'add', entry: image(20, { sAMAccountName: ['u20'] }) },
      }),
      csObject(30, { synchronizedHologram: image(30, { sAMAccountName: ['u30'] }), lastImportRun: 1 }),
      csObject(40, { lastImportRun: 1 }),
      // Same DN as 50: 45 wins lookups by DN until the change set renames it.
      csObject(45, { dn: 'CN=Twin,DC=x', anchor: 'twin-a' }),
      csObject(50, { dn: 'CN=Twin,DC=x', anchor: 'twin-b', mvId: guid(9050) }),
      csObject(60, { connector: OTHER_CONNECTOR, mvId: guid(9010), anchor: 'cloud-10' }),
    ],
    mvUpserts: [mvObject(10, { mail: ['a@x'] }), mvObject(20, { mail: ['b@x'] }), mvObject(50, { mail: ['c@x'] })],
    danglingReferences: {
      replaceFor: [],
      add: [
        { direction: 'in', connector: CONNECTOR, key: 'cn=missing,dc=x', referrerId: guid(10) },
        { direction: 'in', connector: CONNECTOR, key: 'cn=missing,dc=x', referrerId: guid(30) },
        { direction: 'out', connector: OTHER_CONNECTOR, key: guid(9020), referrerId: guid(9010) },
      ],
    },
    watermark: { connector: CONNECTOR, value: 'w1' },
  });
  return store;
}

/** Every kind of change a store writes, touching objects on both sides of the stored ids. */
const CHANGES: StoreChangeSet = {
  csUpserts: [
    // Relinked, renamed, image changed (index entry moves from u10 to u11).
    csObject(10, {
      dn: 'CN=Renamed,DC=x',
      mvId: guid(9020),
      synchronizedHologram: entry('CN=Renamed,DC=x', { sAMAccountName: ['u11'] }),
    }),
    // New objects between and after the stored ones.
    csObject(15, {
      mvId: guid(9050),
      anchor: 'anchor-15',
      pendingImport: { operation: 'add', entry: image(15, { sAMAccountName: ['u20'] }) },
    }),
    csObject(70, { mvId: guid(9070), dn: 'CN=User 70,OU=Staff,DC=x' }),
    csObject(5, { connector: OTHER_CONNECTOR, mvId: guid(9050), anchor: 'cloud-50' }),
    // The DN's stored winner moves away: the runner-up (50) is known only to the store.
    csObject(45, { dn: 'CN=Twin Moved,DC=x', anchor: 'twin-a' }),
  ],
  csChangedFields: new Map([[guid(10), new Set(['dn', 'mvId', 'synchronizedHologram'] as const)]]),
  csImportMarks: { runId: 2, ids: [guid(30), guid(15)] },
  csDeletes: [guid(20), guid(40)],
  mvUpserts: [mvObject(20, { mail: ['a@x', 'd@x'] }), mvObject(70, { mail: ['c@x'] })],
  mvDeletes: [guid(9010)],
  danglingReferences: {
    replaceFor: [{ direction: 'in', referrerId: guid(30) }],
    add: [
      { direction: 'in', connector: CONNECTOR, key: 'cn=missing,dc=x', referrerId: guid(15) },
      { direction: 'in', connector: CONNECTOR, key: 'cn=other,dc=x', referrerId: guid(30) },
    ],
  },
  watermark: { connector: CONNECTOR, value: 'w2' },
};

const ALL_CS = [5, 10, 15, 20, 30, 40, 45, 50, 60, 70, 99].map(guid);
const ALL_MV = [9010, 9020, 9050, 9070, 9099].map(guid);
const SCANS: CsQuery[] = [
  {},
  { hasPendingImport: true },
  { isConnector: true },
  { isConnector: false },
  { notImportedInRun: 2 },
  { dn: 'cn=renamed, dc=x' },
];

/** Every read of the store, with scans flattened (pages may differ, their objects may not). */
async function readAll(store: StateStore): Promise<unknown> {
  const scan = async (pages: AsyncIterable<{ id: string }[]>): Promise<unknown[]> => {
    const out: unknown[] = [];
    for await (const page of pages) out.push(...page);
    return out;
  };
  const scans: unknown[] = [];
  for (const connector of [CONNECTOR, OTHER_CONNECTOR]) {
    for (const query of SCANS) scans.push(await scan(store.scanCs(connector, query, 2)));
  }
  return {
    cs: await store.getCsObjects(ALL_CS),
    mv: await store.getMvObjects(ALL_MV),
    byAnchor: await store.findCsByAnchors(CONNECTOR, ['anchor-10', 'anchor-15', 'anchor-20', 'twin-a', 'twin-b']),
    cloudByAnchor: await store.findCsByAnchors(OTHER_CONNECTOR, ['cloud-10', 'cloud-50']),
    byDn: await store.findCsByDns(CONNECTOR, [
      'CN=Renamed,DC=x',
      'cn=user 10,ou=staff,dc=x',
      'CN=User 70,OU=Staff,DC=x',
    ]),
    linksByDn: await store.findCsLinksByDns(CONNECTOR, ['CN=User 30,OU=Staff,DC=x', 'CN=Renamed,DC=x', 'CN=Twin,DC=x']),
    linksByMv: await store.findCsLinksByMvIds(OTHER_CONNECTOR, ALL_MV),
    ownLinksByMv: await store.findCsLinksByMvIds(CONNECTOR, ALL_MV),
    byMv: await store.findCsByMvIds(ALL_MV),
    byMvExcept: await store.findCsByMvIds(ALL_MV, [guid(15), guid(50)]),
    csIndex: await store.findCsIdsByAttribute(CONNECTOR, 'sAMAccountName', ['u10', 'u11', 'u20', 'u30'].map(indexKey)),
    mvIndex: await store.findMvIdsByAttribute('mail', ['a@x', 'b@x', 'c@x', 'd@x'].map(indexKey)),
    danglingIn: await store.findDanglingReferences('in', CONNECTOR, ['cn=missing,dc=x', 'cn=other,dc=x']),
    danglingOut: await store.findDanglingReferences('out', OTHER_CONNECTOR, [guid(9020)]),
    watermark: [await store.getWatermark(CONNECTOR), await store.getWatermark(OTHER_CONNECTOR)],
    scans,
    mvScan: await scan(store.scanMv({ attribute: 'mail', value: 'C@X' }, 1)),
  };
}

describe('WriteBehindView', () => {
  it('answers every read while a change set is in flight as the store answers once it is committed', async () => {
    const inner = await seeded();
    const writer = gatedWriter(inner);
    const view = new WriteBehindView(inner, writer.write);
    await view.apply(CHANGES);
    expect(writer.writes()).toBe(1);
    // The twin DN lookup needs the commit (the stored winner was renamed away): released on the way.
    const whileInFlight = readAll(view);
    setTimeout(writer.release, 10);
    const seen = (await whileInFlight) as Record<string, unknown>;
    await view.flush();
    expect(seen).toEqual(await readAll(inner));
    // The change set moved index entries, DNs and links: the answers compared are not empty.
    expect(seen.csIndex).toEqual(
      new Map([
        [indexKey('u11'), [guid(10)]],
        [indexKey('u20'), [guid(15)]],
        [indexKey('u30'), [guid(30)]],
      ]),
    );
    expect(seen.mvIndex).toEqual(
      new Map([
        [indexKey('a@x'), [guid(9020)]],
        [indexKey('c@x'), [guid(9050), guid(9070)]],
        [indexKey('d@x'), [guid(9020)]],
      ]),
    );
    expect((seen.linksByDn as Map<string, { id: string }>).get('cn=twin,dc=x')?.id).toBe(guid(50));
  });

  it('merges every read without waiting when the store’s answers stand', async () => {
    const inner = await seeded();
    const writer = gatedWriter(inner);
    const view = new WriteBehindView(inner, writer.write);
    await view.apply(CHANGES);
    const seen = {
      cs: await view.getCsObjects(ALL_CS),
      byMv: await view.findCsByMvIds(ALL_MV),
      byAnchor: await view.findCsByAnchors(CONNECTOR, ['anchor-15', 'twin-a']),
      scan: await view.scanCs(CONNECTOR, { notImportedInRun: 2 }, 2),
    };
    const pages: unknown[] = [];
    for await (const page of seen.scan) pages.push(...page);
    writer.release();
    await view.flush();
    expect({ ...seen, scan: pages }).toEqual({
      cs: await inner.getCsObjects(ALL_CS),
      byMv: await inner.findCsByMvIds(ALL_MV),
      byAnchor: await inner.findCsByAnchors(CONNECTOR, ['anchor-15', 'twin-a']),
      scan: ((await readAll(inner)) as { scans: unknown[] }).scans[4],
    });
  });

  it('hands one change set at a time to the writer, in order', async () => {
    const inner = await seeded();
    const writer = gatedWriter(inner);
    const view = new WriteBehindView(inner, writer.write);
    await view.apply({ csUpserts: [csObject(80)] });
    const second = view.apply({ csDeletes: [guid(80)] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(writer.writes()).toBe(1);
    writer.release();
    await second;
    await view.flush();
    expect(writer.writes()).toBe(2);
    expect(await inner.getCsObjects([guid(80)])).toEqual([]);
  });

  it('fails every later call with a failed commit and writes nothing after it', async () => {
    const inner = await seeded();
    const failure = new Error('disk full');
    let writes = 0;
    const view = new WriteBehindView(inner, async () => {
      writes++;
      throw failure;
    });
    await view.apply({ csUpserts: [csObject(80)] });
    await expect(view.getCsObjects([guid(80)])).rejects.toBe(failure);
    await expect(view.apply({ csUpserts: [csObject(81)] })).rejects.toBe(failure);
    await expect(view.flush()).rejects.toBe(failure);
    await expect(view.countCs(CONNECTOR, {})).rejects.toBe(failure);
    expect(writes).toBe(1);
    expect(await inner.getCsObjects([guid(80), guid(81)])).toEqual([]);
  });

  it('rejects an invalid change set at once, with nothing in flight', async () => {
    const inner = await seeded();
    const writer = gatedWriter(inner);
    const view = new WriteBehindView(inner, writer.write);
    await expect(view.apply({ csUpserts: [csObject(1, { id: '' })] })).rejects.toThrow(/id/);
    expect(writer.writes()).toBe(0);
  });

  it('waits for the writer before counting, and leaves the store open on close', async () => {
    const inner = await seeded();
    const writer = gatedWriter(inner);
    const view = new WriteBehindView(inner, writer.write);
    await view.apply({ csUpserts: [csObject(80), csObject(81)] });
    const counted = view.countCs(CONNECTOR, {});
    setTimeout(writer.release, 10);
    expect(await counted).toBe(await inner.countCs(CONNECTOR, {}));
    expect(await counted).toBe(8);
    await view.close();
    expect(await inner.getWatermark(CONNECTOR)).toBe('w1');
  });
});
