import { normalizeDn } from '../../core/dn.js';
import type Database from 'better-sqlite3';

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
import { validateChangeSet } from '../shared/index.js';
import { AttributeIndexer } from './attr-index.js';
import type { BackgroundCheckpointer } from './background-checkpoint.js';
import { CsWriter } from './cs-update.js';
import { CS_SELECT_LIST, rowToCs, rowToMv, type CsRow, type MvRow } from './cs-rows.js';
import { acquireSqliteLock, readSqliteLock, releaseSqliteLock } from './lock.js';
import { csWhere, mvWhere } from './query-sql.js';
import { firstByKey, groupIds } from './row-groups.js';
import { rowToIssue, rowToRun, type RunIssueRow, type RunRow } from './run-rows.js';
import { prepareStatements, type Statements } from './statements.js';
import { mapSqliteError } from './sqlite-errors.js';
import { writeChangeSet } from './write-change-set.js';

/** `StateStore` on one SQLite file (WAL). One instance per process; other processes coordinate through the lock. */
export class SqliteStateStore implements StateStore {
  readonly #db: Database.Database;
  readonly #st: Statements;
  readonly #indexer: AttributeIndexer;
  readonly #cache = new Map<string, Database.Statement>();
  readonly #heldLocks = new Set<string>();
  readonly #apply: Database.Transaction<(changes: StoreChangeSet) => void>;
  readonly #checkpointer: BackgroundCheckpointer | null;

