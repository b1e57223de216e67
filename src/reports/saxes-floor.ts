import { SaxesParser } from 'saxes';

/**
 * Parses `input` with a bare saxes parser (no position tracking, no namespaces, no handlers but an
 * element counter) and resolves to the number of elements. It is the floor a saxes-based reader
 * cannot beat: benchmarks print it beside `readCsExport`'s throughput. Not used by any report.
 */
export async function parseBareSaxes(input: NodeJS.ReadableStream): Promise<number> {
  const parser = new SaxesParser({ position: false, xmlns: false });
  let elements = 0;
  let failure: Error | null = null;
  parser.on('opentag', () => {
    elements++;
  });
  parser.on('error', (error) => {
    failure ??= error;
  });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
    if (failure) throw failure;
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
  return elements;
}
