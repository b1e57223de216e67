import { CsExportBuilder } from './csexport-builder.js';
import type { CsExportObject } from './csexport-object.js';
import { ReportInputError } from './report-input-error.js';
import { XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';

/**
 * Reads a csexport XML file one `cs-object` at a time (streamed: memory holds one object and one
 * input chunk; `XmlTokenizer` feeds `CsExportBuilder`, no element tree). Accepts the single-line form
 * csexport writes and pretty-printed files, with or without an XML declaration, attribute `type` in
 * any case. Rejects any DOCTYPE outright (so no DTD, no entity declaration, no XXE, no entity
 * expansion); undefined entities are errors. Malformed XML, a DOCTYPE or a root other than
 * `cs-objects` throw `ReportInputError` with `line` and `column`.
 */
export async function* readCsExport(input: NodeJS.ReadableStream): AsyncGenerator<CsExportObject> {
  for await (const batch of readCsExportBatches(input)) yield* batch;
}

/**
 * `readCsExport` by input chunk: each batch holds the objects completed by one chunk (possibly none),
 * in file order. Saves an asynchronous step per object for callers that keep up with the input.
 */
export async function* readCsExportBatches(input: NodeJS.ReadableStream): AsyncGenerator<CsExportObject[]> {
  let tokenizer: XmlTokenizer | undefined = undefined;
  const builder = new CsExportBuilder((message) => tokenizer!.fail(message));
  tokenizer = new XmlTokenizer(builder);
  const ready = builder.ready;
  try {
    for await (const chunk of input) {
      tokenizer.write(chunk as Uint8Array | string);
      if (ready.length > 0) yield ready.splice(0);
    }
    tokenizer.end();
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    const { line, column, reason } = error;
    throw new ReportInputError(`csexport XML, line ${line}, column ${column}: ${reason}`, { line, column });
  }
  if (ready.length > 0) yield ready.splice(0);
}
