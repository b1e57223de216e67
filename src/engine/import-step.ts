import type { ImportEntry, ImportItem } from '../core/connector.js';
import { createCsObject, currentImage, type CsObject, type Entry } from '../core/connector-space.js';
import { applyChanges, entriesEqual, isDeltaReflected } from '../core/delta.js';
import { normalizeDn } from '../core/dn.js';
import { ConnectorError } from '../core/errors.js';
import type { RunStatus } from '../core/run-history.js';
import type { EngineContext } from './context.js';
import { RunRecorder, type RunSummary } from './run-recorder.js';

type Staged = { upserts: Map<string, CsObject>; deletes: Set<string>; marks: Set<string> };

/**
 * Full or delta import: stages what the directory shows as pending imports, confirms escrowed
 * exports, and (for complete listings) marks objects the directory no longer has as pending
 * deletes. Each batch is one store transaction; a watermark is committed with the data it covers,
 * and for complete listings only after the deletes have been staged.
 */
export async function runImport(
  ctx: EngineContext,
  connectorName: string,
  profile: 'full-import' | 'delta-import',
): Promise<RunSummary> {
  const connector = ctx.connectors.get(connectorName);
  if (!connector) throw new Error(`no connector "${connectorName}"`);
  const recorder = await RunRecorder.start(ctx.store, connectorName, profile, ctx.now);
  const importer = new Importer(ctx, connectorName, recorder);
  let status: RunStatus;
  try {
    let watermark = profile === 'delta-import' ? await ctx.store.getWatermark(connectorName) : null;
    if (profile === 'delta-import' && watermark === null) {
      recorder.note(`connector "${connectorName}": no watermark yet, so a full import was run instead.`);
    }
    try {
      if (watermark !== null) await importer.consume(connector.deltaImport(watermark), false);
      else await importer.consume(connector.fullImport(), true);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.kind === 'watermark-rejected') || watermark === null) throw error;
      recorder.note(`${error.message}; falling back to a full import.`);
      ctx.log.warn(`connector "${connectorName}": ${error.message}; falling back to full import`);
      watermark = null;
      await importer.consume(connector.fullImport(), true);
    }
    status = recorder.counters.errors > 0 ? 'completed-import-errors' : 'success';
  } catch (error) {
    if (!(error instanceof ConnectorError)) {
      await recorder.finish('stopped-server');
      throw error;
    }
    recorder.note(error.message);
    status = error.kind === 'authentication' ? 'no-start-credentials' : 'stopped-connectivity';
  }
  return recorder.finish(status);
}

