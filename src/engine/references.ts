import type { CsObject, Entry } from '../core/connector-space.js';
import { normalizeDn } from '../core/dn.js';
import type { MvObject } from '../core/metaverse.js';
import type { CsLink, DanglingReference } from '../core/state-store.js';
import { isReference, type Attributes, type AttributeValue } from '../core/values.js';
import type { SyncBatch } from './sync-batch.js';

type Resolve = (value: string) => string | undefined;

/**
 * Rewrites the Reference values of an image with `resolve`; values that do not resolve are left
 * out and reported as dangling keys.
 */
function rewriteReferences(attributes: Attributes, resolve: Resolve): { attributes: Attributes; unresolved: string[] } {
  let out: Record<string, readonly AttributeValue[]> | null = null;
  const unresolved: string[] = [];
  for (const name in attributes) {
    const values = attributes[name] as readonly AttributeValue[];
    if (!values.some(isReference)) continue;
    out ??= { ...attributes };
    const rewritten: AttributeValue[] = [];
    for (const value of values) {
      if (!isReference(value)) {
        rewritten.push(value);
        continue;
      }
      const target = resolve(value.ref);
      if (target === undefined) unresolved.push(value.ref);
      else rewritten.push({ ref: target });
    }
    if (rewritten.length > 0) out[name] = rewritten;
    else delete out[name];
  }
  return { attributes: out ?? attributes, unresolved };
}

function collectRefs(attributes: Attributes, into: Set<string>): void {
  for (const name in attributes) {
    for (const value of attributes[name] as readonly AttributeValue[]) if (isReference(value)) into.add(value.ref);
  }
}

/**
 * Inbound: CS reference values (DNs in the same connector space) become MV object ids. One store
 * lookup per connector per batch.
 */
export class InboundReferences {
  private readonly byConnector = new Map<string, Map<string, CsLink>>();

  private constructor(private readonly batch: SyncBatch) {}

  static async prepare(
    batch: SyncBatch,
    images: readonly { cs: CsObject; image: Entry }[],
  ): Promise<InboundReferences> {
    const resolver = new InboundReferences(batch);
    const wanted = new Map<string, Set<string>>();
    for (const { cs, image } of images) {
      let set = wanted.get(cs.connector);
      if (!set) wanted.set(cs.connector, (set = new Set()));
      collectRefs(image.attributes, set);
    }
    for (const [connector, dns] of wanted) {
      if (dns.size === 0) continue;
      resolver.byConnector.set(connector, await batch.ctx.store.findCsLinksByDns(connector, [...dns]));
    }
    return resolver;
  }

  resolve(cs: CsObject, image: Entry): Attributes {
    const found = this.byConnector.get(cs.connector);
    const { attributes, unresolved } = rewriteReferences(image.attributes, (dn) => {
      const hit = found?.get(normalizeDn(dn));
      if (!hit) return undefined;
      const local = this.batch.work.getCs(hit.id);
      return (local ? local.mvId : hit.mvId) ?? undefined;
    });
    const refs: DanglingReference[] = unresolved.map((dn) => ({
      direction: 'in',
      connector: cs.connector,
      key: normalizeDn(dn),
      referrerId: cs.id,
    }));
    this.batch.work.replaceDangling('in', cs.id, refs);
    return attributes;
  }
}

/**
 * Outbound: MV reference values (MV ids) become the DN of the CS object linked to that MV object in
 * the target connector. Objects provisioned earlier in the same batch are found through the working set.
 */
export class OutboundReferences {
  private readonly byConnector = new Map<string, Map<string, CsLink>>();

  private constructor(private readonly batch: SyncBatch) {}

  static async prepare(batch: SyncBatch, objects: readonly MvObject[]): Promise<OutboundReferences> {
    const resolver = new OutboundReferences(batch);
    const ids = new Set<string>();
    for (const object of objects) collectRefs(object.attributes, ids);
    if (ids.size === 0) return resolver;
    const connectors = new Set(batch.ctx.rules.rules.filter((r) => r.direction === 'outbound').map((r) => r.connector));
    for (const connector of connectors) {
      resolver.byConnector.set(connector, await batch.ctx.store.findCsLinksByMvIds(connector, [...ids]));
    }
    return resolver;
  }

  resolve(mv: MvObject, connector: string): { attributes: Attributes; dangling: DanglingReference[] } {
    const stored = this.byConnector.get(connector);
    const { attributes, unresolved } = rewriteReferences(mv.attributes, (mvId) => {
      // Objects provisioned or renamed earlier in this batch are only in the working set.
      const local = this.batch.work.linkedTo(mvId).find((cs) => cs.connector === connector);
      if (local) return local.unappliedExport?.newDn ?? local.dn;
      const link = stored?.get(mvId);
      if (!link) return undefined;
      const current = this.batch.work.getCs(link.id);
      if (current && current.mvId !== mvId) return undefined;
      return current?.unappliedExport?.newDn ?? link.dn;
    });
    const dangling: DanglingReference[] = unresolved.map((key) => ({
      direction: 'out',
      connector,
      key,
      referrerId: mv.id,
    }));
    return { attributes, dangling };
  }
}
