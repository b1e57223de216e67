import type { Attributes } from '../../core/values.js';
import { indexEntriesOf } from '../shared/index.js';

/** An attribute index in memory: (scope, attribute, key) → owner ids, with each owner's entries for removal. */
export class MemoryAttributeIndex {
  readonly #byKey = new Map<string, Set<string>>();
  readonly #byOwner = new Map<string, string[]>();

  static #slot(scope: string, attribute: string, key: string): string {
    return `${scope}\u0000${attribute}\u0000${key}`;
  }

  /** Replaces the entries of `owner` by those of `attributes` for the indexed `names`. */
  set(owner: string, scope: string, attributes: Attributes | null | undefined, names: readonly string[]): void {
    this.remove(owner);
    const slots = indexEntriesOf(attributes, names).map((e) => MemoryAttributeIndex.#slot(scope, e.attribute, e.key));
    if (slots.length === 0) return;
    this.#byOwner.set(owner, slots);
    for (const slot of slots) {
      let owners = this.#byKey.get(slot);
      if (!owners) this.#byKey.set(slot, (owners = new Set()));
      owners.add(owner);
    }
  }

  remove(owner: string): void {
    for (const slot of this.#byOwner.get(owner) ?? []) {
      const owners = this.#byKey.get(slot);
      owners?.delete(owner);
      if (owners?.size === 0) this.#byKey.delete(slot);
    }
    this.#byOwner.delete(owner);
  }

  clear(): void {
    this.#byKey.clear();
    this.#byOwner.clear();
  }

  /** Key → sorted owner ids, for the keys that have owners. */
  find(scope: string, attribute: string, keys: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const key of new Set(keys)) {
      const owners = this.#byKey.get(MemoryAttributeIndex.#slot(scope, attribute, key));
      if (owners && owners.size > 0) out.set(key, [...owners].sort(compareIds));
    }
    return out;
  }
}

/** Code-unit order; the same as SQLite's BINARY collation for ids without astral characters (GUIDs). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
