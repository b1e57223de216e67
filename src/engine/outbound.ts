import { createCsObject, currentImage, type CsObject, type ObjectDelta } from '../core/connector-space.js';
import { applyDelta, diffAttributes } from '../core/delta.js';
import { normalizeDn } from '../core/dn.js';
import type { MvObject } from '../core/metaverse.js';
import type { DanglingReference } from '../core/state-store.js';
import { PrecedenceMerge } from '../core/sync/flows.js';
import type { CompiledRule } from '../core/sync/rule-set.js';
import { DN_TARGET } from '../core/sync-rule.js';
import { indexKey, valueSetsEqual, type Attributes } from '../core/values.js';
import { intersect, joinValuesMatch } from './inbound.js';
import type { OutboundReferences } from './references.js';
import type { SyncBatch } from './sync-batch.js';

/**
 * Outbound synchronization of one MV object: per target connector, provisions (after trying an
 * outbound join), deprovisions, or recomputes the unapplied export from the export attribute flows.
 */
export async function computeOutbound(batch: SyncBatch, references: OutboundReferences, mv: MvObject): Promise<void> {
  const byConnector = new Map<string, CompiledRule[]>();
  for (const compiled of batch.ctx.rules.outboundRules(mv.objectType)) {
    const list = byConnector.get(compiled.rule.connector) ?? [];
    list.push(compiled);
    byConnector.set(compiled.rule.connector, list);
  }
  const dangling: DanglingReference[] = [];
  for (const [connector, rules] of byConnector) {
    const inScope = rules.filter((r) => r.isInScope(mv.attributes));
    let target = batch.work.linkedTo(mv.id).find((cs) => cs.connector === connector);
    if (target && inScope.length === 0) {
      // Only objects this rule set provisioned (or joined to provision) are deprovisioned;
      // an object joined by another rule keeps its link and simply stops receiving exports.
      if (target.isProvisioned && target.connectorState !== 'explicit') deprovision(batch, target);
      else if (target.unappliedExport) batch.work.putCs({ ...target, unappliedExport: null, modifiedAt: batch.nowIso });
      continue;
    }
    if (!target) {
      if (inScope.length === 0) continue;
      target = await joinOutbound(batch, connector, mv, inScope);
      if (!target && !inScope.some((r) => r.rule.linkType === 'provision')) continue;
    }
    const resolved = references.resolve(mv, connector);
    dangling.push(...resolved.dangling);
    planExport(batch, connector, mv, resolved.attributes, inScope, target);
  }
  batch.work.replaceDangling('out', mv.id, dangling);
}

/**
 * Fetches, in one store call per connector and attribute, the outbound join candidates of every
 * MV object of a batch that has no CS object yet in a connector its outbound join rules target.
 */
export async function prefetchOutboundJoins(batch: SyncBatch, objects: readonly MvObject[]): Promise<void> {
  const wanted = new Map<string, { connector: string; attribute: string; keys: Set<string> }>();
  for (const mv of objects) {
    const linked = new Set(batch.work.linkedTo(mv.id).map((cs) => cs.connector));
    for (const compiled of batch.ctx.rules.outboundRules(mv.objectType)) {
      const rule = compiled.rule;
      if (rule.joins.length === 0 || linked.has(rule.connector) || !compiled.isInScope(mv.attributes)) continue;
      for (const condition of rule.joins.flat()) {
        const id = `${rule.connector}\u0000${condition.csAttribute}`;
        let entry = wanted.get(id);
        if (!entry)
          wanted.set(id, (entry = { connector: rule.connector, attribute: condition.csAttribute, keys: new Set() }));
        for (const value of mv.attributes[condition.mvAttribute] ?? []) entry.keys.add(indexKey(value));
      }
    }
  }
  for (const { connector, attribute, keys } of wanted.values())
    await batch.joins.prefetchCs(connector, attribute, keys);
}

/** Outbound join: a disconnector in the target connector space that matches a join group exactly once. */
async function joinOutbound(
  batch: SyncBatch,
  connector: string,
  mv: MvObject,
  inScope: readonly CompiledRule[],
): Promise<CsObject | undefined> {
  const compiled = inScope.find((r) => r.rule.joins.length > 0);
  if (!compiled) return undefined;
  const rule = compiled.rule;
  for (const group of rule.joins) {
    let candidates: Set<string> | null = null;
    for (const condition of group) {
      const values = mv.attributes[condition.mvAttribute] ?? [];
      const hits =
        values.length > 0
          ? await batch.joins.findCs(connector, condition.csAttribute, values.map(indexKey))
          : new Map<string, string[]>();
      candidates = intersect(candidates, hits);
      if (candidates.size === 0) break;
    }
    if (!candidates || candidates.size === 0) continue;
    batch.work.seedCs(await batch.ctx.store.getCsObjects([...candidates]));
    const matches = [...candidates]
      .map((id) => batch.work.getCs(id))
      .filter((cs): cs is CsObject => {
        const image = cs ? currentImage(cs) : null;
        if (!cs || !image || cs.mvId !== null || cs.objectType !== rule.csObjectType) return false;
        return group.every((c) =>
          joinValuesMatch(image.attributes[c.csAttribute], mv.attributes[c.mvAttribute], c.isCaseSensitive),
        );
      });
    if (matches.length !== 1) continue;
    const provision = inScope.find((r) => r.rule.linkType === 'provision');
    const joined: CsObject = {
      ...(matches[0] as CsObject),
      mvId: mv.id,
      linkRule: (provision ?? compiled).rule.name,
      isProvisioned: provision !== undefined,
      modifiedAt: batch.nowIso,
    };
    batch.work.putCs(joined);
    batch.work.noteLinkedOut(connector, mv.id);
    batch.recorder.count('joins');
    return joined;
  }
  return undefined;
}

