import { normalizeDn } from '../../core/dn.js';
import type { CsObject } from '../../core/connector-space.js';
import type { CsQuery } from '../../core/state-store.js';

/** A compiled `CsQuery`: the same semantics as the SQL of `store/sqlite`. */
export function csQueryPredicate(connector: string, query: CsQuery): (cs: CsObject) => boolean {
  const dnNorm = query.dn === undefined ? undefined : normalizeDn(query.dn);
  const operations = query.pendingExportOperations ? new Set(query.pendingExportOperations) : undefined;
  const has = (part: unknown, wanted: boolean | undefined): boolean =>
    wanted === undefined || (part !== null) === wanted;
  return (cs) =>
    cs.connector === connector &&
    has(cs.pendingImport, query.hasPendingImport) &&
    (query.hasImage === undefined ||
      (cs.pendingImport !== null || cs.synchronizedHologram !== null) === query.hasImage) &&
    has(cs.unappliedExport, query.hasPendingExport) &&
    (operations === undefined || (cs.unappliedExport !== null && operations.has(cs.unappliedExport.operation))) &&
    has(cs.escrowedExport, query.hasEscrowedExport) &&
    has(cs.exportError, query.hasExportError) &&
    has(cs.importError, query.hasImportError) &&
    has(cs.mvId, query.isConnector) &&
    (query.objectType === undefined || cs.objectType === query.objectType) &&
    (query.notImportedInRun === undefined || cs.lastImportRun !== query.notImportedInRun) &&
    (dnNorm === undefined || normalizeDn(cs.dn) === dnNorm) &&
    (query.anchor === undefined || cs.anchor === query.anchor);
}