class Importer {
  private staged: Staged = { upserts: new Map(), deletes: new Set(), marks: new Set() };
  private batch: ImportItem[] = [];
  private processed = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly connector: string,
    private readonly recorder: RunRecorder,
  ) {}

  async consume(items: AsyncIterable<ImportItem>, isCompleteListing: boolean): Promise<void> {
    let heldWatermark: string | null = null;
    let complete = isCompleteListing;
    for await (const item of items) {
      if (item.kind === 'complete-listing') {
        complete = true;
      } else if (item.kind === 'watermark') {
        if (complete) heldWatermark = item.watermark;
        else await this.flush(item.watermark);
      } else {
        this.batch.push(item);
        if (this.batch.length >= this.ctx.batchSize) await this.flush(undefined);
      }
    }
    await this.flush(undefined);
    if (complete) await this.obsolete();
    if (heldWatermark !== null)
      await this.ctx.store.apply({ watermark: { connector: this.connector, value: heldWatermark } });
  }

  private async flush(watermark: string | undefined): Promise<void> {
    if (this.batch.length > 0) await this.stageBatch(this.batch);
    this.batch = [];
    await this.write(watermark);
  }

  private async write(watermark: string | undefined): Promise<void> {
    const runIssues = this.recorder.takeIssues();
    const { upserts, deletes, marks } = this.staged;
    if (upserts.size + deletes.size + marks.size === 0 && !runIssues && watermark === undefined) return;
    await this.ctx.store.apply({
      csUpserts: [...upserts.values()],
      csDeletes: [...deletes],
      ...(marks.size > 0 ? { csImportMarks: { runId: this.recorder.runId, ids: [...marks] } } : {}),
      ...(runIssues ? { runIssues } : {}),
      ...(watermark !== undefined ? { watermark: { connector: this.connector, value: watermark } } : {}),
    });
    this.staged = { upserts: new Map(), deletes: new Set(), marks: new Set() };
  }

  private async stageBatch(items: readonly ImportItem[]): Promise<void> {
    const anchors = items.flatMap((i) => {
      if (i.kind === 'entry') return [i.entry.anchor];
      return 'anchor' in i && i.anchor ? [i.anchor] : [];
    });
    const byAnchor = await this.ctx.store.findCsByAnchors(this.connector, anchors);
    const dns = items.flatMap((i) => {
      if (i.kind === 'entry') return byAnchor.has(i.entry.anchor) ? [] : [i.entry.dn];
      return i.kind === 'modify' && !byAnchor.has(i.anchor) ? [i.dn] : [];
    });
    const byDn = dns.length > 0 ? await this.ctx.store.findCsByDns(this.connector, dns) : new Map<string, CsObject>();
    const find = (anchor: string | undefined, dn: string | undefined): CsObject | undefined => {
      const hit =
        (anchor !== undefined ? byAnchor.get(anchor) : undefined) ?? (dn ? byDn.get(normalizeDn(dn)) : undefined);
      if (!hit || this.staged.deletes.has(hit.id)) return undefined;
      // A DN match with another anchor is a different object (the old one will be obsoleted).
      if (anchor !== undefined && hit.anchor !== null && hit.anchor !== anchor) return undefined;
      return this.staged.upserts.get(hit.id) ?? hit;
    };
    for (const item of items) {
      this.processed++;
      switch (item.kind) {
        case 'entry': {
          const existing = find(item.entry.anchor, item.entry.dn);
          const staged = this.stageEntry(existing, item.entry);
          if (staged) this.remember(staged, byAnchor);
          else if (existing) this.staged.marks.add(existing.id);
          break;
        }
        case 'modify': {
          const existing = find(item.anchor, item.dn);
          const base = existing ? currentImage(existing) : null;
          if (!existing || !base) {
            this.recorder.issue({
              code: 'import-modify-unknown-object',
              message: `connector "${this.connector}": a change arrived for ${item.dn}, which the connector space does not hold; run a full import`,
              dn: item.dn,
            });
            break;
          }
          const entry: ImportEntry = {
            anchor: item.anchor,
            dn: item.newDn ?? item.dn,
            objectType: item.objectType,
            attributes: applyChanges(base.attributes, item.changes),
          };
          const staged = this.stageEntry(existing, entry);
          if (staged) this.remember(staged, byAnchor);
          else this.staged.marks.add(existing.id);
          break;
        }
        case 'delete':
          this.stageDelete(find(item.anchor, item.dn));
          break;
        case 'error':
          this.recorder.issue({
            code: 'import-error',
            message: `connector "${this.connector}"${item.position ? ` (${item.position})` : ''}: ${item.message}`,
            ...(item.dn !== undefined ? { dn: item.dn } : {}),
          });
          break;
      }
    }
    this.ctx.onProgress({ connector: this.connector, step: 'import', processed: this.processed });
  }

  private remember(object: CsObject, byAnchor: Map<string, CsObject>): void {
    this.staged.upserts.set(object.id, object);
    if (object.anchor !== null) byAnchor.set(object.anchor, object);
  }

  /** The object to write, or null when the import found it exactly as synchronized (only a mark). */
  private stageEntry(existing: CsObject | undefined, imported: ImportEntry): CsObject | null {
    const now = this.ctx.now().toISOString();
    const runId = this.recorder.runId;
    const entry: Entry = { dn: imported.dn, objectType: imported.objectType, attributes: imported.attributes };
    if (!existing) {
      this.recorder.count('adds');
      return createCsObject({
        id: this.ctx.newId(),
        connector: this.connector,
        dn: entry.dn,
        anchor: imported.anchor,
        objectType: entry.objectType,
        pendingImport: { operation: 'add', entry },
        lastImportRun: runId,
        modifiedAt: now,
      });
    }
    const seen: CsObject = { ...existing, anchor: existing.anchor ?? imported.anchor, lastImportRun: runId };
    const object = this.confirm(seen, entry, now);
    const baseline = object.synchronizedHologram;
    if (baseline && entriesEqual(baseline, entry)) {
      this.recorder.count('unchanged');
      const isUntouched =
        object === seen &&
        existing.anchor !== null &&
        existing.pendingImport === null &&
        existing.importError === null &&
        existing.dn === entry.dn;
      return isUntouched ? null : { ...object, pendingImport: null, dn: entry.dn, importError: null };
    }
    if (object.pendingImport?.entry && entriesEqual(object.pendingImport.entry, entry)) {
      this.recorder.count('unchanged');
      return object;
    }
    const operation = baseline === null ? 'add' : baseline.objectType !== entry.objectType ? 'delete-add' : 'update';
    if (operation === 'add') this.recorder.count('adds');
    else if (baseline && normalizeDn(baseline.dn) !== normalizeDn(entry.dn)) this.recorder.count('renames');
    else this.recorder.count('updates');
    return {
      ...object,
      dn: entry.dn,
      objectType: entry.objectType,
      pendingImport: { operation, entry },
      modifiedAt: now,
    };
  }

  /** A confirming import: escrowed changes the directory shows are done; others become export errors. */
  private confirm(object: CsObject, entry: Entry | null, now: string): CsObject {
    const escrow = object.escrowedExport;
    if (!escrow) return object;
    if (isDeltaReflected(escrow, entry)) return { ...object, escrowedExport: null, exportError: null };
    const previous = object.exportError;
    const message = `connector "${this.connector}": the exported ${escrow.operation} of ${escrow.dn} was not seen by this import`;
    this.recorder.issue({ code: 'exported-change-not-reimported', message, csId: object.id, dn: object.dn });
    return {
      ...object,
      escrowedExport: null,
      exportError: {
        type: 'exported-change-not-reimported',
        message,
        firstOccurred: previous?.firstOccurred ?? now,
        dateOccurred: now,
        retryCount: (previous?.retryCount ?? 0) + 1,
      },
    };
  }

  private stageDelete(existing: CsObject | undefined): void {
    if (!existing) return;
    const now = this.ctx.now().toISOString();
    const object = this.confirm(existing, null, now);
    const isNeverSynced = object.synchronizedHologram === null;
    const isDeleteConfirmed = existing.escrowedExport?.operation === 'delete';
    if (object.mvId === null && (isNeverSynced || isDeleteConfirmed)) {
      // Nothing links to it, so nothing needs to hear of the delete: drop it now.
      this.staged.upserts.delete(object.id);
      this.staged.deletes.add(object.id);
      this.recorder.count('deletes');
      return;
    }
    if (object.pendingImport?.operation === 'delete') return;
    this.recorder.count('deletes');
    this.staged.upserts.set(object.id, {
      ...object,
      pendingImport: { operation: 'delete', entry: null },
      lastImportRun: this.recorder.runId,
      modifiedAt: now,
    });
  }

  /** After a complete listing: every object the directory did not show is gone from it. */
  private async obsolete(): Promise<void> {
    const query = { notImportedInRun: this.recorder.runId };
    for await (const page of this.ctx.store.scanCs(this.connector, query, this.ctx.batchSize)) {
      for (const object of page) {
        const wasImported = object.synchronizedHologram !== null || object.pendingImport !== null;
        if (!wasImported) {
          // Provisioned by sync and never seen by an import: an add still on its way.
          if (object.escrowedExport) {
            this.staged.upserts.set(object.id, this.confirm(object, null, this.ctx.now().toISOString()));
          }
          continue;
        }
        this.stageDelete(object);
      }
      await this.write(undefined);
    }
  }
}