function planExport(
  batch: SyncBatch,
  connector: string,
  mv: MvObject,
  source: Attributes,
  inScope: readonly CompiledRule[],
  target: CsObject | undefined,
): void {
  // `inScope` is in precedence order, as the merge needs.
  const merge = new PrecedenceMerge();
  const parameters = batch.parameters(connector);
  for (const { rule } of inScope) merge.offer(rule, target?.id ?? '', source, parameters, target === undefined);
  const base = target ? currentImage(target) : null;
  const expected = target?.escrowedExport ? applyDelta(base, target.escrowedExport) : base;
  const merged = merge.result(expected?.attributes ?? {});
  const dnValue = merged.attributes[DN_TARGET]?.[0];
  const desiredDn = typeof dnValue === 'string' && dnValue !== '' ? dnValue : undefined;
  delete merged.attributes[DN_TARGET];
  const managed: string[] = [];
  for (const name of merge.targets()) if (name !== DN_TARGET) managed.push(name);
  const sources: Record<string, string> = {};
  for (const [name, winner] of merged.winners) if (name !== DN_TARGET) sources[name] = winner.rule.name;
  const objectType = target?.objectType ?? (inScope[0] as CompiledRule).rule.csObjectType;

  let delta: ObjectDelta | null;
  if (!expected) {
    const dn = desiredDn ?? target?.dn;
    if (!dn) {
      batch.recorder.issue({
        code: 'missing-provisioning-attribute',
        message: `outbound rules to connector "${connector}" gave no DN for ${mv.objectType} ${mv.id}: a provisioning rule needs a "dn" flow with a value`,
        mvId: mv.id,
        attribute: DN_TARGET,
      });
      return;
    }
    delta = { operation: 'add', dn, objectType, changes: diffAttributes({}, merged.attributes, managed), sources };
  } else {
    const changes = diffAttributes(expected.attributes, merged.attributes, managed);
    const isRename = desiredDn !== undefined && normalizeDn(desiredDn) !== normalizeDn(expected.dn);
    delta =
      changes.length > 0 || isRename
        ? {
            operation: 'update',
            dn: expected.dn,
            ...(isRename ? { newDn: desiredDn } : {}),
            objectType,
            changes,
            sources: Object.fromEntries(changes.map((c) => [c.name, sources[c.name] ?? ''])),
          }
        : null;
  }

  if (!target) {
    if (!delta) return;
    const provision = inScope.find((r) => r.rule.linkType === 'provision') as CompiledRule;
    batch.work.putCs(
      createCsObject({
        id: batch.ctx.newId(),
        connector,
        dn: delta.dn,
        objectType,
        unappliedExport: delta,
        mvId: mv.id,
        linkRule: provision.rule.name,
        isProvisioned: true,
        modifiedAt: batch.nowIso,
      }),
    );
    batch.work.noteLinkedOut(connector, mv.id);
    batch.recorder.count('provisions');
    return;
  }
  if (!deltasEqual(delta, target.unappliedExport)) {
    batch.work.putCs({ ...target, unappliedExport: delta, modifiedAt: batch.nowIso });
  }
}

/**
 * The MV object left the rule's scope or went away: the CS object is deleted (an unapplied delete
 * export, or dropped at once if it never reached the directory) or just disconnected, as the rule says.
 */
export function deprovision(batch: SyncBatch, cs: CsObject): void {
  const rule = batch.ctx.rules.rules.find((r) => r.name === cs.linkRule);
  const action = cs.isProvisioned ? (rule?.deprovision ?? 'delete') : 'disconnect';
  batch.recorder.count(action === 'delete' ? 'deprovisions' : 'disconnects');
  if (action !== 'delete') {
    batch.work.putCs({ ...cs, mvId: null, linkRule: null, isProvisioned: false, modifiedAt: batch.nowIso });
    return;
  }
  const isInDirectory = cs.synchronizedHologram !== null || cs.pendingImport !== null || cs.escrowedExport !== null;
  if (!isInDirectory) {
    batch.work.deleteCs(cs.id);
    return;
  }
  batch.work.putCs({
    ...cs,
    mvId: null,
    linkRule: null,
    unappliedExport: { operation: 'delete', dn: cs.dn, objectType: cs.objectType, changes: [] },
    modifiedAt: batch.nowIso,
  });
}

function deltasEqual(a: ObjectDelta | null, b: ObjectDelta | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.operation !== b.operation || a.dn !== b.dn || a.newDn !== b.newDn || a.changes.length !== b.changes.length) {
    return false;
  }
  return a.changes.every((change, i) => {
    const other = b.changes[i];
    if (!other || other.name !== change.name || other.operation !== change.operation) return false;
    if (change.operation === 'update' && other.operation === 'update') {
      return valueSetsEqual(change.add, other.add) && valueSetsEqual(change.remove, other.remove);
    }
    if ((change.operation === 'add' || change.operation === 'replace') && other.operation === change.operation) {
      return valueSetsEqual(change.values, other.values);
    }
    return true;
  });
}
