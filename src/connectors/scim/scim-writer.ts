import type { ScimConnectorConfig } from '../../config/index.js';
import type { ExportRequest, ExportResult } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import { isReference, valueKey, type Attributes, type AttributeValue } from '../../core/values.js';
import { exportFailureOf, ScimBodyError, ScimHttpError, ScimLostResponseError } from './scim-errors.js';
import type { ScimHttp } from './scim-http.js';
import { buildResource, scalarOf } from './scim-mapping.js';
import { patchMessage, planPatch, UnknownAttributeError, type PatchOperation } from './scim-patch.js';
import type { ScimReferences } from './scim-references.js';
import { RESOURCE_TYPES, VERSION_ATTRIBUTE, type ResourceTypeInfo, type ScimObjectType } from './scim-schema.js';

/** A request whose references name objects the service does not have yet; retried at the end of the run. */
export const DEFERRED = Symbol('deferred');

type Settings = Pick<ScimConnectorConfig, 'name' | 'usePut' | 'useETags' | 'matchBeforeCreate' | 'objectTypes'>;

/** Reference lookups in flight per request (a group with many new members). */
const LOOKUPS_AT_ONCE = 8;

/**
 * Writes one pending export to the service: POST for adds (after looking for the same object by
 * externalId/userName), PATCH (or PUT) for updates, DELETE for deletes. Per-object failures become
 * failed results; 401/403 and an unreachable service throw and stop the run.
 */
export class ScimWriter {
  constructor(
    private readonly settings: Settings,
    private readonly http: ScimHttp,
    private readonly refs: ScimReferences,
  ) {}

  async write(
    request: ExportRequest,
    isLastChance: boolean,
    signal?: AbortSignal,
  ): Promise<ExportResult | typeof DEFERRED> {
    const type = (this.settings.objectTypes as readonly string[]).includes(request.objectType)
      ? RESOURCE_TYPES[request.objectType as ScimObjectType]
      : undefined;
    if (!type) {
      const message = `connector "${this.settings.name}": object type "${request.objectType}" is not one this SCIM connector writes (${this.settings.objectTypes.join(', ')})`;
      return { csId: request.csId, ok: false, error: { type: 'cd-error', message, isRetryable: false } };
    }
    try {
      return await this.apply(type, request, isLastChance, signal);
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      if (error instanceof UnknownAttributeError) {
        const message = `connector "${this.settings.name}": ${error.message}`;
        return {
          csId: request.csId,
          ok: false,
          error: { type: 'cd-error', code: 'unknown-attribute', message, isRetryable: false },
        };
      }
      // A write whose answer never arrived may have been applied: it goes to escrow, and the next
      // (confirming) import shows whether it landed; if not, sync computes it again.
      if (error instanceof ScimLostResponseError && error.method !== 'GET') return { csId: request.csId, ok: true };
      if (error instanceof ScimHttpError || error instanceof ScimBodyError || error instanceof ScimLostResponseError) {
        return { csId: request.csId, ok: false, error: exportFailureOf(error) };
      }
      throw error;
    }
  }

  private async apply(
    type: ResourceTypeInfo,
    request: ExportRequest,
    isLastChance: boolean,
    signal?: AbortSignal,
  ): Promise<ExportResult | typeof DEFERRED> {
    const { delta } = request;
    const ok = (anchor?: string): ExportResult =>
      anchor !== undefined ? { csId: request.csId, ok: true, anchor } : { csId: request.csId, ok: true };
    switch (delta.operation) {
      case 'delete':
        await this.remove(type, request, signal);
        return ok();
      case 'delete-add':
        await this.remove(type, request, signal);
        return this.create(type, request, isLastChance, signal);
      case 'add':
        return this.create(type, request, isLastChance, signal);
      case 'update':
      case 'replace':
        return this.update(type, request, isLastChance, signal);
    }
  }

  private async remove(type: ResourceTypeInfo, request: ExportRequest, signal?: AbortSignal): Promise<void> {
    const id = request.anchor ?? (await this.refs.idOf(request.dn, signal));
    if (id === undefined) return;
    try {
      await this.http.send({ method: 'DELETE', path: `${type.endpoint}/${encodeURIComponent(id)}`, ...sig(signal) });
    } catch (error) {
      // Already gone is what a delete wants.
      if (!(error instanceof ScimHttpError && error.status === 404)) throw error;
    }
    this.refs.forget(request.dn, id);
  }

