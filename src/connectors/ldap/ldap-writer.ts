import { setTimeout as sleep } from 'node:timers/promises';
import { Attribute, Change } from 'ldapts';
import type { LdapConnectorConfig } from '../../config/index.js';
import type { ExportRequest, ExportResult } from '../../core/connector.js';
import type { AttributeChange, Entry } from '../../core/connector-space.js';
import { DnSyntaxError, normalizeDn } from '../../core/dn.js';
import { assertNever, ConnectorError } from '../../core/errors.js';
import { valueToText, type AttributeValue, type Attributes } from '../../core/values.js';
import type { LdapFlavour } from './flavour.js';
import {
  isConnectionFailure,
  isRetryableFailure,
  resultCodeOf,
  toExportFailure,
  translateLdapError,
} from './ldap-errors.js';
import { equalityFilter, wireDn } from './ldap-filter.js';
import type { LdapMapping } from './ldap-mapping.js';
import type { LdapClientSession } from './ldap-session.js';

/** The session exports run on: opened on first use, dropped after a connection failure. */
export interface SessionSource {
  current(): Promise<LdapClientSession>;
  /** Closes the session; the next `current()` connects again. */
  reset(): Promise<void>;
}

type Operation = 'add' | 'modify' | 'rename' | 'delete';

/** A failed LDAP operation of one object, carried to the request's result. */
class OperationFailure extends Error {
  constructor(
    readonly operation: Operation,
    readonly dn: string,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** One attribute for the wire: text values as strings, binary values as Buffers (never mixed). */
function toAttribute(name: string, values: readonly AttributeValue[]): Attribute {
  if (values.some((v) => v instanceof Uint8Array)) {
    const buffers = values.map((v) =>
      v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(valueToText(v)),
    );
    return new Attribute({ type: name, values: buffers });
  }
  return new Attribute({ type: name, values: values.map(valueToText) });
}

/**
 * LDAP modifications for attribute changes: `add`/`replace` replace all values and `delete` clears
 * (both idempotent, RFC 4511 §4.6); `update` adds and deletes single values.
 */
export function toChanges(changes: readonly AttributeChange[], skip: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  for (const change of changes) {
    if (skip.has(change.name.toLowerCase())) continue;
    switch (change.operation) {
      case 'add':
      case 'replace':
        out.push(new Change({ operation: 'replace', modification: toAttribute(change.name, change.values) }));
        break;
      case 'delete':
        out.push(new Change({ operation: 'replace', modification: toAttribute(change.name, []) }));
        break;
      case 'update':
        if (change.add.length > 0) {
          out.push(new Change({ operation: 'add', modification: toAttribute(change.name, change.add) }));
        }
        if (change.remove.length > 0) {
          out.push(new Change({ operation: 'delete', modification: toAttribute(change.name, change.remove) }));
        }
        break;
      default:
        assertNever(change, 'attribute change');
    }
  }
  return out;
}

/** Exports requests one by one: each gets its own result; retryable failures are retried with backoff. */
export class LdapWriter {
  private readonly anchorKey: string;

  constructor(
    private readonly config: LdapConnectorConfig,
    private readonly flavour: LdapFlavour,
    private readonly mapping: LdapMapping,
    private readonly sessions: SessionSource,
    private readonly signal?: AbortSignal,
  ) {
    this.anchorKey = flavour.anchorAttribute.toLowerCase();
  }

  async exportOne(request: ExportRequest): Promise<ExportResult> {
    const { csId, delta } = request;
    const targetDn = delta.newDn ?? request.dn;
    if (!this.mapping.isInScope(delta.operation === 'delete' ? request.dn : targetDn)) {
      const message = `"${targetDn}" is outside the connector's base DN or containers; nothing was written`;
      return { csId, ok: false, error: { type: 'cd-error', message, isRetryable: false } };
    }
    try {
      switch (delta.operation) {
        case 'add':
          return await this.add(request, delta.dn);
        case 'delete-add':
          await this.deleteEntry(request);
          return await this.add(request, targetDn);
        case 'delete':
          await this.deleteEntry(request);
          return { csId, ok: true, dn: request.dn };
        case 'update':
        case 'replace':
          return await this.update(request);
        default:
          return assertNever(delta.operation, 'delta operation');
      }
    } catch (error) {
      if (error instanceof OperationFailure) {
        return { csId, ok: false, error: toExportFailure(error.error, error.operation, error.dn) };
      }
      if (error instanceof DnSyntaxError) {
        return { csId, ok: false, error: { type: 'invalid-dn', message: error.message, isRetryable: false } };
      }
      throw error;
    }
  }

  private async add(request: ExportRequest, dn: string): Promise<ExportResult> {
    const base: Entry = request.target ?? {
      dn,
      objectType: request.objectType,
      attributes: {},
    };
    const prepared = this.flavour.prepareAdd ? this.flavour.prepareAdd(request, base) : base;
    const attributes: Record<string, readonly AttributeValue[]> = {};
    for (const [name, values] of Object.entries(prepared.attributes)) {
      if (name.toLowerCase() === this.anchorKey || name.toLowerCase() === 'dn' || values.length === 0) continue;
      attributes[name] = values;
    }
    if (!Object.keys(attributes).some((n) => n.toLowerCase() === 'objectclass')) {
      attributes.objectClass = this.mapping.objectClassesFor(request.objectType);
    }
    const wire = wireDn(dn);
    const list = Object.entries(attributes).map(([name, values]) => toAttribute(name, values));
    await this.run('add', dn, (s) => s.client.add(wire, list));
    const anchor = await this.readAnchor(dn);
    return anchor === null ? { csId: request.csId, ok: true, dn } : { csId: request.csId, ok: true, anchor, dn };
  }

  private async update(request: ExportRequest): Promise<ExportResult> {
    const { delta } = request;
    let dn = await this.locate(request);
    if (delta.newDn !== undefined && normalizeDn(delta.newDn) !== normalizeDn(dn)) {
      const from = dn;
      const to = wireDn(delta.newDn);
      await this.run('rename', from, (s) => s.client.modifyDN(wireDn(from), to));
      dn = delta.newDn;
    }
    const changes = delta.operation === 'replace' ? await this.replaceChanges(dn, request.target) : [...delta.changes];
    const skip = new Set([this.anchorKey, 'dn']);
    const modifications = toChanges(changes, skip);
    if (modifications.length > 0) {
      const wire = wireDn(dn);
      await this.run('modify', dn, (s) => s.client.modify(wire, modifications));
    }
    return request.anchor === null
      ? { csId: request.csId, ok: true, dn }
      : { csId: request.csId, ok: true, anchor: request.anchor, dn };
  }

  /** `replace`: every attribute of the target replaced, user attributes it lacks cleared. */
  private async replaceChanges(dn: string, target: Entry | null): Promise<AttributeChange[]> {
    const current = await this.withSession((s) => s.readEntry(wireDn(dn), ['*']));
    const wanted: Attributes = target?.attributes ?? {};
    const changes: AttributeChange[] = Object.entries(wanted).map(([name, values]) => ({
      operation: 'replace',
      name,
      values,
    }));
    const keep = new Set(Object.keys(wanted).map((n) => n.toLowerCase()));
    for (const name of Object.keys(current ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'dn' || lower === 'objectclass' || keep.has(lower)) continue;
      changes.push({ operation: 'delete', name });
    }
    return changes;
  }

  private async deleteEntry(request: ExportRequest): Promise<void> {
    const dn = await this.locate(request);
    try {
      await this.run('delete', dn, (s) => s.client.del(wireDn(dn)));
    } catch (error) {
      // Already gone: the directory is as the export wants it, and the confirming import will agree.
      if (error instanceof OperationFailure && resultCodeOf(error.error) === 32) return;
      throw error;
    }
  }

  /** The object's DN now: the request's, unless the anchor shows it was moved since the last import. */
  private async locate(request: ExportRequest): Promise<string> {
    if (request.anchor === null || this.flavour.name !== 'openldap') return request.dn;
    const filter = equalityFilter(this.flavour.anchorAttribute, request.anchor);
    const found = await this.withSession(async (s) => {
      for await (const page of s.searchPages(this.config.baseDn, filter, ['1.1'])) {
        if (page[0]) return page[0].dn;
      }
      return null;
    });
    return found ?? request.dn;
  }

  private async readAnchor(dn: string): Promise<string | null> {
    const entry = await this.withSession((s) => s.readEntry(wireDn(dn), [this.flavour.anchorAttribute]));
    if (!entry) return null;
    const key = Object.keys(entry).find((k) => k.toLowerCase() === this.anchorKey);
    const raw = key !== undefined ? entry[key] : undefined;
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value === undefined ? null : this.flavour.anchorOf(value);
  }

  /** Runs one operation, retrying retryable failures; other failures become `OperationFailure`. */
  private async run(operation: Operation, dn: string, action: (s: LdapClientSession) => Promise<unknown>) {
    try {
      await this.withSession(action);
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      if (isConnectionFailure(error) && resultCodeOf(error) === undefined) {
        throw translateLdapError(error, `connector "${this.config.name}"`, `${operation} of "${dn}"`);
      }
      throw new OperationFailure(operation, dn, error);
    }
  }

  /** Retries with doubling backoff; a dropped connection is re-opened before the next attempt. */
  private async withSession<T>(action: (s: LdapClientSession) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      try {
        return await action(await this.sessions.current());
      } catch (error) {
        if (isConnectionFailure(error)) await this.sessions.reset();
        if (attempt >= this.config.retries || !isRetryableFailure(error)) throw error;
        await sleep(this.config.retryDelayMs * 2 ** attempt);
      }
    }
  }
}
