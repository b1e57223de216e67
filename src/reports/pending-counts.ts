import type { DeltaOperation } from '../core/connector-space.js';

/** What an export would do, per object: the summary counts of pending exports. */
export interface PendingCounts {
  readonly adds: number;
  readonly updates: number;
  readonly renames: number;
  readonly deletes: number;
}

/** The report-level kind of a pending export (the `--operation` filter vocabulary, plus `rename`). */
export const PENDING_KINDS = ['add', 'update', 'rename', 'delete'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];

/**
 * Classifies an unapplied export: `add`; `delete` (also `delete-add`, which removes the object before
 * re-creating it); `rename` (an `update`/`replace` carrying a new DN, attribute changes or not);
 * otherwise `update`.
 */
export function classifyPending(operation: DeltaOperation | string, newDn: string | null | undefined): PendingKind {
  if (operation === 'add') return 'add';
  if (operation === 'delete' || operation === 'delete-add') return 'delete';
  return newDn ? 'rename' : 'update';
}

/** Mutable counters, one per kind. */
export class PendingCounter {
  adds = 0;
  updates = 0;
  renames = 0;
  deletes = 0;

  /** Counts one pending export. */
  add(kind: PendingKind): void {
    if (kind === 'add') this.adds++;
    else if (kind === 'update') this.updates++;
    else if (kind === 'rename') this.renames++;
    else this.deletes++;
  }

  /** A frozen snapshot. */
  toCounts(): PendingCounts {
    return Object.freeze({ adds: this.adds, updates: this.updates, renames: this.renames, deletes: this.deletes });
  }
}

/**
 * The one-line answer to "what would promoting this server do right now", connectors in the order
 * given: `promoting this server now would export: corp-ad: 0 adds, 0 updates, 0 renames, 0 deletes;
 * cloud: 12 adds, 3 updates, 1 rename, 0 deletes`. Nouns are singular for exactly 1.
 */
export function summarizePending(
  perConnector: Iterable<readonly [string, PendingCounts]> | Readonly<Record<string, PendingCounts>>,
): string {
  const entries = isIterable(perConnector) ? [...perConnector] : Object.entries(perConnector);
  if (entries.length === 0) return 'promoting this server now would export: nothing (no connectors)';
  const parts = entries.map(([name, c]) => `${name}: ${describeCounts(c)}`);
  return `promoting this server now would export: ${parts.join('; ')}`;
}

/** `12 adds, 1 update, 0 renames, 3 deletes`: nouns singular for exactly 1. */
export function describeCounts(c: PendingCounts): string {
  return `${plural(c.adds, 'add')}, ${plural(c.updates, 'update')}, ${plural(c.renames, 'rename')}, ${plural(c.deletes, 'delete')}`;
}

function isIterable<T>(value: Iterable<T> | object): value is Iterable<T> {
  return typeof (value as Partial<Iterable<T>>)[Symbol.iterator] === 'function';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
