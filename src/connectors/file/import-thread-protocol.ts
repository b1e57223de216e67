import type { CsvConnectorConfig, LdifConnectorConfig } from '../../config/connector-config.js';
import type { ImportItem } from '../../core/connector.js';
import type { ConnectorErrorKind } from '../../core/errors.js';

/** What the import thread starts with. */
export interface ImportThreadData {
  readonly config: LdifConnectorConfig | CsvConnectorConfig;
  /** Items per message. */
  readonly batchSize: number;
  /** Batches the thread may post before the reader asks for more. */
  readonly window: number;
}

/** Thread to reader: a batch of items in file order, the end, or why the import failed. */
export type FromImportThread =
  | { readonly type: 'items'; readonly items: ImportItem[] }
  | { readonly type: 'done' }
  | {
      readonly type: 'error';
      readonly message: string;
      /** Set when the thread failed with a `ConnectorError`. */
      readonly kind?: ConnectorErrorKind;
      readonly isRetryable?: boolean;
    };

/** Reader to thread: one batch was consumed. */
export type ToImportThread = 'more';
