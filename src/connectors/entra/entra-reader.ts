import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import type { GraphClient } from './graph-client.js';
import { statusError } from './graph-errors.js';
import {
  anchorProperty,
  cloudDn,
  selectFor,
  toImportEntry,
  type EntraObjectType,
  type GraphResource,
} from './entra-mapping.js';

export interface ReaderOptions {
  readonly connector: string;
  readonly groupAnchorProperty: string;
  readonly pageSize: number;
  readonly batchSize: number;
  /** `$batch` requests in flight at once while reading group members. */
  readonly concurrency: number;
}

/** The watermark: one delta link per resource type, as Graph issued them. */
interface DeltaLinks {
  readonly users: string;
  readonly groups: string;
}

const COLLECTION: Record<EntraObjectType, 'users' | 'groups'> = { user: 'users', group: 'groups' };

/**
 * Reads users and groups from Graph as import items: full imports list `/users` and `/groups`
 * page by page (`@odata.nextLink`); delta imports follow the delta links (`@removed` → delete).
 * The watermark is the pair of delta links; a full import takes them *before* listing
 * (`$deltatoken=latest`), so a change made during the listing is read again, never missed.
 */
export class EntraReader {
  constructor(
    private readonly graph: GraphClient,
    private readonly options: ReaderOptions,
  ) {}

  private select(type: EntraObjectType): string {
    return selectFor(type, this.options.groupAnchorProperty).join(',');
  }

  async *fullImport(pageSize = this.options.pageSize): AsyncIterable<ImportItem> {
    const links: DeltaLinks = {
      users: await this.latestDeltaLink('user'),
      groups: await this.latestDeltaLink('group'),
    };
    for (const type of ['user', 'group'] as const) {
      let next: string | null = `/${COLLECTION[type]}?$select=${this.select(type)}&$top=${pageSize}`;
      while (next !== null) {
        const page = await this.graph.getJson(next, `listing ${COLLECTION[type]}`);
        yield* this.toItems(type, resources(page, this.options.connector), false);
        next = nextLink(page);
      }
    }
    yield { kind: 'watermark', watermark: JSON.stringify(links) };
  }

  async *deltaImport(watermark: string): AsyncIterable<ImportItem> {
    const links = parseWatermark(watermark, this.options.connector);
    let current = { ...links };
    for (const type of ['user', 'group'] as const) {
      let next: string | null = links[COLLECTION[type]];
      while (next !== null) {
        const reply = await this.graph.call('GET', next, undefined, {
          prefer: `odata.maxpagesize=${this.options.pageSize}`,
        });
        if (reply.status !== 200 || reply.isMalformed || typeof reply.body !== 'object' || reply.body === null) {
          if (reply.status === 400 || reply.status === 404 || reply.status === 410) {
            throw statusError(this.options.connector, 410, reply.body, `delta query on ${COLLECTION[type]}`);
          }
          if (reply.status === 200) {
            throw new ConnectorError(
              `connector "${this.options.connector}": delta query on ${COLLECTION[type]}: Microsoft Graph answered with a body that is not JSON`,
              'protocol',
            );
          }
          throw statusError(this.options.connector, reply.status, reply.body, `delta query on ${COLLECTION[type]}`);
        }
        const page = reply.body as Record<string, unknown>;
        yield* this.deltaItems(type, resources(page, this.options.connector));
        next = nextLink(page);
        const deltaLink = page['@odata.deltaLink'];
        if (next === null && typeof deltaLink === 'string') {
          current = { ...current, [COLLECTION[type]]: deltaLink };
          yield { kind: 'watermark', watermark: JSON.stringify(current) };
        } else if (next === null) {
          throw new ConnectorError(
            `connector "${this.options.connector}": a delta page had neither @odata.nextLink nor @odata.deltaLink`,
            'protocol',
          );
        }
      }
    }
  }

  private async latestDeltaLink(type: EntraObjectType): Promise<string> {
    const page = await this.graph.getJson(
      `/${COLLECTION[type]}/delta?$select=${this.select(type)}&$deltatoken=latest`,
      `starting a delta query on ${COLLECTION[type]}`,
    );
    const link = page['@odata.deltaLink'];
    if (typeof link !== 'string') {
      throw new ConnectorError(
        `connector "${this.options.connector}": Graph gave no @odata.deltaLink for ${COLLECTION[type]}`,
        'protocol',
      );
    }
    return link;
  }

  /** Delta items: removed objects become deletes; changed ones are read again in full when Graph sent only some properties. */
  private async *deltaItems(type: EntraObjectType, page: readonly unknown[]): AsyncIterable<ImportItem> {
    const select = selectFor(type, this.options.groupAnchorProperty);
    const complete: GraphResource[] = [];
    const partial: string[] = [];
    for (const raw of page) {
      const resource = raw as GraphResource;
      const id = resource.id;
      if (typeof id !== 'string' || id === '') {
        yield { kind: 'error', message: `a ${type} in the delta response has no "id"; it was skipped` };
      } else if ('@removed' in resource) {
        yield { kind: 'delete', anchor: id };
      } else if (select.every((name) => name in resource)) {
        complete.push(resource);
      } else {
        partial.push(id);
      }
    }
    for (let i = 0; i < partial.length; i += this.options.batchSize) {
      const ids = partial.slice(i, i + this.options.batchSize);
      const replies = await this.graph.batch(
        ids.map((id) => ({ id, method: 'GET', url: `/${COLLECTION[type]}/${id}?$select=${select.join(',')}` })),
      );
      for (const id of ids) {
        const reply = replies.get(id);
        if (reply?.status === 404) yield { kind: 'delete', anchor: id };
        else if (reply?.status === 200 && !reply.isMalformed && typeof reply.body === 'object' && reply.body !== null)
          complete.push(reply.body as GraphResource);
        else
          yield {
            kind: 'error',
            anchor: id,
            message: `${type} ${id} could not be read again (HTTP ${reply?.status ?? 0})`,
          };
      }
    }
    yield* this.toItems(type, complete, true);
  }

