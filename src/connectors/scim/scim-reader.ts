import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import type { AttributeValue } from '../../core/values.js';
import { ScimBodyError, ScimHttpError, ScimLostResponseError } from './scim-errors.js';
import type { ScimHttp } from './scim-http.js';
import { readResource, type ReadResource, type ScimRef } from './scim-mapping.js';
import type { ScimReferences } from './scim-references.js';
import type { ResourceTypeInfo } from './scim-schema.js';

export interface ListOptions {
  readonly filter?: string;
  readonly pageSize: number;
  readonly signal?: AbortSignal;
  /** Set when the listing is a delta: a refused filter means the position cannot be used. */
  readonly isDelta?: boolean;
}

/** The service clock as seen in the first answer of a listing (for the next delta position). */
export interface ListClock {
  serverTime: Date | null;
}

/**
 * Streams every resource of one type, page by page (startIndex/count, RFC 7644 §3.4.2.4), and turns
 * each into an import item: references (members, manager) become DNs of this connector space.
 * Only one page is held at a time.
 */
export async function* readResources(
  connector: string,
  http: ScimHttp,
  refs: ScimReferences,
  type: ResourceTypeInfo,
  options: ListOptions,
  clock: ListClock,
): AsyncGenerator<ImportItem> {
  let startIndex = 1;
  for (;;) {
    options.signal?.throwIfAborted();
    const query = new URLSearchParams({ startIndex: String(startIndex), count: String(options.pageSize) });
    if (options.filter !== undefined) query.set('filter', options.filter);
    const page = await fetchPage(connector, http, `${type.endpoint}?${query.toString()}`, options);
    clock.serverTime ??= page.date;
    const read: ReadResource[] = [];
    for (const [offset, resource] of page.resources.entries()) {
      const mapped = readResource(type, resource);
      if (typeof mapped === 'string') {
        yield { kind: 'error', message: mapped, position: `${type.endpoint} item ${startIndex + offset}` };
        continue;
      }
      refs.remember(mapped.dn, mapped.anchor);
      read.push(mapped);
    }
    yield* await toEntries(type, read, refs, options.signal);
    const returned = page.resources.length;
    if (returned === 0 || startIndex - 1 + returned >= page.totalResults) return;
    startIndex += returned;
  }
}

async function toEntries(
  type: ResourceTypeInfo,
  read: readonly ReadResource[],
  refs: ScimReferences,
  signal?: AbortSignal,
): Promise<ImportItem[]> {
  const wanted: ScimRef[] = read.flatMap((r) => Object.values(r.refs).flat());
  const dns = wanted.length > 0 ? await refs.dnsOf(wanted, signal) : new Map<string, string>();
  return read.map((resource): ImportItem => {
    const attributes: Record<string, AttributeValue[]> = { ...resource.attributes };
    for (const [name, values] of Object.entries(resource.refs)) {
      const resolved = values.flatMap((v) => {
        const dn = dns.get(v.id);
        return dn === undefined ? [] : [{ ref: dn }];
      });
      if (resolved.length > 0) attributes[name] = resolved;
    }
    return {
      kind: 'entry',
      entry: { anchor: resource.anchor, dn: resource.dn, objectType: type.objectType, attributes },
    };
  });
}

interface Page {
  readonly resources: unknown[];
  readonly totalResults: number;
  readonly date: Date | null;
}

async function fetchPage(connector: string, http: ScimHttp, path: string, options: ListOptions): Promise<Page> {
  let response;
  try {
    response = await http.send({ method: 'GET', path, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw pageError(connector, path, error, options.isDelta === true);
  }
  const body = response.body as { Resources?: unknown; totalResults?: unknown } | null;
  const resources = body?.Resources ?? [];
  if (body === null || typeof body !== 'object' || !Array.isArray(resources)) {
    throw new ConnectorError(`connector "${connector}": GET ${path} did not answer a SCIM ListResponse`, 'protocol');
  }
  const total = typeof body.totalResults === 'number' ? body.totalResults : resources.length;
  return { resources, totalResults: total, date: response.date };
}

/**
 * A page that cannot be read stops the import (a listing with a hole must not make the engine
 * delete the objects of that page); a refused delta filter asks the engine for a full import.
 */
function pageError(connector: string, path: string, error: unknown, isDelta: boolean): unknown {
  if (error instanceof ConnectorError) return error;
  const where = `GET ${path.split('?')[0] ?? path}`;
  if (error instanceof ScimHttpError && isDelta && error.status === 400) {
    return new ConnectorError(
      `connector "${connector}": the SCIM service refused the meta.lastModified filter (${error.scimType ?? 'HTTP 400'})`,
      'watermark-rejected',
      false,
      { cause: error },
    );
  }
  if (error instanceof ScimHttpError && error.isRetryable) {
    return new ConnectorError(error.message, 'connectivity', true, { cause: error });
  }
  if (error instanceof ScimLostResponseError)
    return new ConnectorError(error.message, 'connectivity', true, { cause: error });
  if (error instanceof ScimHttpError || error instanceof ScimBodyError) {
    return new ConnectorError(`${error.message}; the import stopped at ${where}`, 'protocol', false, { cause: error });
  }
  return error;
}
