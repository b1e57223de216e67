import type { StateStore } from '../core/state-store.js';

type Lookup = (attribute: string, keys: readonly string[]) => Promise<Map<string, string[]>>;

/** One attribute index, cached per key for a batch, negative answers included. */
class CachedIndex {
  private readonly cache = new Map<string, Map<string, readonly string[]>>();

  constructor(private readonly lookup: Lookup) {}

  /** Fetches every key not cached yet in one store call. */
  async prefetch(attribute: string, keys: Iterable<string>): Promise<void> {
    let cached = this.cache.get(attribute);
    if (!cached) this.cache.set(attribute, (cached = new Map()));
    const missing = [...new Set(keys)].filter((key) => !cached.has(key));
    if (missing.length === 0) return;
    const found = await this.lookup(attribute, missing);
    for (const key of missing) cached.set(key, found.get(key) ?? []);
  }

  async find(attribute: string, keys: readonly string[]): Promise<Map<string, readonly string[]>> {
    await this.prefetch(attribute, keys);
    const cached = this.cache.get(attribute) as Map<string, readonly string[]>;
    return new Map(keys.map((key) => [key, cached.get(key) ?? []]));
  }
}

/**
 * The join indexes as one sync batch sees them: inbound (MV attribute → MV ids) and outbound
 * (CS attribute of a connector → CS ids). The batch prefetches the keys of all its objects in one
 * store call per attribute, instead of one call per object. Candidates are re-checked against
 * the working set by the caller, so a cached answer never links a stale object.
 */
export class JoinLookups {
  private readonly mv: CachedIndex;
  private readonly cs = new Map<string, CachedIndex>();

  constructor(private readonly store: StateStore) {
    this.mv = new CachedIndex((attribute, keys) => store.findMvIdsByAttribute(attribute, keys));
  }

  prefetchMv(attribute: string, keys: Iterable<string>): Promise<void> {
    return this.mv.prefetch(attribute, keys);
  }

  findMv(attribute: string, keys: readonly string[]): Promise<Map<string, readonly string[]>> {
    return this.mv.find(attribute, keys);
  }

  prefetchCs(connector: string, attribute: string, keys: Iterable<string>): Promise<void> {
    return this.csIndex(connector).prefetch(attribute, keys);
  }

  findCs(connector: string, attribute: string, keys: readonly string[]): Promise<Map<string, readonly string[]>> {
    return this.csIndex(connector).find(attribute, keys);
  }

  private csIndex(connector: string): CachedIndex {
    let index = this.cs.get(connector);
    if (!index) {
      index = new CachedIndex((attribute, keys) => this.store.findCsIdsByAttribute(connector, attribute, keys));
      this.cs.set(connector, index);
    }
    return index;
  }
}
