import type { CsObject } from '../core/connector-space.js';
import type { EngineContext } from './context.js';
import type { RunRecorder } from './run-recorder.js';
import { JoinLookups } from './join-lookups.js';
import { SyncWork } from './sync-work.js';

/** State shared by the steps that synchronize one batch of objects. */
export class SyncBatch {
  readonly work: SyncWork;
  readonly joins: JoinLookups;
  /** MV objects whose attributes (and then exports) must be recomputed; value: created in this batch. */
  readonly touched = new Map<string, boolean>();
  /** The batch's CS objects as read, to restore a pending import when its object fails to sync. */
  readonly originals = new Map<string, CsObject>();
  readonly nowIso: string;

  constructor(
    readonly ctx: EngineContext,
    readonly recorder: RunRecorder,
  ) {
    this.work = new SyncWork(ctx.store);
    this.joins = new JoinLookups(ctx.store);
    this.nowIso = ctx.now().toISOString();
  }

  touch(mvId: string, isNew = false): void {
    this.touched.set(mvId, (this.touched.get(mvId) ?? false) || isNew);
  }

  parameters(connector: string): Readonly<Record<string, string>> {
    return this.ctx.parameters[connector] ?? {};
  }
}
