import type { Connector } from '../core/connector.js';
import type { StateStore } from '../core/state-store.js';
import type { RuleSet } from '../core/sync/rule-set.js';

/** A live progress report for long runs (the CLI draws it on a terminal). */
export interface Progress {
  readonly connector: string;
  readonly step: string;
  readonly processed: number;
}

export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a run profile needs, handed in by the composition root (CLI, server). */
export interface EngineContext {
  readonly store: StateStore;
  readonly rules: RuleSet;
  /** Expression parameters (`%Domain.FQDN%`) per connector. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly connectors: ReadonlyMap<string, Connector>;
  /** Connector names in configuration order: the order of a sync cycle's steps. */
  readonly connectorOrder: readonly string[];
  readonly deletionThreshold: { readonly count: number; readonly percent: number | null };
  readonly batchSize: number;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly onProgress: (progress: Progress) => void;
  readonly log: EngineLogger;
}

let pool = new Uint8Array(0);
let poolOffset = 0;

/** Random bytes from a refilled pool: one getRandomValues call per 512 ids instead of one per id. */
function randomBytes(count: number): Uint8Array {
  if (poolOffset + count > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(4096));
    poolOffset = 0;
  }
  poolOffset += count;
  return pool.subarray(poolOffset - count, poolOffset);
}

/** Upper-case two-digit hex of every byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

let lastMillis = 0;
let sequence = 0;

/**
 * A new CS or MV object id: a UUID in the version 7 layout (RFC 9562: 48-bit millisecond time,
 * then a per-process sequence and random bits), upper-case. Ids made one after another sort one
 * after another, so objects created together sit together in the store's B-trees and a batch
 * touches a few pages instead of one page per object.
 */
export function newObjectId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else {
    sequence++;
    if (sequence > 0xfff_ffff) {
      lastMillis++;
      sequence = 0;
    }
  }
  const random = randomBytes(6);
  const time = hex(lastMillis, 12);
  const seqHigh = (sequence >>> 16) & 0xfff;
  const seqLow = sequence & 0xffff;
  let tail = '';
  for (const byte of random) tail += HEX_BYTES[byte];
  const variant = hex(0x8000 | (seqLow >>> 2), 4);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(seqHigh, 3)}-${variant}-${hex(seqLow & 3, 1)}${tail.slice(0, 11)}`;
}
