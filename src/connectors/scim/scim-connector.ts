import type { ScimConnectorConfig } from '../../config/index.js';
import type {
  Connector,
  ConnectorCapabilities,
  ExportOptions,
  ExportRequest,
  ExportResult,
  ImportItem,
  ImportOptions,
} from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import { mapBounded } from './bounded-pool.js';
import { createTokenSource } from './scim-auth.js';
import { ScimHttp } from './scim-http.js';
import { readResources, type ListClock } from './scim-reader.js';
import { ScimReferences } from './scim-references.js';
import { RESOURCE_TYPES, REFERENCE_ATTRIBUTES } from './scim-schema.js';
import { DEFERRED, ScimWriter } from './scim-writer.js';

/**
 * Overlap of consecutive delta imports: changes stamped up to this long before the service's clock
 * read at the start of the previous import are read again (an unchanged object costs nothing).
 */
const DELTA_OVERLAP_MS = 2_000;

interface Watermark {
  readonly v: 1;
  /** ISO time on the service's clock: resources modified since then are read by the next delta import. */
  readonly since: string;
}

export interface ScimConnectorOptions {
  /** Base of the exponential backoff (tests shorten it). */
  readonly backoffMs?: number;
}

/**
 * A SCIM 2.0 service (RFC 7643/7644) as a connected directory: Users (core + enterprise extension)
 * and Groups. Full import pages through `/Users` then `/Groups`; delta import filters on
 * `meta.lastModified` (or, with `deltaImport: difference`, re-reads everything and lets the engine
 * diff); export POSTs, PATCHes (or PUTs) and DELETEs with `concurrency` requests in flight.
 * The anchor is the resource `id`; the DN is derived from `userName` / `displayName` (scim-schema.ts).
 */
export class ScimConnector implements Connector {
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly http: ScimHttp;
  private readonly refs: ScimReferences;
  private readonly writer: ScimWriter;

  constructor(
    private readonly config: ScimConnectorConfig,
    options: ScimConnectorOptions = {},
  ) {
    this.name = config.name;
    this.capabilities = {
      deltaImport: config.deltaImport === 'lastModified' ? 'native' : 'difference',
      canExport: true,
      referenceAttributes: [...REFERENCE_ATTRIBUTES],
    };
    this.http = new ScimHttp({
      connector: config.name,
      baseUrl: config.baseUrl,
      tokens: createTokenSource(config, `connector "${config.name}"`, config.timeoutMs),
      timeoutMs: config.timeoutMs,
      retries: config.retries,
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
    this.refs = new ScimReferences(this.http);
    this.writer = new ScimWriter(config, this.http, this.refs);
  }

  async *fullImport(options: ImportOptions = {}): AsyncGenerator<ImportItem> {
    const clock: ListClock = { serverTime: null };
    yield* this.readAll(undefined, options, clock, false);
    yield { kind: 'watermark', watermark: this.renderWatermark(clock) };
  }

  async *deltaImport(watermark: string, options: ImportOptions = {}): AsyncGenerator<ImportItem> {
    if (this.config.deltaImport === 'difference') {
      yield { kind: 'complete-listing' };
      yield* this.fullImport(options);
      return;
    }
    const since = this.parseWatermark(watermark);
    const clock: ListClock = { serverTime: null };
    yield* this.readAll(`meta.lastModified ge ${JSON.stringify(since)}`, options, clock, true);
    yield { kind: 'watermark', watermark: this.renderWatermark(clock) };
  }

  /**
   * Exports with at most `concurrency` requests in flight. A request that names members the service
   * does not have yet (created later in this same run) is set aside and tried again at the end.
   */
  async *export(requests: AsyncIterable<ExportRequest>, options: ExportOptions = {}): AsyncGenerator<ExportResult> {
    const deferred: ExportRequest[] = [];
    const limit = this.config.concurrency;
    const write = (isLastChance: boolean) => (request: ExportRequest) =>
      this.writer.write(request, isLastChance, options.signal).then((result) => {
        if (result === DEFERRED) deferred.push(request);
        return result;
      });
    for await (const result of mapBounded(requests, limit, write(false))) if (result !== DEFERRED) yield result;
    if (deferred.length === 0) return;
    const again = fromArray(deferred.splice(0));
    for await (const result of mapBounded(again, limit, write(true))) if (result !== DEFERRED) yield result;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async *readAll(
    filter: string | undefined,
    options: ImportOptions,
    clock: ListClock,
    isDelta: boolean,
  ): AsyncGenerator<ImportItem> {
    const pageSize = options.pageSize ?? this.config.pageSize;
    // Users first, so that group members are usually found in the reference cache.
    for (const objectType of ['user', 'group'] as const) {
      if (!this.config.objectTypes.includes(objectType)) continue;
      const list = {
        pageSize,
        isDelta,
        ...(filter !== undefined ? { filter } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      yield* readResources(this.name, this.http, this.refs, RESOURCE_TYPES[objectType], list, clock);
    }
  }

  private renderWatermark(clock: ListClock): string {
    const now = clock.serverTime ?? new Date();
    const watermark: Watermark = { v: 1, since: new Date(now.getTime() - DELTA_OVERLAP_MS).toISOString() };
    return JSON.stringify(watermark);
  }

  private parseWatermark(text: string): string {
    try {
      const parsed = JSON.parse(text) as Partial<Watermark> | null;
      if (parsed?.v === 1 && typeof parsed.since === 'string' && !Number.isNaN(Date.parse(parsed.since))) {
        return parsed.since;
      }
    } catch {
      // reported below
    }
    throw new ConnectorError(
      `connector "${this.name}": the stored delta position is not one this connector wrote`,
      'watermark-rejected',
    );
  }
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** The `scim` connector for a validated configuration. */
export function createScimConnector(config: ScimConnectorConfig, options: ScimConnectorOptions = {}): ScimConnector {
  return new ScimConnector(config, options);
}
