import type { EncodedChangeSet } from './write-change-set.js';

/** What the writer thread is started with. */
export interface WriterThreadData {
  readonly file: string;
  readonly busyTimeoutMs: number;
  readonly cacheMiB: number;
  /** The writer's own WAL checkpoint interval in pages. */
  readonly autocheckpointPages: number;
  /** Under the test runner and the bench: tsx's ESM API and the `.ts` entry to load through it. */
  readonly source?: { readonly tsx: string; readonly entry: string };
}

export type ToWriterThread =
  { readonly type: 'apply'; readonly id: number; readonly encoded: EncodedChangeSet } | { readonly type: 'close' };

export type FromWriterThread =
  | { readonly type: 'applied'; readonly id: number }
  /** Nothing was written: these CS objects, written by their changed fields, are not stored. */
  | { readonly type: 'missing'; readonly id: number; readonly ids: readonly string[] }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly message: string;
      /** Set for a `StoreError` (its `isBusy`); absent for any other error. */
      readonly isBusy?: boolean;
    }
  | { readonly type: 'closed' };
