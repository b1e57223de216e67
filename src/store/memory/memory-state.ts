import { currentImage, type CsObject } from '../../core/connector-space.js';
import type { LockHolder, StoreIndexes } from '../../core/state-store.js';
import type { MvObject } from '../../core/metaverse.js';
import type { RunIssue, RunRecord } from '../../core/run-history.js';
import { parseWithValues, stringifyWithValues } from '../../core/value-codec.js';
import { NO_INDEXES } from '../shared/index.js';
import { MemoryAttributeIndex } from './memory-index.js';

/**
 * A stored object: its serialized form (what reads copy from, so callers never share stored state)
 * and one private decoded copy used for filtering.
 */
export interface Stored<T> {
  readonly json: string;
  readonly value: T;
}

/** Serializes `value` once: the stored text plus a private decoded copy. */
export function store<T>(value: T): Stored<T> {
  const json = stringifyWithValues(value);
  return { json, value: parseWithValues<T>(json) };
}

/** A fresh copy for a caller, decoded from the stored text. */
export function copyOut<T>(stored: Stored<T>): T {
  return parseWithValues<T>(stored.json);
}

/** A run record (issue count derived) and its issues in order. */
export interface MemoryRun {
  record: Omit<RunRecord, 'issueCount'>;
  readonly issues: RunIssue[];
}

/**
 * Everything a `MemoryStateStore` holds. Several store handles may share one state (see
 * `MemoryStateStore.reopen`), like several connections to one database file.
 */
export class MemoryState {
  readonly cs = new Map<string, Stored<CsObject>>();
  readonly mv = new Map<string, Stored<MvObject>>();
  readonly csIndex = new MemoryAttributeIndex();
  readonly mvIndex = new MemoryAttributeIndex();
  indexes: StoreIndexes = NO_INDEXES;
  /** Key `direction \0 connector \0 key \0 referrer`. */
  readonly dangling = new Map<
    string,
    { direction: 'in' | 'out'; connector: string; key: string; referrerId: string }
  >();
  readonly watermarks = new Map<string, string>();
  readonly runs = new Map<number, MemoryRun>();
  nextRunId = 1;
  readonly settings = new Map<string, string>();
  lock: { readonly holder: LockHolder; readonly token: string } | null = null;

  indexCs(cs: CsObject): void {
    const names = this.indexes.csAttributes[cs.connector] ?? [];
    this.csIndex.set(cs.id, cs.connector, currentImage(cs)?.attributes, names);
  }

  indexMv(mv: MvObject): void {
    this.mvIndex.set(mv.id, '', mv.attributes, this.indexes.mvAttributes);
  }

  reindexAll(): void {
    this.csIndex.clear();
    this.mvIndex.clear();
    for (const { value } of this.cs.values()) this.indexCs(value);
    for (const { value } of this.mv.values()) this.indexMv(value);
  }

  deleteDanglingFor(direction: 'in' | 'out', referrerId: string): void {
    for (const [slot, ref] of this.dangling) {
      if (ref.direction === direction && ref.referrerId === referrerId) this.dangling.delete(slot);
    }
  }
}
