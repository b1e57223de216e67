import { normalizeDn } from '../../core/dn.js';
import type { ScimHttp } from './scim-http.js';
import type { ScimRef } from './scim-mapping.js';
import { dnOf, eqFilter, parseScimDn, RESOURCE_TYPES, type ResourceTypeInfo } from './scim-schema.js';

/** A Map that forgets its least recently used entries beyond `capacity` (memory stays flat). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
  delete(key: K): void {
    this.map.delete(key);
  }
}

const CACHE_SIZE = 20_000;
/** Ids per `id eq ... or id eq ...` lookup: keeps the query string well under common URL limits. */
const IDS_PER_LOOKUP = 40;

function listResources(body: unknown): unknown[] {
  const resources = (body as { Resources?: unknown } | null)?.Resources;
  return Array.isArray(resources) ? resources : [];
}

/**
 * Turns references between the two vocabularies: connector-space DNs (what the engine resolves) and
 * SCIM ids (what the service stores in `members` and `manager`). Both directions are cached in
 * bounded LRU maps fed by imports and exports; a miss asks the service with a filter.
 */
export class ScimReferences {
  private readonly idByDn = new Lru<string, string>(CACHE_SIZE);
  private readonly dnById = new Lru<string, string>(CACHE_SIZE);
  private readonly lookups = new Map<string, Promise<string | undefined>>();
  /** Creates on the wire in this run, by DN: a reference to one waits for its id instead of missing it. */
  private readonly creating = new Map<string, Promise<string | undefined>>();

  constructor(private readonly http: ScimHttp) {}

  remember(dn: string, id: string): void {
    this.idByDn.set(normalizeDn(dn), id);
    this.dnById.set(id, dn);
  }

  forget(dn: string, id: string | null): void {
    this.idByDn.delete(normalizeDn(dn));
    if (id !== null) this.dnById.delete(id);
  }

  /**
   * Announces a create that is being sent (its own references already resolved, so waiting on it
   * cannot form a cycle). `id` settles with the new id, or undefined when the create failed.
   */
  creatingNow(dn: string, id: Promise<string | undefined>): void {
    const key = normalizeDn(dn);
    this.creating.set(key, id);
    void id.finally(() => this.creating.delete(key)).catch(() => undefined);
  }

  /** The SCIM id of the object a DN names, or undefined when the service has no such object. */
  async idOf(dn: string, signal?: AbortSignal): Promise<string | undefined> {
    const key = normalizeDn(dn);
    const cached = this.idByDn.get(key);
    if (cached !== undefined) return cached;
    const created = await this.creating.get(key)?.catch(() => undefined);
    if (created !== undefined) return created;
    const parsed = parseScimDn(dn);
    if (parsed === null) return undefined;
    if (parsed.attribute === 'id') return parsed.value;
    let pending = this.lookups.get(key);
    if (!pending) {
      pending = this.findId(parsed.type, parsed.attribute, parsed.value, signal).finally(() =>
        this.lookups.delete(key),
      );
      this.lookups.set(key, pending);
    }
    const id = await pending;
    if (id !== undefined) this.remember(dn, id);
    return id;
  }

  /** The id of the one resource whose `attribute` equals `value`; undefined when none (or several). */
  async findId(
    type: ResourceTypeInfo,
    attribute: string,
    value: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const query = new URLSearchParams({ filter: eqFilter(attribute, value), attributes: 'id', count: '2' });
    const response = await this.http.send({
      method: 'GET',
      path: `${type.endpoint}?${query.toString()}`,
      ...(signal ? { signal } : {}),
    });
    const found = listResources(response.body);
    const id = (found[0] as { id?: unknown } | undefined)?.id;
    return found.length === 1 && typeof id === 'string' ? id : undefined;
  }

  /**
   * DNs for SCIM ids (group members, managers): from the cache, else by `id eq` lookups in batches.
   * Ids the service does not know are left out of the answer.
   */
  async dnsOf(refs: readonly ScimRef[], signal?: AbortSignal): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: Record<'User' | 'Group' | 'unknown', string[]> = { User: [], Group: [], unknown: [] };
    for (const ref of refs) {
      const dn = this.dnById.get(ref.id);
      if (dn !== undefined) out.set(ref.id, dn);
      else missing[ref.resourceType ?? 'unknown'].push(ref.id);
    }
    const unknownLeft = new Set(missing.unknown);
    for (const type of [RESOURCE_TYPES.user, RESOURCE_TYPES.group]) {
      const wanted = [...missing[type.resourceType], ...unknownLeft];
      for (let i = 0; i < wanted.length; i += IDS_PER_LOOKUP) {
        const found = await this.fetchDns(type, wanted.slice(i, i + IDS_PER_LOOKUP), signal);
        for (const [id, dn] of found) {
          out.set(id, dn);
          unknownLeft.delete(id);
        }
      }
    }
    return out;
  }

  private async fetchDns(
    type: ResourceTypeInfo,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, string>> {
    const query = new URLSearchParams({
      filter: ids.map((id) => eqFilter('id', id)).join(' or '),
      attributes: `id,${type.namingAttribute}`,
      count: String(ids.length),
    });
    const response = await this.http.send({
      method: 'GET',
      path: `${type.endpoint}?${query.toString()}`,
      ...(signal ? { signal } : {}),
    });
    const out = new Map<string, string>();
    for (const resource of listResources(response.body)) {
      const { id, [type.namingAttribute]: naming } = resource as Record<string, unknown>;
      if (typeof id !== 'string' || !ids.includes(id)) continue;
      const dn = dnOf(type, typeof naming === 'string' ? naming : undefined, id);
      this.remember(dn, id);
      out.set(id, dn);
    }
    return out;
  }
}