  /** SCIM ids for every reference in `attributes`; `missing` lists the DNs the service does not have. */
  private async resolve(
    attributes: Attributes,
    signal?: AbortSignal,
  ): Promise<{ refId: (v: AttributeValue) => string | undefined; missing: string[] }> {
    const dns = new Set<string>();
    for (const values of Object.values(attributes)) for (const v of values) if (isReference(v)) dns.add(v.ref);
    const ids = new Map<string, string>();
    const missing: string[] = [];
    const all = [...dns];
    for (let i = 0; i < all.length; i += LOOKUPS_AT_ONCE) {
      const chunk = all.slice(i, i + LOOKUPS_AT_ONCE);
      const found = await Promise.all(chunk.map((dn) => this.refs.idOf(dn, signal)));
      chunk.forEach((dn, j) => {
        const id = found[j];
        if (id === undefined) missing.push(dn);
        else ids.set(valueKey({ ref: dn }), id);
      });
    }
    return { refId: (v) => (isReference(v) ? ids.get(valueKey(v)) : undefined), missing };
  }

  /** The attribute and value that identify an object before it has an id: externalId, else userName. */
  private matchKey(type: ResourceTypeInfo, attributes: Attributes): [string, string] | undefined {
    const externalId = scalarOf(attributes.externalId);
    if (externalId !== undefined) return ['externalId', String(externalId)];
    const userName = type.objectType === 'user' ? scalarOf(attributes.userName) : undefined;
    return userName !== undefined ? ['userName', String(userName)] : undefined;
  }

  private async findExisting(
    type: ResourceTypeInfo,
    attributes: Attributes,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const key = this.matchKey(type, attributes);
    return key ? this.refs.findId(type, key[0], key[1], signal) : undefined;
  }

  private async create(
    type: ResourceTypeInfo,
    request: ExportRequest,
    isLastChance: boolean,
    signal?: AbortSignal,
  ): Promise<ExportResult | typeof DEFERRED> {
    const attributes = request.target?.attributes ?? {};
    const { refId, missing } = await this.resolve(attributes, signal);
    // At the end of the run, references still missing are left out; the confirming import reports them.
    if (missing.length > 0 && !isLastChance) return DEFERRED;
    let settle: (id: string | undefined) => void = () => undefined;
    this.refs.creatingNow(request.dn, new Promise((resolve) => (settle = resolve)));
    try {
      const result = await this.post(type, request, attributes, refId, signal);
      settle(result.ok ? result.anchor : undefined);
      return result;
    } catch (error) {
      settle(undefined);
      throw error;
    }
  }

  private async post(
    type: ResourceTypeInfo,
    request: ExportRequest,
    attributes: Attributes,
    refId: (v: AttributeValue) => string | undefined,
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    const done = (id: string): ExportResult => {
      this.refs.remember(request.dn, id);
      return { csId: request.csId, ok: true, anchor: id };
    };
    if (this.settings.matchBeforeCreate) {
      const existing = await this.findExisting(type, attributes, signal);
      if (existing !== undefined) {
        // It is already there (an earlier export whose answer was lost): bring it up to date instead.
        const plan = planPatch(type, request.delta.changes, attributes, refId, null);
        await this.patch(type, existing, plan.operations, undefined, signal);
        return done(existing);
      }
    }
    let response;
    try {
      response = await this.http.send({
        method: 'POST',
        path: type.endpoint,
        body: buildResource(type, attributes, refId),
        ...sig(signal),
      });
    } catch (error) {
      if (!(error instanceof ScimLostResponseError)) throw error;
      // The create may have landed: find it; if not found, it stays escrowed and the next import decides.
      const found = await this.findExisting(type, attributes, signal).catch(() => undefined);
      return found !== undefined ? done(found) : { csId: request.csId, ok: true };
    }
    const id = (response.body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') {
      throw new ScimBodyError(
        `connector "${this.settings.name}": POST ${type.endpoint} answered without the id of ${request.dn}`,
      );
    }
    return done(id);
  }

