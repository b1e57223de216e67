import type { CsObject, Entry } from '../core/connector-space.js';
import type { Contribution, MvObject } from '../core/metaverse.js';
import { FlowError, PrecedenceMerge, type Contender } from '../core/sync/flows.js';
import type { SyncRule } from '../core/sync-rule.js';
import { valueSetsEqual, type Attributes } from '../core/values.js';
import { computeOutbound, deprovision, prefetchOutboundJoins } from './outbound.js';
import { InboundReferences, OutboundReferences } from './references.js';
import type { SyncBatch } from './sync-batch.js';

/**
 * Recomputes every touched MV object from all the CS objects linked to it (import attribute flow
 * with precedence), deletes MV objects nothing holds any more, then computes their exports.
 */
export async function recomputeTouched(batch: SyncBatch): Promise<void> {
  const ids = [...batch.touched.keys()];
  if (ids.length === 0) return;
  await batch.work.loadMv(ids);
  const images: { cs: CsObject; image: Entry }[] = [];
  for (const id of ids) {
    for (const cs of batch.work.linkedTo(id))
      if (cs.synchronizedHologram) images.push({ cs, image: cs.synchronizedHologram });
  }
  const inbound = await InboundReferences.prepare(batch, images);
  const survivors: MvObject[] = [];
  for (const id of ids) {
    const mv = batch.work.getMv(id);
    if (!mv) continue;
    try {
      const result = recomputeOne(batch, inbound, mv, batch.touched.get(id) ?? false);
      if (result) survivors.push(result);
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      reportFlowError(batch, error, mv.id);
    }
  }
  const outbound = await OutboundReferences.prepare(batch, survivors);
  await prefetchOutboundJoins(batch, survivors);
  for (const mv of survivors) {
    try {
      await computeOutbound(batch, outbound, mv);
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      reportFlowError(batch, error, mv.id);
    }
  }
}

function recomputeOne(batch: SyncBatch, inbound: InboundReferences, mv: MvObject, isNew: boolean): MvObject | null {
  const linked = batch.work.linkedTo(mv.id);
  const offers: Offer[] = [];
  let holders = 0;
  for (const cs of linked) {
    const image = cs.synchronizedHologram;
    if (!image) continue;
    let isHolder = false;
    let source: Attributes | undefined;
    for (const { rule, isInScope } of batch.ctx.rules.inboundRules(cs.connector, image.objectType)) {
      if (rule.mvObjectType !== mv.objectType || !isInScope(image.attributes)) continue;
      if (rule.linkType !== 'join') isHolder = true;
      source ??= inbound.resolve(cs, image);
      offers.push({ cs, source, rule });
    }
    if (isHolder) holders++;
  }
  if (holders === 0) {
    deleteMv(batch, mv, linked);
    return null;
  }
  // Precedence across every linked CS object's rules; the sort is stable, so ties keep CS order.
  if (!isByPrecedence(offers)) offers.sort((a, b) => a.rule.precedence - b.rule.precedence);
  const merge = new PrecedenceMerge();
  for (const { cs, source, rule } of offers) merge.offer(rule, cs.id, source, batch.parameters(cs.connector), isNew);
  const merged = merge.result(mv.attributes);
  if (!isNew && attributesEqual(merged.attributes, mv.attributes)) return mv;
  // One record per winning (rule, CS object), shared by the attributes it supplied.
  const contributions: Record<string, Contribution> = {};
  let last: Contender | null = null;
  let contribution: Contribution | null = null;
  for (const [name, winner] of merged.winners) {
    if (winner !== last || contribution === null) {
      last = winner;
      contribution = { connector: winner.rule.connector, rule: winner.rule.name, csId: winner.csId };
    }
    contributions[name] = contribution;
  }
  const updated: MvObject = { ...mv, attributes: merged.attributes, contributions, modifiedAt: batch.nowIso };
  batch.work.putMv(updated);
  return updated;
}

/** One inbound rule in scope for one linked CS object, with that object's resolved image. */
interface Offer {
  readonly cs: CsObject;
  readonly source: Attributes;
  readonly rule: SyncRule;
}

/** Whether the offers are already in precedence order (one linked CS object's rules are): then no sort, and no garbage. */
function isByPrecedence(offers: readonly Offer[]): boolean {
  let previous = -Infinity;
  for (const { rule } of offers) {
    if (rule.precedence < previous) return false;
    previous = rule.precedence;
  }
  return true;
}

/** No connector holds the MV object any more: it goes, and its provisioned CS objects are deprovisioned. */
function deleteMv(batch: SyncBatch, mv: MvObject, linked: readonly CsObject[]): void {
  for (const cs of linked) {
    if (cs.isProvisioned) {
      deprovision(batch, cs);
    } else {
      batch.work.putCs({ ...cs, mvId: null, linkRule: null, modifiedAt: batch.nowIso });
      batch.recorder.count('disconnects');
    }
  }
  batch.work.replaceDangling('out', mv.id, []);
  batch.work.deleteMv(mv.id);
}

function attributesEqual(a: Attributes, b: Attributes): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) if (!valueSetsEqual(a[name], b[name])) return false;
  return true;
}

function reportFlowError(batch: SyncBatch, error: FlowError, mvId: string): void {
  const linked = batch.work.linkedTo(mvId);
  const source = linked.find((cs) => batch.originals.has(cs.id)) ?? linked[0];
  batch.recorder.issue({
    code: error.code,
    message: error.message,
    mvId,
    rule: error.rule,
    attribute: error.attribute,
    ...(source ? { csId: source.id, dn: source.dn } : {}),
  });
  // Keep the pending imports of this batch's objects so the next sync retries them.
  for (const cs of linked) {
    const original = batch.originals.get(cs.id);
    if (original?.pendingImport) {
      batch.work.putCs({
        ...cs,
        pendingImport: original.pendingImport,
        synchronizedHologram: original.synchronizedHologram,
      });
    }
  }
}
