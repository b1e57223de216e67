import type { CsObject } from '../core/connector-space.js';
import type { RunStatus } from '../core/run-history.js';
import type { CsQuery } from '../core/state-store.js';
import type { EngineContext } from './context.js';
import { isAwaitingFirstImport, prefetchInboundJoins, processInbound } from './inbound.js';
import { recomputeTouched } from './metaverse-flow.js';
import { RunRecorder, type RunSummary } from './run-recorder.js';
import { SyncBatch } from './sync-batch.js';

/** Bounds the rounds of re-synchronizing referrers after their references became resolvable. */
const MAX_REFERENCE_ROUNDS = 10;
const KEY_CHUNK = 500;

/**
 * Full sync (every object of the connector space; `reevaluate-flow-connectors`) or delta sync
 * (objects with pending imports; `apply-pending`). Each batch is synchronized inbound and
 * outbound and committed in one transaction. Referrers whose references were waiting for an
 * object linked in this run are re-synchronized at the end.
 */
export async function runSync(
  ctx: EngineContext,
  connector: string,
  profile: 'full-sync' | 'delta-sync',
): Promise<RunSummary> {
  const recorder = await RunRecorder.start(ctx.store, connector, profile, ctx.now);
  // Objects provisioned and not yet imported have nothing to flow in (see `isAwaitingFirstImport`):
  // a full sync counts them unchanged without reading their towers. After an initial cycle that is
  // every object of the target connector.
  const query: CsQuery = profile === 'full-sync' ? { hasImage: true } : { hasPendingImport: true };
  const linkedIn: { connector: string; key: string }[] = [];
  const linkedOut: { connector: string; key: string }[] = [];
  let processed = 0;
  let status: RunStatus | null = null;
  try {
    if (profile === 'full-sync') {
      processed = await ctx.store.countCs(connector, { hasImage: false });
      recorder.count('unchanged', processed);
    }
    for await (const page of ctx.store.scanCs(connector, query, ctx.batchSize)) {
      const batch = await syncBatch(ctx, recorder, page);
      linkedIn.push(...batch.work.linkedIn);
      linkedOut.push(...batch.work.linkedOut);
      processed += page.length;
      ctx.onProgress({ connector, step: profile, processed });
      if (recorder.errorLimitReached) {
        status = 'stopped-error-limit';
        break;
      }
    }
    if (status === null) await resolveReferrers(ctx, recorder, linkedIn, linkedOut);
  } catch (error) {
    await recorder.finish('stopped-server');
    throw error;
  }
  return recorder.finish(status ?? (recorder.counters.errors > 0 ? 'completed-sync-errors' : 'success'));
}

async function syncBatch(ctx: EngineContext, recorder: RunRecorder, page: readonly CsObject[]): Promise<SyncBatch> {
  const batch = new SyncBatch(ctx, recorder);
  batch.work.seedCs(page);
  for (const object of page) batch.originals.set(object.id, object);
  await batch.work.loadMv(page.flatMap((cs) => (cs.mvId && !isAwaitingFirstImport(cs) ? [cs.mvId] : [])));
  await prefetchInboundJoins(batch, page);
  for (const object of page) {
    await processInbound(batch, batch.work.getCs(object.id) ?? object);
  }
  await recomputeTouched(batch);
  await batch.work.commit(recorder.takeIssues());
  return batch;
}

/** Re-synchronizes MV objects whose references can now be resolved, until nothing new links. */
async function resolveReferrers(
  ctx: EngineContext,
  recorder: RunRecorder,
  linkedIn: { connector: string; key: string }[],
  linkedOut: { connector: string; key: string }[],
): Promise<void> {
  let inKeys = linkedIn;
  let outKeys = linkedOut;
  for (let round = 0; round < MAX_REFERENCE_ROUNDS && inKeys.length + outKeys.length > 0; round++) {
    const mvIds = new Set<string>();
    const inReferrers = new Set<string>();
    for (const [connector, keys] of groupKeys(inKeys)) {
      for (let i = 0; i < keys.length; i += KEY_CHUNK) {
        for (const ref of await ctx.store.findDanglingReferences('in', connector, keys.slice(i, i + KEY_CHUNK))) {
          inReferrers.add(ref.referrerId);
        }
      }
    }
    const referrers = [...inReferrers];
    for (let i = 0; i < referrers.length; i += KEY_CHUNK) {
      for (const cs of await ctx.store.getCsObjects(referrers.slice(i, i + KEY_CHUNK))) if (cs.mvId) mvIds.add(cs.mvId);
    }
    for (const [connector, keys] of groupKeys(outKeys)) {
      for (let i = 0; i < keys.length; i += KEY_CHUNK) {
        for (const ref of await ctx.store.findDanglingReferences('out', connector, keys.slice(i, i + KEY_CHUNK))) {
          mvIds.add(ref.referrerId);
        }
      }
    }
    inKeys = [];
    outKeys = [];
    const ids = [...mvIds];
    for (let i = 0; i < ids.length; i += ctx.batchSize) {
      const batch = new SyncBatch(ctx, recorder);
      for (const id of ids.slice(i, i + ctx.batchSize)) batch.touch(id);
      await recomputeTouched(batch);
      await batch.work.commit(recorder.takeIssues());
      inKeys.push(...batch.work.linkedIn);
      outKeys.push(...batch.work.linkedOut);
    }
  }
}

function groupKeys(keys: readonly { connector: string; key: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { connector, key } of keys) {
    const list = out.get(connector) ?? [];
    list.push(key);
    out.set(connector, list);
  }
  return out;
}
