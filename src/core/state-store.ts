import type { CsObject } from './connector-space.js';
import type { ObjectIssue } from './errors.js';
import type { MvObject } from './metaverse.js';
import type { RunCounters, RunProfile, RunRecord, RunIssue, RunStatus } from './run-history.js';

/**
 * Criteria for scanning a connector space (csexport's `/f` filters map onto these). All given
 * criteria must hold. Scans page by CS object id (keyset), so objects changed during a scan are
 * neither skipped nor repeated.
 */
export interface CsQuery {
  readonly hasPendingImport?: boolean;
  /**
   * true: objects sync can work from (a pending import or a synchronized hologram); false: objects
   * provisioned by sync and not yet seen by an import.
   */
  readonly hasImage?: boolean;
  /** Unapplied export present; optionally only of these object-level operations. */
  readonly hasPendingExport?: boolean;
  readonly pendingExportOperations?: readonly string[];
  readonly hasEscrowedExport?: boolean;
  readonly hasExportError?: boolean;
  readonly hasImportError?: boolean;
  /** true: connectors (linked to the MV) only; false: disconnectors only. */
  readonly isConnector?: boolean;
  readonly objectType?: string;
  /** Objects whose `lastImportRun` differs from this run id (or is null): not seen by that full import. */
  readonly notImportedInRun?: number;
  /** Exact DN (compared normalized) or anchor. */
  readonly dn?: string;
  readonly anchor?: string;
}

/** Identity and link of a CS object, without its tower. */
export interface CsLink {
  readonly id: string;
  readonly dn: string;
  readonly mvId: string | null;
}

export interface MvQuery {
  readonly objectType?: string;
  /** Objects with this attribute equal (case-insensitive for strings) to this text. */
  readonly attribute?: string;
  readonly value?: string;
}

/**
 * A reference the engine could not resolve yet. Inbound (`in`): CS object `referrerId` in
 * `connector` refers to the DN `key` (normalized) that has no joined CS object yet. Outbound
 * (`out`): MV object `referrerId` refers to the MV object `key`, which has no CS object in
 * `connector` yet. When the target appears, the engine re-synchronizes the referrer.
 */
export interface DanglingReference {
  readonly direction: 'in' | 'out';
  readonly connector: string;
  readonly key: string;
  readonly referrerId: string;
}

/**
 * Everything one engine step writes, applied atomically: the data, the watermark covering it and the
 * per-object issues found while producing it. A failure leaves the store as it was.
 */
export interface StoreChangeSet {
  readonly csUpserts?: readonly CsObject[];
  /**
   * A hint for CS objects of `csUpserts` read from this store in the same step: the fields in which
   * each differs from the stored object. A store may then write only those (a sync mostly changes
   * an object's link and image, not its anchor, DN or export parts); the result must be the same as
   * writing the whole object, also when the object turns out not to be stored.
   */
  readonly csChangedFields?: ReadonlyMap<string, ReadonlySet<keyof CsObject>>;
  /**
   * A hint for objects of `csChangedFields`: ids whose new synchronized hologram is the entry of the
   * pending import stored for them, which the change clears (a sync applied it). A store may move
   * the stored image instead of encoding it again; the result must be the same as without the hint.
   */
  readonly csAppliedImports?: ReadonlySet<string>;
  readonly csDeletes?: readonly string[];
  /**
   * CS objects an import saw unchanged: only their `lastImportRun` becomes `runId` (a full import
   * of an unchanged directory writes these marks, not the objects). Applied after `csUpserts`.
   */
  readonly csImportMarks?: { readonly runId: number; readonly ids: readonly string[] };
  readonly mvUpserts?: readonly MvObject[];
  readonly mvDeletes?: readonly string[];
  readonly watermark?: { readonly connector: string; readonly value: string | null };
  readonly runIssues?: { readonly runId: number; readonly issues: readonly ObjectIssue[] };
  /** For each referrer listed, its previous dangling references are replaced by those in `add`. */
  readonly danglingReferences?: {
    readonly replaceFor: readonly { readonly direction: 'in' | 'out'; readonly referrerId: string }[];
    readonly add: readonly DanglingReference[];
  };
}

export interface StoreIndexes {
  /** MV attributes used by inbound join rules (indexed across all MV object types). */
  readonly mvAttributes: readonly string[];
  /** CS attributes used by outbound join rules, per connector. */
  readonly csAttributes: Readonly<Record<string, readonly string[]>>;
}

