import { currentImage, type CsObject } from '../../core/connector-space.js';
import { normalizeDn } from '../../core/dn.js';
import type { MvObject } from '../../core/metaverse.js';
import type { RunIssue, RunRecord } from '../../core/run-history.js';
import type { Attributes } from '../../core/values.js';
import type {
  CsLink,
  CsQuery,
  DanglingReference,
  LockHolder,
  MvQuery,
  RunFinish,
  RunListOptions,
  RunStart,
  StateStore,
  StoreChangeSet,
  StoreIndexes,
  StoreLock,
  WriteBehindStore,
} from '../../core/state-store.js';
import { indexEntriesOf } from './index-keys.js';
import { csQueryPredicate, mvQueryPredicate } from './query-match.js';
import { validateChangeSet } from './validate-change-set.js';

/** Code-unit order, SQLite's BINARY collation for ids. */
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What one change set does to the objects it names, as reads after its commit see them. */
class Overlay {
  /** Upserted objects, and null for deleted ones. */
  readonly cs = new Map<string, CsObject | null>();
  readonly mv = new Map<string, MvObject | null>();
  /** Objects the change set marks as seen by an import without rewriting them. */
  readonly marks: { readonly runId: number; readonly ids: ReadonlySet<string> } | null;
  /** `direction \0 referrerId` whose dangling references are replaced or dropped. */
  readonly replacedReferrers = new Set<string>();
  readonly addedReferences: readonly DanglingReference[];
  readonly watermark: StoreChangeSet['watermark'];
  /** Lazily built first-by-key maps of the upserted CS objects (lowest id per key). */
  readonly #keyed = new Map<string, Map<string, CsObject>>();

  /** Follows the order in which stores write a change set: upserts, import marks, deletes, references. */
  constructor(changes: StoreChangeSet) {
    for (const mv of changes.mvUpserts ?? []) this.mv.set(mv.id, mv);
    for (const cs of changes.csUpserts ?? []) this.cs.set(cs.id, cs);
    const marks = changes.csImportMarks;
    const marked = new Set<string>();
    for (const id of marks?.ids ?? []) {
      const cs = this.cs.get(id);
      if (cs) this.cs.set(id, { ...cs, lastImportRun: marks?.runId ?? null });
      else marked.add(id);
    }
    this.marks = marks && marked.size > 0 ? { runId: marks.runId, ids: marked } : null;
    for (const id of changes.csDeletes ?? []) {
      this.cs.set(id, null);
      this.replacedReferrers.add(`in\u0000${id}`);
    }
    for (const id of changes.mvDeletes ?? []) {
      this.mv.set(id, null);
      this.replacedReferrers.add(`out\u0000${id}`);
    }
    for (const r of changes.danglingReferences?.replaceFor ?? []) {
      this.replacedReferrers.add(`${r.direction}\u0000${r.referrerId}`);
    }
    this.addedReferences = changes.danglingReferences?.add ?? [];
    this.watermark = changes.watermark;
  }

  /** A CS object read from the store, with this change set's import mark. */
  patch(cs: CsObject): CsObject {
    return this.marks?.ids.has(cs.id) ? { ...cs, lastImportRun: this.marks.runId } : cs;
  }

  /** The upserted CS objects by `keyOf` (undefined: not keyed), lowest id per key; built once per name. */
  keyed(name: string, keyOf: (cs: CsObject) => string | undefined): Map<string, CsObject> {
    let map = this.#keyed.get(name);
    if (!map) {
      map = new Map();
      for (const cs of this.cs.values()) {
        const key = cs ? keyOf(cs) : undefined;
        if (key === undefined) continue;
        const previous = map.get(key);
        if (!previous || byId(cs as CsObject, previous) < 0) map.set(key, cs as CsObject);
      }
      this.#keyed.set(name, map);
    }
    return map;
  }
}

/**
 * `WriteBehindStore` over any store: change sets go to `write` (another thread or connection of
 * the same store), reads go to the store and are merged with the change set in flight. Where the
 * store's answer cannot be merged exactly (a first-by-key lookup whose object the change set moves
 * away from that key), the view waits for the writer and asks again.
 */
export class WriteBehindView implements WriteBehindStore {
  #overlay: Overlay | null = null;
  #inflight: Promise<void> | null = null;
  #failure: { readonly error: unknown } | null = null;

  constructor(
    private readonly inner: StateStore,
    private readonly write: (changes: StoreChangeSet) => Promise<void>,
  ) {}

