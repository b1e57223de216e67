import { normalizeDn } from '../../core/dn.js';
import { randomUUID } from 'node:crypto';

import type { CsObject } from '../../core/connector-space.js';
import { StoreError } from '../../core/errors.js';
import type { MvObject } from '../../core/metaverse.js';
import { emptyCounters, type RunIssue, type RunRecord } from '../../core/run-history.js';
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
} from '../../core/state-store.js';
import { canonicalIndexes, isStaleHolder, matchesMvAttribute, waitForLock } from '../shared/index.js';
import { csQueryPredicate } from './cs-query-match.js';
import { compareIds } from './memory-index.js';
import { copyOut, MemoryState, type Stored } from './memory-state.js';
import { commitChangeSet, prepareChangeSet } from './memory-apply.js';

/** Creates an empty in-memory state store (engine unit tests). */
export function createMemoryStateStore(): MemoryStateStore {
  return new MemoryStateStore(new MemoryState());
}

/**
 * `StateStore` in plain Maps with the semantics of the SQLite store: atomic change sets, keyset
 * scans, index lookups only on configured attributes, the same lock rules. Values are copied on
 * write and on read, so callers can never change stored state by mutating what they passed or got.
 */
export class MemoryStateStore implements StateStore {
  readonly #state: MemoryState;
  readonly #heldLocks = new Set<string>();
  #isClosed = false;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  /** A new handle on the same state, as reopening a database file would give (usable after `close`). */
  reopen(): MemoryStateStore {
    return new MemoryStateStore(this.#state);
  }

  #open(): MemoryState {
    if (this.#isClosed) throw new StoreError('memory state store is closed');
    return this.#state;
  }

  async configureIndexes(indexes: StoreIndexes): Promise<void> {
    const state = this.#open();
    state.indexes = canonicalIndexes(indexes);
    state.reindexAll();
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    if (this.#state.lock && this.#heldLocks.has(this.#state.lock.token)) this.#state.lock = null;
    this.#heldLocks.clear();
    this.#isClosed = true;
  }

  async acquireLock(holder: Omit<LockHolder, 'since'>, waitMs: number): Promise<StoreLock> {
    const token = randomUUID();
    await waitForLock(
      () => {
        const state = this.#open();
        if (state.lock && !isStaleHolder(state.lock.holder)) return { holder: state.lock.holder };
        state.lock = { holder: { ...holder, since: new Date().toISOString() }, token };
        return { taken: true };
      },
      waitMs,
      '(memory)',
    );
    this.#heldLocks.add(token);
    return {
      release: async () => {
        this.#heldLocks.delete(token);
        if (this.#state.lock?.token === token) this.#state.lock = null;
      },
    };
  }

  async readLock(): Promise<LockHolder | null> {
    const lock = this.#open().lock;
    return lock ? { ...lock.holder } : null;
  }

  /** Prepares every write first (serializing, validating), then commits with operations that cannot fail. */
  async apply(changes: StoreChangeSet): Promise<void> {
    const state = this.#open();
    let prepared;
    try {
      prepared = prepareChangeSet(state, changes);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError('memory state store: change set rejected', false, { cause: error });
    }
    commitChangeSet(state, prepared);
  }

  async getCsObjects(ids: readonly string[]): Promise<CsObject[]> {
    return copyAll(this.#open().cs, ids);
  }

  async findCsByAnchors(connector: string, anchors: readonly string[]): Promise<Map<string, CsObject>> {
    const wanted = new Set(anchors);
    return this.#firstByKey(connector, (cs) => (cs.anchor !== null && wanted.has(cs.anchor) ? cs.anchor : undefined));
  }

  async findCsByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsObject>> {
    const wanted = new Set(dns.map((dn) => normalizeDn(dn)));
    return this.#firstByKey(connector, (cs) => {
      const key = normalizeDn(cs.dn);
      return wanted.has(key) ? key : undefined;
    });
  }

  #firstByKey(connector: string, keyOf: (cs: CsObject) => string | undefined): Map<string, CsObject> {
    const hits = new Map<string, Stored<CsObject>>();
    for (const stored of this.#open().cs.values()) {
      if (stored.value.connector !== connector) continue;
      const key = keyOf(stored.value);
      if (key === undefined) continue;
      const previous = hits.get(key);
      if (!previous || compareIds(stored.value.id, previous.value.id) < 0) hits.set(key, stored);
    }
    return new Map([...hits].map(([key, stored]) => [key, copyOut(stored)]));
  }

  async findCsByMvIds(mvIds: readonly string[], exceptIds: readonly string[] = []): Promise<CsObject[]> {
    const wanted = new Set(mvIds);
    const except = new Set(exceptIds);
    return sortedCopies(
      [...this.#open().cs.values()].filter(
        (s) => s.value.mvId !== null && wanted.has(s.value.mvId) && !except.has(s.value.id),
      ),
    );
  }

  async findCsLinksByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsLink>> {
    const found = await this.findCsByDns(connector, dns);
    return new Map([...found].map(([key, cs]) => [key, { id: cs.id, dn: cs.dn, mvId: cs.mvId }]));
  }

  async findCsLinksByMvIds(connector: string, mvIds: readonly string[]): Promise<Map<string, CsLink>> {
    const out = new Map<string, CsLink>();
    for (const cs of await this.findCsByMvIds(mvIds)) {
      if (cs.connector === connector && cs.mvId !== null && !out.has(cs.mvId)) {
        out.set(cs.mvId, { id: cs.id, dn: cs.dn, mvId: cs.mvId });
      }
    }
    return out;
  }

  async findCsIdsByAttribute(
    connector: string,
    attribute: string,
    keys: readonly string[],
  ): Promise<Map<string, string[]>> {
    const state = this.#open();
    if (!(state.indexes.csAttributes[connector] ?? []).includes(attribute)) {
      throw new StoreError(`connector "${connector}": CS attribute "${attribute}" is not indexed`);
    }
    return state.csIndex.find(connector, attribute, keys);
  }

  async *scanCs(connector: string, query: CsQuery, batchSize: number): AsyncIterable<CsObject[]> {
    const matches = csQueryPredicate(connector, query);
    yield* pages(
      () => this.#open().cs,
      (cs) => matches(cs),
      batchSize,
    );
  }

  async countCs(connector: string, query: CsQuery): Promise<number> {
    const matches = csQueryPredicate(connector, query);
    let n = 0;
    for (const { value } of this.#open().cs.values()) if (matches(value)) n++;
    return n;
  }

  async countPendingExports(connector: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { value } of this.#open().cs.values()) {
      const delta = value.connector === connector ? value.unappliedExport : null;
      const operation = delta?.operation === 'update' && delta.newDn !== undefined ? 'rename' : delta?.operation;
      if (operation !== undefined) counts[operation] = (counts[operation] ?? 0) + 1;
    }
    return counts;
  }

  async getMvObjects(ids: readonly string[]): Promise<MvObject[]> {
    return copyAll(this.#open().mv, ids);
  }

  async findMvIdsByAttribute(attribute: string, keys: readonly string[]): Promise<Map<string, string[]>> {
    const state = this.#open();
    if (!state.indexes.mvAttributes.includes(attribute)) {
      throw new StoreError(`metaverse attribute "${attribute}" is not indexed`);
    }
    return state.mvIndex.find('', attribute, keys);
  }

  async *scanMv(query: MvQuery, batchSize: number): AsyncIterable<MvObject[]> {
    yield* pages(() => this.#open().mv, mvQueryPredicate(query), batchSize);
  }

  async countMv(query: MvQuery): Promise<number> {
    const matches = mvQueryPredicate(query);
    return [...this.#open().mv.values()].filter((s) => matches(s.value)).length;
  }

  async findDanglingReferences(
    direction: 'in' | 'out',
    connector: string,
    keys: readonly string[],
  ): Promise<DanglingReference[]> {
    const wanted = new Set(keys);
    return [...this.#open().dangling.values()]
      .filter((r) => r.direction === direction && r.connector === connector && wanted.has(r.key))
      .sort((a, b) => compareIds(a.key, b.key) || compareIds(a.referrerId, b.referrerId))
      .map((r) => ({ ...r }));
  }

  async getWatermark(connector: string): Promise<string | null> {
    return this.#open().watermarks.get(connector) ?? null;
  }

  async startRun(run: RunStart): Promise<number> {
    const state = this.#open();
    const id = state.nextRunId++;
    const record = {
      ...run,
      id,
      endedAt: null,
      status: 'in-progress',
      counters: emptyCounters(),
      message: null,
    } as const;
    state.runs.set(id, { record, issues: [] });
    return id;
  }

  async finishRun(id: number, result: RunFinish): Promise<void> {
    const run = this.#open().runs.get(id);
    if (!run) throw new StoreError(`memory state store: run ${id} does not exist`);
    run.record = { ...run.record, ...result, counters: { ...result.counters } };
  }

  async listRuns(options: RunListOptions): Promise<RunRecord[]> {
    const runs = [...this.#open().runs.values()]
      .filter((r) => options.connector === undefined || r.record.connector === options.connector)
      .sort((a, b) => b.record.id - a.record.id);
    const limit = options.limit ?? -1;
    return (limit < 0 ? runs : runs.slice(0, limit)).map(runRecord);
  }

  async getRun(id: number): Promise<RunRecord | null> {
    const run = this.#open().runs.get(id);
    return run ? runRecord(run) : null;
  }

  async listRunIssues(runId: number, limit: number): Promise<RunIssue[]> {
    return (this.#open().runs.get(runId)?.issues ?? []).slice(0, limit < 0 ? undefined : limit).map((i) => ({ ...i }));
  }

  async getSetting(key: string): Promise<string | null> {
    return this.#open().settings.get(key) ?? null;
  }

  async setSetting(key: string, value: string | null): Promise<void> {
    const settings = this.#open().settings;
    if (value === null) settings.delete(key);
    else settings.set(key, value);
  }
}

function runRecord(run: { record: Omit<RunRecord, 'issueCount'>; issues: readonly RunIssue[] }): RunRecord {
  return { ...run.record, counters: { ...run.record.counters }, issueCount: run.issues.length };
}

function mvQueryPredicate(query: MvQuery): (mv: MvObject) => boolean {
  return (mv) =>
    (query.objectType === undefined || mv.objectType === query.objectType) && matchesMvAttribute(mv.attributes, query);
}

function copyAll<T>(map: ReadonlyMap<string, Stored<T>>, ids: readonly string[]): T[] {
  return [...new Set(ids)].flatMap((id) => {
    const stored = map.get(id);
    return stored ? [copyOut(stored)] : [];
  });
}

function sortedCopies<T extends { id: string }>(stored: Stored<T>[]): T[] {
  return stored.sort((a, b) => compareIds(a.value.id, b.value.id)).map(copyOut);
}

/** Keyset pages by id over whatever the map holds when each page is taken. */
async function* pages<T extends { id: string }>(
  source: () => ReadonlyMap<string, Stored<T>>,
  matches: (value: T) => boolean,
  batchSize: number,
): AsyncGenerator<T[]> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new StoreError(`memory state store: batch size must be a positive integer, got ${batchSize}`);
  }
  let after: string | undefined;
  for (;;) {
    const candidates = [...source().values()].filter(
      (s) => (after === undefined || compareIds(s.value.id, after) > 0) && matches(s.value),
    );
    const page = sortedCopies(candidates).slice(0, batchSize);
    const last = page.at(-1);
    if (!last) return;
    yield page;
    if (page.length < batchSize) return;
    after = last.id;
  }
}