  private async update(
    type: ResourceTypeInfo,
    request: ExportRequest,
    isLastChance: boolean,
    signal?: AbortSignal,
  ): Promise<ExportResult | typeof DEFERRED> {
    const attributes = request.target?.attributes ?? {};
    const id = request.anchor ?? (await this.refs.idOf(request.dn, signal));
    if (id === undefined) {
      const message = `connector "${this.settings.name}": ${request.dn} is not in the SCIM service`;
      return { csId: request.csId, ok: false, error: { type: 'cd-missing-object', message, isRetryable: true } };
    }
    const changed = request.delta.changes;
    const { refId, missing } = await this.resolve(attributesOfAdds(changed, attributes), signal);
    if (missing.length > 0 && !isLastChance) return DEFERRED;
    const removed = await this.resolve(attributesOfRemoves(changed), signal);
    const anyRef = (v: AttributeValue): string | undefined => refId(v) ?? removed.refId(v);
    const version = this.settings.useETags ? scalarOf(attributes[VERSION_ATTRIBUTE]) : undefined;
    const ifMatch = typeof version === 'string' ? version : undefined;
    if (this.settings.usePut && type.objectType === 'user') {
      await this.http.send({
        method: 'PUT',
        path: `${type.endpoint}/${encodeURIComponent(id)}`,
        body: { ...buildResource(type, attributes, anyRef), id },
        ...(ifMatch !== undefined ? { ifMatch } : {}),
        ...sig(signal),
      });
      this.renamed(request, id);
      return { csId: request.csId, ok: true, anchor: id };
    }
    let plan = planPatch(type, changed, attributes, anyRef, null);
    if (plan.needsCurrentMembers) {
      plan = planPatch(type, changed, attributes, anyRef, await this.currentMembers(type, id, signal));
    }
    await this.patch(type, id, plan.operations, ifMatch, signal);
    this.renamed(request, id);
    return { csId: request.csId, ok: true, anchor: id };
  }

  /** A new userName or displayName is a new DN: references to the object now name that. */
  private renamed(request: ExportRequest, id: string): void {
    if (request.delta.newDn === undefined) return;
    this.refs.forget(request.dn, id);
    this.refs.remember(request.delta.newDn, id);
  }

  private async currentMembers(type: ResourceTypeInfo, id: string, signal?: AbortSignal): Promise<string[]> {
    const response = await this.http.send({
      method: 'GET',
      path: `${type.endpoint}/${encodeURIComponent(id)}?attributes=members`,
      ...sig(signal),
    });
    const members = (response.body as { members?: unknown } | null)?.members;
    if (!Array.isArray(members)) return [];
    return members.flatMap((m) => {
      const value = (m as { value?: unknown } | null)?.value;
      return typeof value === 'string' ? [value] : [];
    });
  }

  private async patch(
    type: ResourceTypeInfo,
    id: string,
    operations: readonly PatchOperation[],
    ifMatch: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    if (operations.length === 0) return;
    await this.http.send({
      method: 'PATCH',
      path: `${type.endpoint}/${encodeURIComponent(id)}`,
      body: patchMessage(operations),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      ...sig(signal),
    });
  }
}

function sig(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/** References an update adds or sets (they must exist); the rest of the target is not looked up. */
function attributesOfAdds(changes: ExportRequest['delta']['changes'], target: Attributes): Attributes {
  const out: Record<string, readonly AttributeValue[]> = {};
  for (const change of changes) {
    if (change.operation === 'update') out[change.name] = change.add;
    else if (change.operation === 'replace' && change.name === 'members') out[change.name] = target[change.name] ?? [];
    else if (change.operation !== 'delete') out[change.name] = change.values;
  }
  return out;
}

/** References an update removes: ones the service no longer has are simply gone. */
function attributesOfRemoves(changes: ExportRequest['delta']['changes']): Attributes {
  const out: Record<string, readonly AttributeValue[]> = {};
  for (const change of changes) if (change.operation === 'update') out[change.name] = change.remove;
  return out;
}