  async apply(changes: StoreChangeSet): Promise<void> {
    await this.flush();
    validateChangeSet(changes);
    const overlay = new Overlay(changes);
    // A writer that throws at once has taken nothing: no change set is in flight.
    const written = this.write(changes);
    this.#overlay = overlay;
    this.#inflight = written.then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
  }

  async flush(): Promise<void> {
    const inflight = this.#inflight;
    if (inflight) await inflight;
    if (this.#inflight === inflight) {
      this.#inflight = null;
      this.#overlay = null;
    }
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** The change set in flight to merge with, or null; throws a writer's failure. */
  #current(): Overlay | null {
    this.#throwIfFailed();
    return this.#overlay;
  }

  async getCsObjects(ids: readonly string[]): Promise<CsObject[]> {
    const o = this.#current();
    if (!o) return this.inner.getCsObjects(ids);
    return byIdsMerged(ids, o.cs, await this.inner.getCsObjects(ids.filter((id) => !o.cs.has(id))), (cs) =>
      o.patch(cs),
    );
  }

  async getMvObjects(ids: readonly string[]): Promise<MvObject[]> {
    const o = this.#current();
    if (!o) return this.inner.getMvObjects(ids);
    return byIdsMerged(ids, o.mv, await this.inner.getMvObjects(ids.filter((id) => !o.mv.has(id))), (mv) => mv);
  }