export interface RunStart {
  readonly connector: string;
  readonly runProfile: RunProfile;
  readonly startedAt: string;
}

export interface RunFinish {
  readonly status: RunStatus;
  readonly endedAt: string;
  readonly counters: RunCounters;
  readonly message: string | null;
}

export interface RunListOptions {
  readonly limit?: number;
  readonly connector?: string;
}

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface StoreLock {
  release(): Promise<void>;
}

/**
 * The state store: connector spaces, metaverse, watermarks, run history, server settings.
 * Implementations: `store/sqlite` (embedded default), `store/memory` (tests); every one passes
 * `test/contracts/state-store.contract.ts`.
 *
 * Lookups take and return batches so that one round trip serves many objects.
 */
export interface StateStore {
  /** Configures attribute indexes used by join rules; rebuilds them when the set changed. */
  configureIndexes(indexes: StoreIndexes): Promise<void>;
  close(): Promise<void>;

  /**
   * Takes the single-writer lock (run, cycle, settings changes). Waits up to `waitMs`, then throws
   * `StoreError` with `isBusy` naming the holder. A holder whose process is gone (same host) is
   * taken over.
   */
  acquireLock(holder: Omit<LockHolder, 'since'>, waitMs: number): Promise<StoreLock>;
  readLock(): Promise<LockHolder | null>;

  apply(changes: StoreChangeSet): Promise<void>;

  getCsObjects(ids: readonly string[]): Promise<CsObject[]>;
  /** Keyed by the anchor as given. */
  findCsByAnchors(connector: string, anchors: readonly string[]): Promise<Map<string, CsObject>>;
  /** Keyed by `normalizeDn(dn)`. */
  findCsByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsObject>>;
  /**
   * Every CS object (all connectors) linked to one of the MV ids, except those whose id is in
   * `exceptIds`: a sync batch already holds some of them and need not read and decode them again.
   */
  findCsByMvIds(mvIds: readonly string[], exceptIds?: readonly string[]): Promise<CsObject[]>;
  /**
   * The link columns only, for resolving references without reading towers: per normalized DN
   * (`normalizeDn`), the CS object of `connector` with that DN (lowest id when several).
   */
  findCsLinksByDns(connector: string, dns: readonly string[]): Promise<Map<string, CsLink>>;
  /** The link columns only: per MV id, the CS object of `connector` linked to it (lowest id when several). */
  findCsLinksByMvIds(connector: string, mvIds: readonly string[]): Promise<Map<string, CsLink>>;
  /**
   * CS objects of `connector` whose current image (pending import, else synchronized hologram)
   * has `attribute` with one of these value keys (`indexKey`). Only indexed attributes.
   */
  findCsIdsByAttribute(connector: string, attribute: string, keys: readonly string[]): Promise<Map<string, string[]>>;
  scanCs(connector: string, query: CsQuery, batchSize: number): AsyncIterable<CsObject[]>;
  countCs(connector: string, query: CsQuery): Promise<number>;
  /**
   * Count of unapplied exports per object-level operation (`add`, `update`, `delete`, ...), where an
   * `update` that moves the object to a new DN counts as `rename`.
   */
  countPendingExports(connector: string): Promise<Record<string, number>>;

  getMvObjects(ids: readonly string[]): Promise<MvObject[]>;
  /** MV ids whose `attribute` has one of these value keys (`indexKey`). Only indexed attributes. */
  findMvIdsByAttribute(attribute: string, keys: readonly string[]): Promise<Map<string, string[]>>;
  scanMv(query: MvQuery, batchSize: number): AsyncIterable<MvObject[]>;
  countMv(query: MvQuery): Promise<number>;

  findDanglingReferences(
    direction: 'in' | 'out',
    connector: string,
    keys: readonly string[],
  ): Promise<DanglingReference[]>;

  getWatermark(connector: string): Promise<string | null>;

  startRun(run: RunStart): Promise<number>;
  finishRun(id: number, result: RunFinish): Promise<void>;
  listRuns(options: RunListOptions): Promise<RunRecord[]>;
  getRun(id: number): Promise<RunRecord | null>;
  listRunIssues(runId: number, limit: number): Promise<RunIssue[]>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string | null): Promise<void>;
}
