import type { AttributeChange } from '../../core/connector-space.js';
import type { FileEncoding } from './file-connection.js';
import type { FileObject } from './file-object.js';

/**
 * One item of a directory file, in file order, as a format's parser yields it. `raw` is the item's
 * text as read, which a rewrite writes back unchanged when the export does not touch the item.
 */
export type FileItem =
  | { readonly kind: 'object'; readonly line: number; readonly raw: string; readonly object: FileObject }
  /** A record that cannot be read as an object: an `error` item on import, kept as it is by export. */
  | {
      readonly kind: 'invalid';
      readonly line: number;
      readonly raw: string;
      readonly message: string;
      readonly dn?: string;
    }
  /** Comments, a CSV header: no object, kept by export. */
  | { readonly kind: 'other'; readonly raw: string };

/** Produces the text of a rewritten file, item by item. */
export interface FileRewriter {
  /** Text for an item the export leaves as it is. */
  keep(item: FileItem): string;
  /** Text for a changed or created object. */
  render(object: FileObject): string;
  /** Text after the last item (a header when the file had none). */
  finish(): string;
}

/** What differs between LDIF and CSV; the file connector does the rest. */
export interface FileFormat {
  readonly encoding: FileEncoding;
  /** Lower-cased attributes that import keeps whatever `attributeInclusion` says. */
  readonly alwaysKept: ReadonlySet<string>;
  /** Parses decoded text chunks into items. Throws `ConnectorError` when the file as a whole is unusable. */
  parse(chunks: AsyncIterable<string>): AsyncGenerator<FileItem>;
  /** Completes an object created or replaced by export (LDIF: objectClass from the object type). */
  completeObject(object: FileObject): void;
  /** Why these changes cannot be written faithfully, or null. */
  checkChanges(changes: readonly AttributeChange[]): string | null;
  /** Starts a rewrite. `attributeNames`: every attribute the export writes (CSV may add columns). */
  createRewriter(attributeNames: readonly string[]): FileRewriter;
}