  async findCsByAnchors(connector: string, anchors: readonly string[]): Promise<Map<string, CsObject>> {
    return this.#firstByKey(
      `anchor\u0000${connector}`,
      anchors,
      (keys) => this.inner.findCsByAnchors(connector, keys),
      (cs) => (cs.connector === connector && cs.anchor !== null ? cs.anchor : undefined),
      (cs) => cs,
      (o, cs) => o.patch(cs),
    );
  }

  async findCsByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsObject>> {
    return this.#firstByKey(
      `dn\u0000${connector}`,
      dns.map((dn) => normalizeDn(dn)),
      (keys) => this.inner.findCsByDns(connector, keys),
      (cs) => (cs.connector === connector ? normalizeDn(cs.dn) : undefined),
      (cs) => cs,
      (o, cs) => o.patch(cs),
    );
  }

  async findCsLinksByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsLink>> {
    return this.#firstByKey(
      `dn\u0000${connector}`,
      dns.map((dn) => normalizeDn(dn)),
      (keys) => this.inner.findCsLinksByDns(connector, keys),
      (cs) => (cs.connector === connector ? normalizeDn(cs.dn) : undefined),
      linkOf,
    );
  }

  async findCsLinksByMvIds(connector: string, mvIds: readonly string[]): Promise<Map<string, CsLink>> {
    return this.#firstByKey(
      `mv\u0000${connector}`,
      mvIds,
      (keys) => this.inner.findCsLinksByMvIds(connector, keys),
      (cs) => (cs.connector === connector && cs.mvId !== null ? cs.mvId : undefined),
      linkOf,
    );
  }

  /**
   * A lookup that answers, per key, the matching CS object of lowest id. The store's winner stands
   * unless the change set holds it; the change set's own matches compete with it by id. If the
   * change set moves the store's winner off its key, the runner-up is unknown: wait and ask again.
   */
  async #firstByKey<V extends { readonly id: string }>(
    name: string,
    keys: readonly string[],
    query: (keys: readonly string[]) => Promise<Map<string, V>>,
    keyOf: (cs: CsObject) => string | undefined,
    valueOf: (cs: CsObject) => V,
    patch: (o: Overlay, stored: V) => V = (_o, stored) => stored,
  ): Promise<Map<string, V>> {
    const o = this.#current();
    const found = await query(keys);
    if (!o || o.cs.size === 0) return found;
    const mine = o.keyed(name, keyOf);
    const out = new Map<string, V>();
    for (const key of new Set(keys)) {
      const stored = found.get(key);
      if (stored && o.cs.has(stored.id)) {
        const now = o.cs.get(stored.id);
        if (!now || keyOf(now) !== key) {
          await this.flush();
          return query(keys);
        }
      }
      const candidate = mine.get(key);
      const storedStands = stored !== undefined && !o.cs.has(stored.id);
      if (candidate && (!storedStands || candidate.id < stored.id)) out.set(key, valueOf(candidate));
      else if (storedStands) out.set(key, patch(o, stored));
    }
    return out;
  }

  async findCsByMvIds(mvIds: readonly string[], exceptIds: readonly string[] = []): Promise<CsObject[]> {
    const o = this.#current();
    const found = await this.inner.findCsByMvIds(mvIds, exceptIds);
    if (!o || o.cs.size === 0) return found;
    const wanted = new Set(mvIds);
    const except = new Set(exceptIds);
    const out = found.filter((cs) => !o.cs.has(cs.id)).map((cs) => o.patch(cs));
    for (const cs of o.cs.values()) {
      if (cs && cs.mvId !== null && wanted.has(cs.mvId) && !except.has(cs.id)) out.push(cs);
    }
    return out.sort(byId);
  }

  async findCsIdsByAttribute(
    connector: string,
    attribute: string,
    keys: readonly string[],
  ): Promise<Map<string, string[]>> {
    const o = this.#current();
    const found = await this.inner.findCsIdsByAttribute(connector, attribute, keys);
    if (!o || o.cs.size === 0) return found;
    const mine = [...o.cs].map(([id, cs]) => ({
      id,
      attributes: cs?.connector === connector ? currentImage(cs)?.attributes : undefined,
    }));
    return mergeIndex(found, keys, attribute, mine);
  }

  async findMvIdsByAttribute(attribute: string, keys: readonly string[]): Promise<Map<string, string[]>> {
    const o = this.#current();
    const found = await this.inner.findMvIdsByAttribute(attribute, keys);
    if (!o || o.mv.size === 0) return found;
    return mergeIndex(
      found,
      keys,
      attribute,
      [...o.mv].map(([id, mv]) => ({ id, attributes: mv?.attributes })),
    );
  }

  async findDanglingReferences(
    direction: 'in' | 'out',
    connector: string,
    keys: readonly string[],
  ): Promise<DanglingReference[]> {
    const o = this.#current();
    const found = await this.inner.findDanglingReferences(direction, connector, keys);
    if (!o) return found;
    const wanted = new Set(keys);
    const out = new Map<string, DanglingReference>();
    const slot = (r: DanglingReference): string => `${r.key}\u0000${r.referrerId}`;
    for (const r of found) if (!o.replacedReferrers.has(`${r.direction}\u0000${r.referrerId}`)) out.set(slot(r), r);
    for (const r of o.addedReferences) {
      if (r.direction === direction && r.connector === connector && wanted.has(r.key)) out.set(slot(r), { ...r });
    }
    return [...out.values()].sort(
      (a, b) => byId({ id: a.key }, { id: b.key }) || byId({ id: a.referrerId }, { id: b.referrerId }),
    );
  }

  async *scanCs(connector: string, query: CsQuery, batchSize: number): AsyncIterable<CsObject[]> {
    const matches = csQueryPredicate(connector, query);
    yield* this.#scan(
      this.inner.scanCs(connector, query, batchSize),
      batchSize,
      (o) => o.cs,
      (o, cs) => {
        const patched = o.patch(cs);
        return patched === cs || matches(patched) ? patched : null;
      },
      matches,
    );
  }

  async *scanMv(query: MvQuery, batchSize: number): AsyncIterable<MvObject[]> {
    yield* this.#scan(
      this.inner.scanMv(query, batchSize),
      batchSize,
      (o) => o.mv,
      (_o, mv) => mv,
      mvQueryPredicate(query),
    );
  }

  /**
   * The store's keyset pages, each merged with the change set in flight when it is read: the
   * change set's objects replace the store's, and those it adds in the page's id range join it.
   * Pages may then hold fewer or more objects than `batchSize`; the change set's objects past the
   * store's last page come last.
   */
  async *#scan<T extends { readonly id: string }>(
    pages: AsyncIterable<T[]>,
    batchSize: number,
    changed: (o: Overlay) => ReadonlyMap<string, T | null>,
    fromStore: (o: Overlay, value: T) => T | null,
    matches: (value: T) => boolean,
  ): AsyncGenerator<T[]> {
    let after: string | null = null;
    const mine = (o: Overlay, upTo: string | null): T[] => {
      const out: T[] = [];
      for (const value of changed(o).values()) {
        if (!value || (after !== null && value.id <= after) || (upTo !== null && value.id > upTo)) continue;
        if (matches(value)) out.push(value);
      }
      return out;
    };
    for await (const page of pages) {
      const o = this.#current();
      const last: string | null = page[page.length - 1]?.id ?? after;
      if (!o) {
        after = last;
        yield page;
        continue;
      }
      const out: T[] = [];
      for (const value of page) {
        if (changed(o).has(value.id)) continue;
        const kept = fromStore(o, value);
        if (kept) out.push(kept);
      }
      out.push(...mine(o, last));
      after = last;
      if (out.length > 0) yield out.sort(byId);
    }
    const o = this.#current();
    if (!o) return;
    const tail = mine(o, null).sort(byId);
    for (let i = 0; i < tail.length; i += batchSize) yield tail.slice(i, i + batchSize);
  }

  async getWatermark(connector: string): Promise<string | null> {
    const watermark = this.#current()?.watermark;
    if (watermark?.connector === connector) return watermark.value;
    return this.inner.getWatermark(connector);
  }

  // Everything else waits for the writer, then asks the store.

  async configureIndexes(indexes: StoreIndexes): Promise<void> {
    await this.flush();
    return this.inner.configureIndexes(indexes);
  }

  /** Waits for the writer; the store itself stays open. */
  async close(): Promise<void> {
    await this.flush();
  }

  async acquireLock(holder: Omit<LockHolder, 'since'>, waitMs: number): Promise<StoreLock> {
    await this.flush();
    return this.inner.acquireLock(holder, waitMs);
  }

  async readLock(): Promise<LockHolder | null> {
    await this.flush();
    return this.inner.readLock();
  }

  async countCs(connector: string, query: CsQuery): Promise<number> {
    await this.flush();
    return this.inner.countCs(connector, query);
  }

  async countPendingExports(connector: string): Promise<Record<string, number>> {
    await this.flush();
    return this.inner.countPendingExports(connector);
  }

  async countMv(query: MvQuery): Promise<number> {
    await this.flush();
    return this.inner.countMv(query);
  }

  async startRun(run: RunStart): Promise<number> {
    await this.flush();
    return this.inner.startRun(run);
  }

  async finishRun(id: number, result: RunFinish): Promise<void> {
    await this.flush();
    return this.inner.finishRun(id, result);
  }

  async listRuns(options: RunListOptions): Promise<RunRecord[]> {
    await this.flush();
    return this.inner.listRuns(options);
  }

  async getRun(id: number): Promise<RunRecord | null> {
    await this.flush();
    return this.inner.getRun(id);
  }

  async listRunIssues(runId: number, limit: number): Promise<RunIssue[]> {
    await this.flush();
    return this.inner.listRunIssues(runId, limit);
  }

  async getSetting(key: string): Promise<string | null> {
    await this.flush();
    return this.inner.getSetting(key);
  }

  async setSetting(key: string, value: string | null): Promise<void> {
    await this.flush();
    return this.inner.setSetting(key, value);
  }
}

