import type { CsObject } from '../core/connector-space.js';
import { normalizeDn } from '../core/dn.js';
import type { ObjectIssue } from '../core/errors.js';
import type { MvObject } from '../core/metaverse.js';
import type { DanglingReference, StateStore, StoreChangeSet } from '../core/state-store.js';

/**
 * The working set of one sync batch: CS and MV objects read from the store, overlaid with the
 * changes made while processing, written back in one change set by `commit`. Everything the
 * batch reads goes through here so that later steps see earlier steps' uncommitted changes.
 */
export class SyncWork {
  private readonly cs = new Map<string, CsObject>();
  /** CS objects as read from the store, to tell it which fields each write changes. */
  private readonly original = new Map<string, CsObject>();
  private readonly mv = new Map<string, MvObject>();
  private readonly csByMv = new Map<string, Set<string>>();
  private readonly loadedMv = new Set<string>();
  private readonly dirtyCs = new Set<string>();
  private readonly dirtyMv = new Set<string>();
  private readonly deletedCs = new Set<string>();
  private readonly deletedMv = new Set<string>();
  private readonly danglingReplace = new Map<string, { direction: 'in' | 'out'; referrerId: string }>();
  private readonly danglingAdd: DanglingReference[] = [];
  /** Objects linked during this batch: inbound keys (connector, normalized DN), outbound (connector, MV id). */
  readonly linkedIn: { connector: string; key: string }[] = [];
  readonly linkedOut: { connector: string; key: string }[] = [];

  constructor(private readonly store: StateStore) {}

  /** Adds objects read by the caller (not dirty). Objects already in the working set win. */
  seedCs(objects: readonly CsObject[]): void {
    for (const object of objects) {
      if (this.cs.has(object.id) || this.deletedCs.has(object.id)) continue;
      this.cs.set(object.id, object);
      this.original.set(object.id, object);
      if (object.mvId) this.indexLink(object.mvId, object.id);
    }
  }

  getCs(id: string): CsObject | undefined {
    return this.deletedCs.has(id) ? undefined : this.cs.get(id);
  }

  putCs(object: CsObject): void {
    const previous = this.cs.get(object.id);
    if (previous?.mvId && previous.mvId !== object.mvId) this.csByMv.get(previous.mvId)?.delete(object.id);
    if (object.mvId) this.indexLink(object.mvId, object.id);
    this.cs.set(object.id, object);
    this.dirtyCs.add(object.id);
  }

  deleteCs(id: string): void {
    const previous = this.cs.get(id);
    if (previous?.mvId) this.csByMv.get(previous.mvId)?.delete(id);
    this.deletedCs.add(id);
    this.dirtyCs.delete(id);
  }

  /** Loads MV objects and every CS object linked to them (all connectors) not yet in the working set. */
  async loadMv(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.loadedMv.has(id));
    if (missing.length === 0) return;
    // Objects already here win over the store's (seedCs), so they need not be read again. Only those
    // linked to the MV objects asked for matter (a join loads one candidate at a time).
    const held = [...this.deletedCs];
    for (const id of missing) for (const csId of this.csByMv.get(id) ?? []) held.push(csId);
    const [objects, linked] = await Promise.all([
      this.store.getMvObjects(missing),
      this.store.findCsByMvIds(missing, held),
    ]);
    for (const id of missing) this.loadedMv.add(id);
    for (const object of objects) if (!this.mv.has(object.id)) this.mv.set(object.id, object);
    this.seedCs(linked);
  }

  getMv(id: string): MvObject | undefined {
    return this.deletedMv.has(id) ? undefined : this.mv.get(id);
  }

  putMv(object: MvObject): void {
    this.mv.set(object.id, object);
    this.loadedMv.add(object.id);
    this.dirtyMv.add(object.id);
  }

  deleteMv(id: string): void {
    this.deletedMv.add(id);
    this.dirtyMv.delete(id);
  }

  /** CS objects currently linked to an MV object (needs `loadMv` first for objects from the store). */
  linkedTo(mvId: string): CsObject[] {
    const ids = this.csByMv.get(mvId);
    if (!ids) return [];
    const out: CsObject[] = [];
    for (const id of ids) {
      const object = this.getCs(id);
      if (object && object.mvId === mvId) out.push(object);
    }
    return out;
  }

  noteLinkedIn(object: CsObject): void {
    this.linkedIn.push({ connector: object.connector, key: normalizeDn(object.dn) });
  }

  noteLinkedOut(connector: string, mvId: string): void {
    this.linkedOut.push({ connector, key: mvId });
  }

  replaceDangling(direction: 'in' | 'out', referrerId: string, refs: readonly DanglingReference[]): void {
    this.danglingReplace.set(`${direction}:${referrerId}`, { direction, referrerId });
    this.danglingAdd.push(...refs);
  }

  get isEmpty(): boolean {
    return this.dirtyCs.size + this.deletedCs.size + this.dirtyMv.size + this.deletedMv.size === 0;
  }

  async commit(runIssues: { runId: number; issues: ObjectIssue[] } | undefined): Promise<void> {
    const csUpserts: CsObject[] = [];
    const csChangedFields = new Map<string, ReadonlySet<keyof CsObject>>();
    const csAppliedImports = new Set<string>();
    for (const id of this.dirtyCs) {
      const object = this.cs.get(id) as CsObject;
      const original = this.original.get(id);
      if (original !== undefined) {
        const changed = changedFields(original, object);
        if (changed.size === 0) continue;
        csChangedFields.set(id, changed);
        if (
          object.pendingImport === null &&
          object.synchronizedHologram !== null &&
          object.synchronizedHologram === original.pendingImport?.entry
        )
          csAppliedImports.add(id);
      }
      csUpserts.push(object);
    }
    const changes: StoreChangeSet = {
      csUpserts,
      csChangedFields,
      csAppliedImports,
      csDeletes: [...this.deletedCs],
      mvUpserts: [...this.dirtyMv].map((id) => this.mv.get(id) as MvObject),
      mvDeletes: [...this.deletedMv],
      ...(runIssues ? { runIssues } : {}),
      ...(this.danglingReplace.size > 0 || this.danglingAdd.length > 0
        ? { danglingReferences: { replaceFor: [...this.danglingReplace.values()], add: this.danglingAdd } }
        : {}),
    };
    await this.store.apply(changes);
  }

  private indexLink(mvId: string, csId: string): void {
    let set = this.csByMv.get(mvId);
    if (!set) {
      set = new Set();
      this.csByMv.set(mvId, set);
    }
    set.add(csId);
  }
}

/** The fields in which two versions of a CS object differ; parts are compared by identity (never mutated). */
function changedFields(before: CsObject, after: CsObject): Set<keyof CsObject> {
  const changed = new Set<keyof CsObject>();
  let key: keyof CsObject;
  for (key in after) if (before[key] !== after[key]) changed.add(key);
  for (key in before) if (!(key in after)) changed.add(key);
  return changed;
}
