import { currentImage, type CsObject, type Entry } from '../core/connector-space.js';
import type { MvObject } from '../core/metaverse.js';
import type { CompiledRule } from '../core/sync/rule-set.js';
import { indexKey, type AttributeValue } from '../core/values.js';
import type { SyncBatch } from './sync-batch.js';

/**
 * Inbound processing of one CS object of the connector being synchronized: applies its pending
 * import, then decides its link — join, projection, stays a disconnector, or is disconnected — and
 * marks the MV objects whose attributes must be recomputed.
 */
export async function processInbound(batch: SyncBatch, original: CsObject): Promise<void> {
  const { work, recorder } = batch;
  if (isAwaitingFirstImport(original)) {
    recorder.count('unchanged');
    return;
  }
  const image = currentImage(original);
  if (original.pendingImport?.operation === 'delete' || image === null) {
    if (original.mvId) {
      batch.touch(original.mvId);
      recorder.count('disconnects');
    }
    work.deleteCs(original.id);
    recorder.count('deletes');
    return;
  }
  const hadPendingImport = original.pendingImport !== null;
  let object: CsObject = {
    ...original,
    synchronizedHologram: image,
    pendingImport: null,
    objectType: image.objectType,
  };
  const rules = batch.ctx.rules
    .inboundRules(object.connector, image.objectType)
    .filter((r) => r.isInScope(image.attributes));

  if (object.mvId === null) {
    if (object.connectorState !== 'explicit' && rules.length > 0)
      object = await linkDisconnector(batch, object, image, rules);
    else if (rules.length === 0) recorder.count('filtered');
  } else {
    const mv = work.getMv(object.mvId);
    const isHeld = mv !== undefined && rules.some((r) => r.rule.mvObjectType === mv.objectType);
    const mvId = object.mvId;
    if (!isHeld && object.connectorState !== 'explicit') {
      object = { ...object, mvId: null, linkRule: null };
      recorder.count('disconnects');
    } else if (hadPendingImport) {
      recorder.count('updates');
    } else {
      recorder.count('unchanged');
    }
    batch.touch(mvId);
  }
  const isChanged =
    hadPendingImport ||
    object.mvId !== original.mvId ||
    object.linkRule !== original.linkRule ||
    object.objectType !== original.objectType;
  if (isChanged) work.putCs({ ...object, modifiedAt: batch.nowIso });
}

/**
 * Provisioned by sync and not yet seen by an import: nothing flows in from it, and its export is
 * planned by the sync of the connector its MV object comes from. Its sync needs neither its MV
 * object nor anything linked to it.
 */
export function isAwaitingFirstImport(cs: CsObject): boolean {
  return cs.pendingImport === null && cs.synchronizedHologram === null;
}

async function linkDisconnector(
  batch: SyncBatch,
  object: CsObject,
  image: Entry,
  rules: readonly CompiledRule[],
): Promise<CsObject> {
  const joinRule = rules.find((r) => r.rule.joins.length > 0);
  if (joinRule) {
    const mvId = await findInboundJoin(batch, object, image, joinRule);
    if (mvId) {
      batch.recorder.count('joins');
      batch.work.noteLinkedIn(object);
      batch.touch(mvId);
      return { ...object, mvId, linkRule: joinRule.rule.name };
    }
  }
  const provision = rules.find((r) => r.rule.linkType === 'provision');
  if (!provision) {
    batch.recorder.count('unchanged');
    return object;
  }
  const mv: MvObject = {
    id: batch.ctx.newId(),
    objectType: provision.rule.mvObjectType,
    attributes: {},
    contributions: {},
    modifiedAt: batch.nowIso,
  };
  batch.work.putMv(mv);
  batch.recorder.count('projections');
  batch.work.noteLinkedIn(object);
  batch.touch(mv.id, true);
  return { ...object, mvId: mv.id, linkRule: provision.rule.name };
}

/**
 * Fetches, in one store call per attribute, the join candidates of every disconnector of a batch
 * that an inbound join rule has in scope.
 */
export async function prefetchInboundJoins(batch: SyncBatch, objects: readonly CsObject[]): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const object of objects) {
    const image = currentImage(object);
    if (object.mvId !== null || !image || object.pendingImport?.operation === 'delete') continue;
    for (const compiled of batch.ctx.rules.inboundRules(object.connector, image.objectType)) {
      if (compiled.rule.joins.length === 0 || !compiled.isInScope(image.attributes)) continue;
      for (const condition of compiled.rule.joins.flat()) {
        let keys = wanted.get(condition.mvAttribute);
        if (!keys) wanted.set(condition.mvAttribute, (keys = new Set()));
        for (const value of image.attributes[condition.csAttribute] ?? []) keys.add(indexKey(value));
      }
    }
  }
  for (const [attribute, keys] of wanted) await batch.joins.prefetchMv(attribute, keys);
}

/**
 * Join groups in order; the first group that yields exactly one MV object of the rule's type, not
 * already linked to an object of this connector, wins.
 */
async function findInboundJoin(
  batch: SyncBatch,
  object: CsObject,
  image: Entry,
  compiled: CompiledRule,
): Promise<string | null> {
  const rule = compiled.rule;
  for (const group of rule.joins) {
    let candidates: Set<string> | null = null;
    for (const condition of group) {
      const values = image.attributes[condition.csAttribute] ?? [];
      if (values.length === 0) {
        candidates = new Set();
        break;
      }
      const hits = await batch.joins.findMv(condition.mvAttribute, values.map(indexKey));
      candidates = intersect(candidates, hits);
      if (candidates.size === 0) break;
    }
    if (!candidates || candidates.size === 0) continue;
    await batch.work.loadMv(candidates);
    const matches = [...candidates].filter((id) => {
      const mv = batch.work.getMv(id);
      if (!mv || mv.objectType !== rule.mvObjectType) return false;
      if (
        !group.every((c) =>
          joinValuesMatch(image.attributes[c.csAttribute], mv.attributes[c.mvAttribute], c.isCaseSensitive),
        )
      ) {
        return false;
      }
      return !batch.work.linkedTo(id).some((cs) => cs.connector === object.connector);
    });
    if (matches.length === 1) return matches[0] as string;
    if (matches.length > 1) {
      batch.recorder.issue({
        code: 'ambiguous-join',
        message: `sync rule "${rule.name}": ${object.dn} matches ${matches.length} metaverse objects by join group ${rule.joins.indexOf(group) + 1}; trying the next group`,
        csId: object.id,
        dn: object.dn,
        rule: rule.name,
      });
    }
  }
  return null;
}

export function joinValuesMatch(
  left: readonly AttributeValue[] | undefined,
  right: readonly AttributeValue[] | undefined,
  isCaseSensitive: boolean,
): boolean {
  if (!left || !right) return false;
  const key = (v: AttributeValue) => (isCaseSensitive && typeof v === 'string' ? 's:' + v : indexKey(v));
  const keys = new Set(right.map(key));
  return left.some((v) => keys.has(key(v)));
}

/** Candidates so far (null: none yet) narrowed to the ids found for one more join condition. */
export function intersect(candidates: Set<string> | null, hits: ReadonlyMap<string, readonly string[]>): Set<string> {
  const ids = new Set<string>();
  for (const list of hits.values()) for (const id of list) if (candidates === null || candidates.has(id)) ids.add(id);
  return ids;
}