function linkOf(cs: CsObject): CsLink {
  return { id: cs.id, dn: cs.dn, mvId: cs.mvId };
}

/** `ids` in the order asked (once each): the change set's objects, else the store's. */
function byIdsMerged<T extends { readonly id: string }>(
  ids: readonly string[],
  changed: ReadonlyMap<string, T | null>,
  stored: readonly T[],
  patch: (value: T) => T,
): T[] {
  const fromStore = new Map(stored.map((value) => [value.id, value]));
  const out: T[] = [];
  for (const id of new Set(ids)) {
    const value = changed.has(id) ? changed.get(id) : fromStore.get(id);
    if (value) out.push(changed.has(id) ? value : patch(value));
  }
  return out;
}

/** An attribute index's answer (key → ids, sorted) with the change set's owners re-indexed. */
function mergeIndex(
  found: ReadonlyMap<string, string[]>,
  keys: readonly string[],
  attribute: string,
  owners: readonly { readonly id: string; readonly attributes: Attributes | null | undefined }[],
): Map<string, string[]> {
  const changed = new Set(owners.map((o) => o.id));
  const wanted = new Set(keys);
  const out = new Map<string, string[]>();
  for (const [key, ids] of found)
    out.set(
      key,
      ids.filter((id) => !changed.has(id)),
    );
  for (const owner of owners) {
    for (const entry of indexEntriesOf(owner.attributes, [attribute])) {
      if (!wanted.has(entry.key)) continue;
      const ids = out.get(entry.key) ?? [];
      ids.push(owner.id);
      out.set(entry.key, ids);
    }
  }
  for (const [key, ids] of out) {
    if (ids.length === 0) out.delete(key);
    else ids.sort();
  }
  return out;
}