  /** In a delta, an object without a sourceAnchor is cloud-only: if it was synchronized before, it left sync scope (a delete). */
  private async *toItems(type: EntraObjectType, page: readonly unknown[], isDelta: boolean): AsyncIterable<ImportItem> {
    const resourcesOf = page as GraphResource[];
    const members = type === 'group' ? await this.readMembers(resourcesOf) : new Map<string, string[] | string>();
    for (const resource of resourcesOf) {
      const id = typeof resource.id === 'string' ? resource.id : undefined;
      const memberDns = id !== undefined ? members.get(id) : undefined;
      if (typeof memberDns === 'string') {
        yield { kind: 'error', anchor: id as string, message: memberDns };
        continue;
      }
      const entry = toImportEntry(type, resource, this.options.groupAnchorProperty, memberDns ?? null);
      if (entry === null) {
        if (id !== undefined && isDelta) yield { kind: 'delete', anchor: id };
      } else if ('problem' in entry)
        yield { kind: 'error', ...(id !== undefined ? { anchor: id } : {}), message: entry.problem };
      else yield { kind: 'entry', entry };
    }
  }

  /**
   * The member DNs of every synchronized group of a page: first pages in `$batch`es (up to
   * `concurrency` batches at a time), further pages one by one. Cloud-only members (no
   * sourceAnchor) are not in the connector space and are left out. A group whose members cannot be
   * read maps to a problem text.
   */
  private async readMembers(groups: readonly GraphResource[]): Promise<Map<string, string[] | string>> {
    const anchor = this.options.groupAnchorProperty;
    const synced = groups.filter((g) => typeof g.id === 'string' && typeof g[anchor] === 'string' && g[anchor] !== '');
    const chunks: string[][] = [];
    for (let i = 0; i < synced.length; i += this.options.batchSize) {
      chunks.push(synced.slice(i, i + this.options.batchSize).map((g) => g.id as string));
    }
    const out = new Map<string, string[] | string>();
    for (let i = 0; i < chunks.length; i += this.options.concurrency) {
      const answers = await Promise.all(
        chunks.slice(i, i + this.options.concurrency).map((chunk) => this.readMemberChunk(chunk)),
      );
      for (const answer of answers) for (const [id, members] of answer) out.set(id, members);
    }
    return out;
  }

  private async readMemberChunk(chunk: readonly string[]): Promise<[string, string[] | string][]> {
    const anchor = this.options.groupAnchorProperty;
    const select = `$select=id,onPremisesImmutableId,${anchor}&$top=${this.options.pageSize}`;
    const replies = await this.graph.batch(
      chunk.map((id) => ({ id, method: 'GET', url: `/groups/${id}/members?${select}` })),
    );
    const out: [string, string[] | string][] = [];
    for (const id of chunk) {
      const reply = replies.get(id);
      if (reply?.status !== 200 || reply.isMalformed || typeof reply.body !== 'object' || reply.body === null) {
        const why = `HTTP ${reply?.status ?? 0}${reply?.isMalformed ? ', body not JSON' : ''}`;
        out.push([id, `the members of group ${id} could not be read (${why}); the group was skipped`]);
        continue;
      }
      const dns: string[] = [];
      let page = reply.body as Record<string, unknown>;
      for (;;) {
        for (const member of resources(page, this.options.connector)) {
          const dn = memberDn(member as GraphResource, anchor);
          if (dn !== null) dns.push(dn);
        }
        const next = nextLink(page);
        if (next === null) break;
        page = await this.graph.getJson(next, `reading the members of group ${id}`);
      }
      out.push([id, dns]);
    }
    return out;
  }
}

function memberDn(member: GraphResource, groupAnchorProperty: string): string | null {
  const type = member['@odata.type'] === '#microsoft.graph.group' ? 'group' : 'user';
  const sourceAnchor = member[anchorProperty(type, groupAnchorProperty)];
  return typeof sourceAnchor === 'string' && sourceAnchor !== '' ? cloudDn(sourceAnchor) : null;
}

function resources(page: Record<string, unknown>, connector: string): readonly unknown[] {
  const value = page.value;
  if (!Array.isArray(value))
    throw new ConnectorError(`connector "${connector}": a Graph page has no "value" array`, 'protocol');
  return value.filter((v) => typeof v === 'object' && v !== null);
}

function nextLink(page: Record<string, unknown>): string | null {
  const link = page['@odata.nextLink'];
  return typeof link === 'string' ? link : null;
}

function parseWatermark(text: string, connector: string): DeltaLinks {
  try {
    const parsed = JSON.parse(text) as Partial<DeltaLinks>;
    if (typeof parsed.users === 'string' && typeof parsed.groups === 'string')
      return { users: parsed.users, groups: parsed.groups };
  } catch {
    // Falls through to the rejection below.
  }
  throw new ConnectorError(
    `connector "${connector}": the stored watermark is not a pair of Graph delta links`,
    'watermark-rejected',
  );
}