  /** Use `openSqliteStateStore`. */
  constructor(
    db: Database.Database,
    readonly file: string,
    checkpointer: BackgroundCheckpointer | null = null,
  ) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    this.#st = prepareStatements(db);
    this.#indexer = new AttributeIndexer(this.#st);
    const csWriter = new CsWriter(db, this.#st.csUpsert);
    this.#apply = db.transaction((changes: StoreChangeSet) => {
      this.#indexer.refresh();
      writeChangeSet(this.#st, this.#indexer, csWriter, changes);
    });
  }

  #guard<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw mapSqliteError(error, this.file, operation);
    }
  }

  #cached(sql: string): Database.Statement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  async configureIndexes(indexes: StoreIndexes): Promise<void> {
    this.#guard('configuring indexes', () => {
      try {
        this.#db
          .transaction(() => {
            this.#indexer.refresh();
            this.#indexer.configure(indexes);
          })
          .immediate();
      } finally {
        this.#indexer.refresh();
      }
    });
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    // The worker's connection goes first, so that this one, the last, checkpoints and removes the WAL.
    await this.#checkpointer?.close();
    this.#guard('closing', () => {
      try {
        for (const token of this.#heldLocks) releaseSqliteLock(this.#st, token);
        this.#heldLocks.clear();
        this.#db.pragma('optimize');
      } finally {
        this.#db.close();
      }
    });
  }

  async acquireLock(holder: Omit<LockHolder, 'since'>, waitMs: number): Promise<StoreLock> {
    const token = await acquireSqliteLock(this.#db, this.#st, this.file, holder, waitMs);
    this.#heldLocks.add(token);
    return {
      release: async () => {
        if (!this.#heldLocks.delete(token)) return;
        this.#guard('releasing the lock', () => releaseSqliteLock(this.#st, token));
      },
    };
  }

  async readLock(): Promise<LockHolder | null> {
    return this.#guard('reading the lock', () => readSqliteLock(this.#st));
  }

  /** Writes the change set in one transaction; on any failure nothing is written and `StoreError` is thrown. */
  async apply(changes: StoreChangeSet): Promise<void> {
    validateChangeSet(changes);
    try {
      this.#guard('applying changes', () => this.#apply.immediate(changes));
      this.#checkpointer?.committed();
    } finally {
      this.#indexer.refresh();
    }
  }

  async getCsObjects(ids: readonly string[]): Promise<CsObject[]> {
    const rows = this.#guard('reading CS objects', () => this.#st.csByIds.all(JSON.stringify(ids)) as CsRow[]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const out: CsObject[] = [];
    for (const id of new Set(ids)) {
      const row = byId.get(id);
      if (row) out.push(rowToCs(row));
    }
    return out;
  }

  async findCsByAnchors(connector: string, anchors: readonly string[]): Promise<Map<string, CsObject>> {
    const rows = this.#guard('finding CS objects by anchor', () =>
      this.#st.csByAnchors.all(connector, JSON.stringify(anchors)),
    ) as CsRow[];
    return firstByKey(rows, (row) => row.anchor ?? '');
  }

  async findCsByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsObject>> {
    const keys = [...new Set(dns.map((dn) => normalizeDn(dn)))];
    const rows = this.#guard('finding CS objects by DN', () =>
      this.#st.csByDns.all(connector, JSON.stringify(keys)),
    ) as CsRow[];
    return firstByKey(rows, (row) => row.dn_norm);
  }

  async findCsByMvIds(mvIds: readonly string[], exceptIds: readonly string[] = []): Promise<CsObject[]> {
    const rows = this.#guard('finding CS objects by MV id', () =>
      this.#st.csByMvIds.all(JSON.stringify(mvIds), JSON.stringify(exceptIds)),
    );
    return (rows as CsRow[]).map(rowToCs);
  }

  async findCsLinksByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsLink>> {
    const keys = [...new Set(dns.map((dn) => normalizeDn(dn)))];
    const rows = this.#guard('finding CS links by DN', () =>
      this.#st.csLinksByDns.all(connector, JSON.stringify(keys)),
    );
    const out = new Map<string, CsLink>();
    for (const row of rows as { id: string; dn: string; dn_norm: string; mv_id: string | null }[]) {
      if (!out.has(row.dn_norm)) out.set(row.dn_norm, { id: row.id, dn: row.dn, mvId: row.mv_id });
    }
    return out;
  }

  async findCsLinksByMvIds(connector: string, mvIds: readonly string[]): Promise<Map<string, CsLink>> {
    const rows = this.#guard('finding CS links by MV id', () =>
      this.#st.csLinksByMvIds.all(JSON.stringify(mvIds), connector),
    );
    const out = new Map<string, CsLink>();
    for (const row of rows as { id: string; dn: string; mv_id: string }[]) {
      if (!out.has(row.mv_id)) out.set(row.mv_id, { id: row.id, dn: row.dn, mvId: row.mv_id });
    }
    return out;
  }

  async findCsIdsByAttribute(
    connector: string,
    attribute: string,
    keys: readonly string[],
  ): Promise<Map<string, string[]>> {
    return this.#guard('finding CS objects by attribute', () => {
      if (!this.#indexer.isCsIndexed(connector, attribute)) this.#indexer.refresh();
      if (!this.#indexer.isCsIndexed(connector, attribute)) {
        throw new StoreError(`connector "${connector}": CS attribute "${attribute}" is not indexed`);
      }
      return groupIds(this.#st.csIndexFind.all(connector, attribute, JSON.stringify(keys)));
    });
  }

  async *scanCs(connector: string, query: CsQuery, batchSize: number): AsyncIterable<CsObject[]> {
    const where = csWhere(connector, query);
    const sql = `SELECT ${CS_SELECT_LIST} FROM ${where.from} WHERE ${where.sql} AND id > ? ORDER BY id LIMIT ?`;
    for await (const rows of this.#pages<CsRow>('scanning a connector space', sql, where.params, batchSize)) {
      yield rows.map(rowToCs);
    }
  }

  async countCs(connector: string, query: CsQuery): Promise<number> {
    const where = csWhere(connector, query);
    return this.#count(
      'counting CS objects',
      `SELECT COUNT(*) AS n FROM ${where.from} WHERE ${where.sql}`,
      where.params,
    );
  }

  async countPendingExports(connector: string): Promise<Record<string, number>> {
    return this.#guard('counting pending exports', () => {
      const counts: Record<string, number> = {};
      for (const { op, n } of this.#st.csPendingExportCounts.all(connector) as { op: string; n: number }[])
        counts[op] = n;
      if (counts.update !== undefined) {
        const renames = (this.#st.csPendingRenameCount.get(connector) as { n: number }).n;
        if (renames > 0) counts.rename = renames;
        if (renames === counts.update) delete counts.update;
        else counts.update -= renames;
      }
      return counts;
    });
  }

  async getMvObjects(ids: readonly string[]): Promise<MvObject[]> {
    const rows = this.#guard('reading MV objects', () => this.#st.mvByIds.all(JSON.stringify(ids)) as MvRow[]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return [...new Set(ids)].flatMap((id) => {
      const row = byId.get(id);
      return row ? [rowToMv(row)] : [];
    });
  }

  async findMvIdsByAttribute(attribute: string, keys: readonly string[]): Promise<Map<string, string[]>> {
    return this.#guard('finding MV objects by attribute', () => {
      if (!this.#indexer.isMvIndexed(attribute)) this.#indexer.refresh();
      if (!this.#indexer.isMvIndexed(attribute)) {
        throw new StoreError(`metaverse attribute "${attribute}" is not indexed`);
      }
      return groupIds(this.#st.mvIndexFind.all(attribute, JSON.stringify(keys)));
    });
  }

  async *scanMv(query: MvQuery, batchSize: number): AsyncIterable<MvObject[]> {
    const where = mvWhere(query);
    const sql = `SELECT * FROM mv_objects WHERE ${where.sql} AND id > ? ORDER BY id LIMIT ?`;
    for await (const rows of this.#pages<MvRow>('scanning the metaverse', sql, where.params, batchSize)) {
      yield rows.map(rowToMv);
    }
  }

  async countMv(query: MvQuery): Promise<number> {
    const where = mvWhere(query);
    return this.#count('counting MV objects', `SELECT COUNT(*) AS n FROM mv_objects WHERE ${where.sql}`, where.params);
  }

  async *#pages<R extends { id: string }>(
    operation: string,
    sql: string,
    params: unknown[],
    batchSize: number,
  ): AsyncGenerator<R[]> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new StoreError(`${operation}: batch size must be a positive integer, got ${batchSize}`);
    }
    let after = '';
    for (;;) {
      const rows = this.#guard(operation, () => this.#cached(sql).all(...params, after, batchSize)) as R[];
      const last = rows.at(-1);
      if (!last) return;
      yield rows;
      if (rows.length < batchSize) return;
      after = last.id;
    }
  }

  #count(operation: string, sql: string, params: unknown[]): number {
    return this.#guard(operation, () => (this.#cached(sql).get(...params) as { n: number }).n);
  }

  async findDanglingReferences(
    direction: 'in' | 'out',
    connector: string,
    keys: readonly string[],
  ): Promise<DanglingReference[]> {
    const rows = this.#guard('finding dangling references', () =>
      this.#st.danglingFind.all(direction, connector, JSON.stringify(keys)),
    ) as { direction: 'in' | 'out'; connector: string; key: string; referrer_id: string }[];
    return rows.map((r) => ({ direction: r.direction, connector: r.connector, key: r.key, referrerId: r.referrer_id }));
  }

  async getWatermark(connector: string): Promise<string | null> {
    const row = this.#guard('reading a watermark', () => this.#st.watermarkGet.get(connector));
    return (row as { value: string } | undefined)?.value ?? null;
  }

  async startRun(run: RunStart): Promise<number> {
    return this.#guard('starting a run', () => {
      const counters = JSON.stringify(emptyCounters());
      const info = this.#st.runInsert.run(run.connector, run.runProfile, run.startedAt, counters);
      return Number(info.lastInsertRowid);
    });
  }

  async finishRun(id: number, result: RunFinish): Promise<void> {
    const counters = JSON.stringify(result.counters);
    const info = this.#guard('finishing a run', () =>
      this.#st.runFinish.run(result.status, result.endedAt, counters, result.message, id),
    );
    if (info.changes === 0) throw new StoreError(`state store "${this.file}": run ${id} does not exist`);
  }

  async listRuns(options: RunListOptions): Promise<RunRecord[]> {
    const params = { connector: options.connector ?? null, limit: options.limit ?? -1 };
    return (this.#guard('listing runs', () => this.#st.runList.all(params)) as RunRow[]).map(rowToRun);
  }

  async getRun(id: number): Promise<RunRecord | null> {
    const row = this.#guard('reading a run', () => this.#st.runGet.get(id)) as RunRow | undefined;
    return row ? rowToRun(row) : null;
  }

  async listRunIssues(runId: number, limit: number): Promise<RunIssue[]> {
    const rows = this.#guard('listing run issues', () => this.#st.runIssueList.all(runId, limit)) as RunIssueRow[];
    return rows.map(rowToIssue);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.#guard('reading a setting', () => this.#st.settingGet.get(key));
    return (row as { value: string } | undefined)?.value ?? null;
  }

  async setSetting(key: string, value: string | null): Promise<void> {
    this.#guard('writing a setting', () =>
      value === null ? this.#st.settingDelete.run(key) : this.#st.settingSet.run(key, value),
    );
  }
}
