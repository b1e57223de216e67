import { normalizeDn } from '../../core/dn.js';
import type { ExportRequest, ExportResult } from '../../core/connector.js';
import {
  applyAttributeChanges,
  anchorOf,
  generateAnchor,
  replaceAttributes,
  type FileObject,
  type FileSchema,
} from './file-object.js';
import type { FileFormat } from './file-format.js';

/** An object of the file that requests refer to (found by the first read of an export). */
export interface IndexedObject {
  readonly ordinal: number;
  readonly dn: string;
  readonly anchor: string | null;
}

/** The outcome of planning: results, changes to objects of the file, objects to append. */
export interface ExportPlan {
  /** One per request, in request order; `ok` ones hold only once the rewrite has committed. */
  readonly results: ExportResult[];
  /** Requests to apply to the file's objects, by item ordinal, in request order. */
  readonly changes: ReadonlyMap<number, readonly ExportRequest[]>;
  /** Objects created by the export (already changed by later requests of the batch). */
  readonly created: readonly FileObject[];
}

type Slot =
  | { readonly kind: 'file'; readonly ordinal: number; dn: string; readonly anchor: string | null }
  | { readonly kind: 'new'; readonly object: FileObject; dn: string; readonly anchor: string | null };

/** The keys a first read must index: anchors and normalized DNs named by the requests. */
export function keysOf(requests: readonly ExportRequest[]): { anchors: Set<string>; dns: Set<string> } {
  const anchors = new Set<string>();
  const dns = new Set<string>();
  for (const r of requests) {
    if (r.anchor !== null) anchors.add(r.anchor);
    dns.add(normalizeDn(r.dn));
    if (r.delta.newDn !== undefined) dns.add(normalizeDn(r.delta.newDn));
  }
  return { anchors, dns };
}

function failure(csId: string, type: string, message: string): ExportResult {
  return { csId, ok: false, error: { type, message, isRetryable: false } };
}

function success(csId: string, anchor: string | null, dn: string): ExportResult {
  return anchor === null ? { csId, ok: true, dn } : { csId, ok: true, anchor, dn };
}

/**
 * Plans an export batch against the indexed objects of the file, simulating the requests in order so
 * that later requests see earlier ones (an add then an update of the same object, a rename freeing a DN).
 */
export function planExport(
  requests: readonly ExportRequest[],
  indexed: readonly IndexedObject[],
  schema: FileSchema,
  format: FileFormat,
  shouldGenerateAnchor: boolean,
): ExportPlan {
  const byAnchor = new Map<string, Slot>();
  const byDn = new Map<string, Slot>();
  for (const o of indexed) {
    const slot: Slot = { kind: 'file', ordinal: o.ordinal, dn: o.dn, anchor: o.anchor };
    if (o.anchor !== null && !byAnchor.has(o.anchor)) byAnchor.set(o.anchor, slot);
    if (!byDn.has(normalizeDn(o.dn))) byDn.set(normalizeDn(o.dn), slot);
  }
  const results: ExportResult[] = [];
  const changes = new Map<number, ExportRequest[]>();
  const created: FileObject[] = [];

  const add = (request: ExportRequest): ExportResult => {
    const { csId, dn } = request;
    if (byDn.has(normalizeDn(dn)) || (request.anchor !== null && byAnchor.has(request.anchor))) {
      return failure(csId, 'cd-existing-object', `object "${dn}" already exists in the file`);
    }
    const problem = format.checkChanges(request.delta.changes);
    if (problem !== null) return failure(csId, 'syntax-violation', `object "${dn}": ${problem}`);
    const object: FileObject = { dn, objectType: request.objectType, attributes: new Map() };
    if (request.delta.changes.length > 0) applyAttributeChanges(object, request.delta.changes);
    else if (request.target) replaceAttributes(object, request.target.attributes);
    format.completeObject(object);
    let anchor = anchorOf(object, schema);
    if (anchor === null && request.anchor !== null) anchor = request.anchor;
    else if (anchor === null && shouldGenerateAnchor) anchor = generateAnchor(object, schema);
    if (anchor === null) {
      return failure(
        csId,
        'syntax-violation',
        `add of "${dn}" has no value for anchor attribute "${schema.anchorAttribute}"`,
      );
    }
    const slot: Slot = { kind: 'new', object, dn, anchor };
    byAnchor.set(anchor, slot);
    byDn.set(normalizeDn(dn), slot);
    created.push(object);
    return success(csId, anchor, dn);
  };

  const change = (request: ExportRequest): ExportResult => {
    const { csId, delta } = request;
    const slot = request.anchor !== null ? byAnchor.get(request.anchor) : byDn.get(normalizeDn(request.dn));
    if (!slot) {
      if (delta.operation === 'delete-add') return add(request);
      return failure(csId, 'cd-missing-object', `object "${request.dn}" is not in the file`);
    }
    const anchor = slot.anchor ?? request.anchor;
    if (delta.operation === 'delete') {
      if (slot.anchor !== null) byAnchor.delete(slot.anchor);
      byDn.delete(normalizeDn(slot.dn));
      if (slot.kind === 'new') created.splice(created.indexOf(slot.object), 1);
      else changes.set(slot.ordinal, [...(changes.get(slot.ordinal) ?? []), request]);
      return success(csId, anchor, slot.dn);
    }
    const newDn = delta.newDn;
    if (newDn !== undefined && normalizeDn(newDn) !== normalizeDn(slot.dn) && byDn.has(normalizeDn(newDn))) {
      return failure(
        csId,
        'rename-to-existing-dn',
        `cannot rename "${slot.dn}" to "${newDn}": an object with that DN exists`,
      );
    }
    const problem = format.checkChanges(delta.changes);
    if (problem !== null) return failure(csId, 'syntax-violation', `object "${slot.dn}": ${problem}`);
    if (slot.kind === 'new') applyRequest(slot.object, request, schema, format);
    else changes.set(slot.ordinal, [...(changes.get(slot.ordinal) ?? []), request]);
    if (newDn !== undefined) {
      byDn.delete(normalizeDn(slot.dn));
      slot.dn = newDn;
      byDn.set(normalizeDn(newDn), slot);
    }
    return success(csId, anchor, slot.dn);
  };

  for (const request of requests) results.push(request.delta.operation === 'add' ? add(request) : change(request));
  return { results, changes, created };
}

/**
 * Applies one planned request to an object; returns false when the request deletes it.
 * `replace`/`delete-add` replace every attribute but keep the anchor, as the directory would.
 */
export function applyRequest(
  object: FileObject,
  request: ExportRequest,
  schema: FileSchema,
  format: FileFormat,
): boolean {
  const { delta } = request;
  if (delta.operation === 'delete') return false;
  if (delta.operation === 'replace' || delta.operation === 'delete-add') {
    const anchorKey = schema.anchorAttribute.toLowerCase();
    const anchorAttribute = object.attributes.get(anchorKey);
    if (request.target) replaceAttributes(object, request.target.attributes);
    else replaceAttributes(object, {});
    if (!request.target) applyAttributeChanges(object, delta.changes);
    if (anchorAttribute && !object.attributes.has(anchorKey)) object.attributes.set(anchorKey, anchorAttribute);
    object.objectType = request.objectType;
    format.completeObject(object);
  } else {
    applyAttributeChanges(object, delta.changes);
  }
  if (delta.newDn !== undefined) object.dn = delta.newDn;
  return true;
}
