import type { ExportRequest, ExportResult } from '../core/connector.js';
import { currentImage, type CsObject } from '../core/connector-space.js';
import { applyDelta, composeDeltas } from '../core/delta.js';
import { ConnectorError } from '../core/errors.js';
import type { RunCounter, RunStatus } from '../core/run-history.js';
import type { EngineContext } from './context.js';
import { RunRecorder, type RunSummary } from './run-recorder.js';

const EXPORT_COUNTERS: Readonly<Record<string, RunCounter>> = {
  add: 'exportAdds',
  update: 'exportUpdates',
  replace: 'exportUpdates',
  delete: 'exportDeletes',
  'delete-add': 'exportAdds',
};

/**
 * The deletion threshold (Entra Connect's "prevent accidental deletes"): returns a message when the
 * pending deletes exceed it, so the export stops before its first write.
 */
export async function checkDeletionThreshold(ctx: EngineContext, connector: string): Promise<string | null> {
  const { count, percent } = ctx.deletionThreshold;
  const deletes = (await ctx.store.countPendingExports(connector)).delete ?? 0;
  if (deletes === 0) return null;
  if (count > 0 && deletes > count) {
    return `connector "${connector}": ${deletes} pending deletes exceed the deletion threshold of ${count}; nothing was exported. Review them with "idsync pending ${connector} --operation delete", then raise the threshold or export with the threshold disabled.`;
  }
  if (percent !== null) {
    const total = await ctx.store.countCs(connector, {});
    if (total > 0 && (deletes * 100) / total > percent) {
      return `connector "${connector}": ${deletes} pending deletes are more than ${percent}% of ${total} objects; nothing was exported.`;
    }
  }
  return null;
}

/**
 * Export: sends every unapplied export to the directory; each success moves to escrow until a
 * confirming import shows it, each failure becomes the object's export error (kept for retry).
 */
export async function runExport(ctx: EngineContext, connectorName: string, note: string | null): Promise<RunSummary> {
  const connector = ctx.connectors.get(connectorName);
  if (!connector) throw new Error(`no connector "${connectorName}"`);
  const recorder = await RunRecorder.start(ctx.store, connectorName, 'export', ctx.now);
  if (note) recorder.note(note);
  const refusal = await checkDeletionThreshold(ctx, connectorName);
  if (refusal) {
    recorder.note(refusal);
    return recorder.finish('stopped-deletion-threshold-exceeded');
  }
  const sent = new Map<string, CsObject>();
  async function* requests(): AsyncIterable<ExportRequest> {
    for await (const page of ctx.store.scanCs(connectorName, { hasPendingExport: true }, ctx.batchSize)) {
      for (const cs of page) {
        if (!cs.unappliedExport) continue;
        sent.set(cs.id, cs);
        yield toRequest(cs);
      }
    }
  }
  let status: RunStatus;
  let buffered: ExportResult[] = [];
  try {
    for await (const result of connector.export(requests())) {
      buffered.push(result);
      if (buffered.length >= ctx.batchSize) {
        await applyResults(ctx, recorder, sent, buffered);
        buffered = [];
      }
    }
    await applyResults(ctx, recorder, sent, buffered);
    const exported = ['exportAdds', 'exportUpdates', 'exportRenames', 'exportDeletes'] as const;
    const total = exported.reduce((sum, c) => sum + recorder.counters[c], 0);
    status =
      recorder.counters.errors > 0 ? 'completed-export-errors' : total === 0 ? 'completed-no-objects' : 'success';
  } catch (error) {
    await applyResults(ctx, recorder, sent, buffered);
    if (!(error instanceof ConnectorError)) {
      await recorder.finish('stopped-server');
      throw error;
    }
    recorder.note(error.message);
    status = 'stopped-connectivity';
  }
  return recorder.finish(status);
}

function toRequest(cs: CsObject): ExportRequest {
  const delta = cs.unappliedExport;
  if (!delta) throw new Error('no unapplied export');
  const base = currentImage(cs);
  const expected = cs.escrowedExport ? applyDelta(base, cs.escrowedExport) : base;
  return {
    csId: cs.id,
    dn: delta.operation === 'add' ? delta.dn : (expected?.dn ?? cs.dn),
    anchor: cs.anchor,
    objectType: cs.objectType,
    delta,
    target: applyDelta(expected, delta),
  };
}

async function applyResults(
  ctx: EngineContext,
  recorder: RunRecorder,
  sent: Map<string, CsObject>,
  results: readonly ExportResult[],
): Promise<void> {
  if (results.length === 0) return;
  const now = ctx.now().toISOString();
  const upserts: CsObject[] = [];
  for (const result of results) {
    const cs = sent.get(result.csId);
    const delta = cs?.unappliedExport;
    if (!cs || !delta) continue;
    sent.delete(result.csId);
    if (result.ok) {
      recorder.count(
        delta.newDn && delta.changes.length === 0
          ? 'exportRenames'
          : (EXPORT_COUNTERS[delta.operation] ?? 'exportUpdates'),
      );
      upserts.push({
        ...cs,
        anchor: result.anchor ?? cs.anchor,
        dn: result.dn ?? delta.newDn ?? (delta.operation === 'add' ? delta.dn : cs.dn),
        unappliedExport: null,
        escrowedExport: cs.escrowedExport ? composeDeltas(cs.escrowedExport, delta) : delta,
        exportError: null,
        modifiedAt: now,
      });
      continue;
    }
    const error = result.error;
    recorder.issue({ code: error.type, message: error.message, csId: cs.id, dn: delta.dn });
    upserts.push({
      ...cs,
      exportError: {
        type: error.type,
        ...(error.code !== undefined ? { code: error.code } : {}),
        message: error.message,
        ...(error.detail !== undefined ? { detail: error.detail } : {}),
        firstOccurred: cs.exportError?.firstOccurred ?? now,
        dateOccurred: now,
        retryCount: (cs.exportError?.retryCount ?? 0) + 1,
      },
      modifiedAt: now,
    });
  }
  const runIssues = recorder.takeIssues();
  await ctx.store.apply({ csUpserts: upserts, ...(runIssues ? { runIssues } : {}) });
}
