import { normalizeDn } from '../../core/dn.js';
import type { ExportRequest, ExportResult } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import { writeFileAtomically, type WriteBytes } from './atomic-file.js';
import { encodeText, readTextChunks, statFile, type ReadProgress } from './file-connection.js';
import { systemErrorCode, translateFileError } from './file-errors.js';
import type { FileFormat, FileItem } from './file-format.js';
import { anchorOf, type FileSchema } from './file-object.js';
import { applyRequest, keysOf, planExport, type ExportPlan, type IndexedObject } from './export-plan.js';

/** What an export needs to know about its connector. */
export interface FileExportContext {
  readonly name: string;
  readonly path: string;
  readonly schema: FileSchema;
  readonly format: FileFormat;
  readonly shouldGenerateAnchor: boolean;
  readonly signal?: AbortSignal | undefined;
}

const WRITE_CHARS = 64 * 1024;

async function* readItems(context: FileExportContext, progress: ReadProgress): AsyncGenerator<FileItem> {
  yield* context.format.parse(readTextChunks(context.path, context.format.encoding, progress));
}

/** First read: the file's objects that the requests name (by anchor or DN); memory follows the requests. */
async function indexFile(
  context: FileExportContext,
  requests: readonly ExportRequest[],
  progress: ReadProgress,
): Promise<IndexedObject[]> {
  const { anchors, dns } = keysOf(requests);
  const indexed: IndexedObject[] = [];
  let ordinal = 0;
  for await (const item of readItems(context, progress)) {
    if (item.kind === 'object') {
      const anchor = anchorOf(item.object, context.schema);
      if ((anchor !== null && anchors.has(anchor)) || dns.has(normalizeDn(item.object.dn))) {
        indexed.push({ ordinal, dn: item.object.dn, anchor });
      }
    }
    ordinal++;
    context.signal?.throwIfAborted();
  }
  return indexed;
}

/** Second read: streams the file again, writing kept items as they were and changed ones re-rendered. */
async function rewrite(
  context: FileExportContext,
  plan: ExportPlan,
  attributeNames: readonly string[],
  before: ReadProgress | null,
  write: WriteBytes,
): Promise<void> {
  const { format, schema } = context;
  const rewriter = format.createRewriter(attributeNames);
  let pending = '';
  let isFirst = true;
  const emit = async (text: string, force = false): Promise<void> => {
    pending += text;
    if (pending.length < WRITE_CHARS && !force) return;
    await write(encodeText(pending, format.encoding, isFirst));
    isFirst = false;
    pending = '';
  };
  if (before) {
    const progress: ReadProgress = {};
    let ordinal = 0;
    for await (const item of readItems(context, progress)) {
      const requests = plan.changes.get(ordinal++);
      if (item.kind !== 'object' || !requests) {
        await emit(rewriter.keep(item));
        continue;
      }
      const isKept = requests.every((request) => applyRequest(item.object, request, schema, format));
      if (isKept) await emit(rewriter.render(item.object));
      context.signal?.throwIfAborted();
    }
    if (progress.snapshot?.sha256 !== before.snapshot?.sha256) {
      throw new ConnectorError(
        `connector "${context.name}": file ${context.path} changed during export; nothing was written`,
        'input',
        true,
      );
    }
  }
  for (const object of plan.created) await emit(rewriter.render(object));
  await emit(rewriter.finish(), true);
}

/** Every attribute name the export writes, in first-seen order. */
function attributeNamesOf(requests: readonly ExportRequest[], plan: ExportPlan): string[] {
  const names = new Map<string, string>();
  for (const object of plan.created)
    for (const a of object.attributes.values()) names.set(a.name.toLowerCase(), a.name);
  for (const r of requests) {
    for (const c of r.delta.changes) if (!names.has(c.name.toLowerCase())) names.set(c.name.toLowerCase(), c.name);
    for (const name of Object.keys(r.target?.attributes ?? {}))
      if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}

/**
 * Applies a batch of export requests to a directory file: plan against a first read, then rewrite the
 * file atomically (temporary file, fsync, rename). Results are returned only after the rename, so an
 * `ok` result means the change is on disk. Whole-operation failures throw and leave the file untouched.
 */
export async function exportToFile(
  context: FileExportContext,
  requests: readonly ExportRequest[],
): Promise<ExportResult[]> {
  try {
    const exists = (await statFile(context.path)) !== null;
    const before: ReadProgress | null = exists ? {} : null;
    const indexed = before ? await indexFile(context, requests, before) : [];
    const plan = planExport(requests, indexed, context.schema, context.format, context.shouldGenerateAnchor);
    if (plan.results.every((r) => !r.ok)) return plan.results;
    const names = attributeNamesOf(requests, plan);
    await writeFileAtomically(context.path, (write) => rewrite(context, plan, names, before, write));
    return plan.results;
  } catch (error) {
    // Only file-system errors carry a `code`; anything else (abort, a bad value) is rethrown as it is.
    throw systemErrorCode(error) !== undefined ? translateFileError(error, context.name, context.path, 'write') : error;
  }
}
