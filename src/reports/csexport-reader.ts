import { SaxesParser } from 'saxes';
import type { CsExportObject } from './csexport-object.js';
import { parseCsObjectNode, type XmlNode } from './csexport-parse.js';
import { ReportInputError } from './report-input-error.js';

/**
 * Reads a csexport XML file one `cs-object` at a time (saxes, streamed: memory holds one object and
 * one input chunk). Accepts the single-line form csexport writes and pretty-printed files, with or
 * without an XML declaration, attribute `type` in any case. Rejects any DOCTYPE outright (so no DTD,
 * no entity declaration, no XXE, no entity expansion); undefined entities are errors. Malformed XML,
 * a DOCTYPE or a root other than `cs-objects` throw `ReportInputError` with `line` and `column`.
 */
export async function* readCsExport(input: NodeJS.ReadableStream): AsyncGenerator<CsExportObject> {
  // xmlns off: csexport uses no namespaces, and attributes then arrive as plain strings.
  const parser = new SaxesParser({ position: true, xmlns: false });
  const ready: CsExportObject[] = [];
  const stack: XmlNode[] = [];
  let depth = 0;
  const fail = (message: string): never => {
    throw new ReportInputError(`csexport XML, line ${parser.line}, column ${parser.column}: ${message}`, {
      line: parser.line,
      column: parser.column,
    });
  };
  parser.on('error', (error) => fail(error.message.replace(/^\d+:\d+: /, '')));
  parser.on('doctype', () =>
    fail('DOCTYPE declarations are not accepted (no DTDs or entity declarations: XXE and entity-expansion protection)'),
  );
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 1 && tag.name !== 'cs-objects')
      fail(`root element is <${tag.name}>, expected <cs-objects>: not a csexport file`);
    if (stack.length === 0 && !(depth === 2 && tag.name === 'cs-object')) return;
    const node: XmlNode = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    depth--;
    const node = stack.pop();
    if (node && stack.length === 0) ready.push(parseCsObjectNode(node));
  });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
    yield* drain(ready);
  }
  parser.write(decoder.decode());
  parser.close();
  yield* drain(ready);
}

function* drain(ready: CsExportObject[]): Generator<CsExportObject> {
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
  ready.length = 0;
}
