import type { CsObject, Entry, ExportError, ImportError, ObjectDelta } from '../core/connector-space.js';
import { applyDelta, diffAttributes } from './apply-delta.js';
import { BufferedOutput } from './buffered-output.js';
import { ALL_CSEXPORT_PARTS, type CsExportParts } from './csexport-filter.js';
import { renderDelta, renderEntry, type XmlRenderContext } from './csexport-xml.js';
import { MultivaluedNames } from './multivalued.js';
import { classifyPending, PendingCounter, type PendingCounts } from './pending-counts.js';
import { escapeXml } from './text-escape.js';

/** Options of `writeCsExport`. */
export interface CsExportOptions {
  /** Parts to write (`/o:`); all by default. */
  readonly parts?: CsExportParts;
  /** Connector name, written as each object's `ma-name`. */
  readonly connector: string;
  /** Attributes always written `multivalued="true"`; `DEFAULT_MULTIVALUED_ATTRIBUTES` by default. */
  readonly multivaluedAttributes?: Iterable<string>;
}

/** What `writeCsExport` wrote. */
export interface CsExportResult {
  readonly objects: number;
  /** Unapplied exports among the objects written, by kind. */
  readonly pendingExports: PendingCounts;
}

/** The XML declaration and root start tag, exactly as written. */
export const CSEXPORT_PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?><cs-objects>';

/**
 * Writes Microsoft's connector-space export XML (reference §1) for `objects`, streamed: the whole
 * document on one line with no whitespace between elements (Microsoft's csanalyzer.ps1 depends on
 * it), UTF-8, constant memory. Each `cs-object` holds, in schema order and as `parts` allow:
 * unapplied-export, escrowed-export and pending-import deltas (`d`); the synchronized hologram
 * (`b` or `h`); the unapplied-export, escrowed-export and pending-import holograms (`h`, each only
 * when its delta exists; none for a pending delete); connector, connector-state; import/export error
 * details (`e`); mv-link; ma-name. Password history (`p`) is accepted and writes nothing: idsync keeps
 * none. Does not end `out`.
 */
export async function writeCsExport(
  objects: AsyncIterable<CsObject>,
  out: NodeJS.WritableStream,
  options: CsExportOptions,
): Promise<CsExportResult> {
  const parts = options.parts ?? ALL_CSEXPORT_PARTS;
  const multivalued = new MultivaluedNames(options.multivaluedAttributes);
  const output = new BufferedOutput(out);
  const counter = new PendingCounter();
  const maName = `<ma-name>${escapeXml(options.connector)}</ma-name>`;
  let count = 0;
  output.push(CSEXPORT_PROLOGUE);
  for await (const cs of objects) {
    output.push(renderCsObject(cs, parts, { multivalued, anchor: cs.anchor }, maName));
    if (cs.unappliedExport) counter.add(classifyPending(cs.unappliedExport.operation, cs.unappliedExport.newDn));
    count++;
    await output.flushIfFull();
  }
  output.push('</cs-objects>');
  await output.flush();
  return { objects: count, pendingExports: counter.toCounts() };
}

/** Braced upper-case GUID, as csexport writes ids: `{0D1C2B3A-...}`. */
export function formatCsGuid(id: string): string {
  return '{' + id.replace(/^\{|\}$/g, '').toUpperCase() + '}';
}

function renderCsObject(cs: CsObject, parts: CsExportParts, context: XmlRenderContext, maName: string): string {
  const sync = cs.synchronizedHologram;
  const escrowedHologram = cs.escrowedExport ? applyDelta(sync, cs.escrowedExport) : null;
  const beforeUnapplied = cs.escrowedExport ? escrowedHologram : sync;
  let out = `<cs-object cs-dn="${escapeXml(cs.dn)}" id="${formatCsGuid(cs.id)}" object-type="${escapeXml(cs.objectType)}">`;
  if (parts.deltas) {
    if (cs.unappliedExport)
      out += wrap('unapplied-export', renderDelta(cs.unappliedExport, beforeUnapplied?.attributes ?? null, context));
    if (cs.escrowedExport)
      out += wrap('escrowed-export', renderDelta(cs.escrowedExport, sync?.attributes ?? null, context));
    if (cs.pendingImport)
      out += wrap('pending-import', renderDelta(pendingImportDelta(cs, context), sync?.attributes ?? null, context));
  }
  if ((parts.synchronizedHologram || parts.holograms) && sync)
    out += wrap('synchronized-hologram', renderEntry(sync, context));
  if (parts.holograms) {
    const unapplied = cs.unappliedExport ? applyDelta(beforeUnapplied, cs.unappliedExport) : null;
    if (unapplied) out += wrap('unapplied-export-hologram', renderEntry(unapplied, context));
    if (escrowedHologram) out += wrap('escrowed-export-hologram', renderEntry(escrowedHologram, context));
    const pending = cs.pendingImport?.entry;
    if (pending) out += wrap('pending-import-hologram', renderEntry(pending, context));
  }
  out += `<connector>${cs.mvId === null ? '0' : '1'}</connector><connector-state>${cs.connectorState}</connector-state>`;
  if (parts.errors) {
    if (cs.importError) out += importErrorXml(cs.importError);
    if (cs.exportError) out += exportErrorXml(cs.exportError);
  }
  if (cs.mvId !== null) out += `<mv-link>${formatCsGuid(cs.mvId)}</mv-link>`;
  return out + maName + '</cs-object>';
}

function wrap(tag: string, inner: string): string {
  return `<${tag}>${inner}</${tag}>`;
}

/** The pending-import delta: synchronized hologram → pending-import hologram. */
function pendingImportDelta(cs: CsObject, context: XmlRenderContext): ObjectDelta {
  const pending = cs.pendingImport!;
  const entry: Entry | null = pending.entry;
  const from = pending.operation === 'update' ? cs.synchronizedHologram : null;
  const changes = pending.operation === 'delete' ? [] : diffAttributes(from, entry, context.multivalued);
  return {
    operation: pending.operation,
    dn: entry?.dn ?? cs.dn,
    objectType: entry?.objectType ?? cs.objectType,
    changes,
  };
}

function element(tag: string, text: string | number | undefined): string {
  return text === undefined ? '' : `<${tag}>${escapeXml(String(text))}</${tag}>`;
}

/** Run-history `export-error` fields inside `export-status`, then `cd-error` as AAD scripts read it. */
function exportErrorXml(error: ExportError): string {
  const cdError =
    element('error-code', error.code) +
    element('error-name', error.code ?? error.type) +
    element('error-literal', error.message) +
    element('server-error-detail', error.detail);
  return (
    '<export-errordetail><export-status>' +
    element('date-occurred', error.dateOccurred) +
    element('first-occurred', error.firstOccurred) +
    element('retry-count', error.retryCount) +
    element('error-type', error.type) +
    `<cd-error>${cdError}</cd-error></export-status></export-errordetail>`
  );
}

function importErrorXml(error: ImportError): string {
  return (
    '<import-errordetail><import-status>' +
    element('date-occurred', error.dateOccurred) +
    element('error-type', error.type) +
    `<cd-error>${element('error-name', error.type)}${element('error-literal', error.message)}</cd-error>` +
    '</import-status></import-errordetail>'
  );
}
