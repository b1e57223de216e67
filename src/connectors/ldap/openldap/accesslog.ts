import type { Entry as LdaptsEntry } from 'ldapts';
import type { ImportItem, ImportOptions } from '../../../core/connector.js';
import { normalizeDn } from '../../../core/dn.js';
import { ConnectorError } from '../../../core/errors.js';
import type { LdapSession } from '../flavour.js';
import { anyOfFilter, escapeFilterValue } from '../ldap-filter.js';

/**
 * OpenLDAP delta import from the accesslog overlay (slapo-accesslog): every successful write under
 * the base DN since the watermark, deduplicated per entryUUID, each changed entry re-read whole.
 *
 * Watermark: `accesslog:<reqStart>` of the newest log record processed (GeneralizedTime, as the
 * record's RDN has it), or `accesslog:empty` when the log held nothing at the time of a full import.
 * Records are read again from two seconds before it (a record of a concurrent write can be committed
 * after a newer one); `|<reqStart>,...` lists the records of that window already processed, so
 * they are skipped rather than read twice.
 */
const PREFIX = 'accesslog:';
const EMPTY = 'empty';
const UNAVAILABLE = 'unavailable';
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d{1,6})?Z$/;
/** Records committed out of order (concurrent writes) are caught by re-reading this far back. */
const OVERLAP_MS = 2_000;
/** entryUUIDs per re-read search. */
const REREAD_BATCH = 100;

/** At most this many already-processed records are listed in a watermark; beyond, they are read again. */
const MAX_SEEN = 200;

export type AccesslogPosition =
  { readonly kind: 'time'; readonly reqStart: string; readonly seen: ReadonlySet<string> } | { readonly kind: 'empty' };

export function renderAccesslogWatermark(reqStart: string | null, seen: readonly string[] = []): string {
  if (reqStart === null) return PREFIX + EMPTY;
  const listed = seen.length > 0 && seen.length <= MAX_SEEN ? `|${[...seen].sort().join(',')}` : '';
  return PREFIX + reqStart + listed;
}

/** The accesslog is missing or unreadable: delta imports will fall back to full imports. */
export const UNAVAILABLE_WATERMARK = PREFIX + UNAVAILABLE;

function rejected(connector: string, reason: string): ConnectorError {
  return new ConnectorError(`connector "${connector}": ${reason}`, 'watermark-rejected');
}

/** Parses a watermark; anything else (another flavour's, a damaged one) is rejected. */
export function parseAccesslogWatermark(connector: string, text: string, accesslogBase: string): AccesslogPosition {
  if (!text.startsWith(PREFIX)) {
    return reject(rejected(connector, `watermark "${text.slice(0, 40)}" is not an OpenLDAP accesslog position`));
  }
  const [value = '', listed] = text.slice(PREFIX.length).split('|', 2);
  if (value === EMPTY) return { kind: 'empty' };
  if (value === UNAVAILABLE) {
    return reject(
      rejected(
        connector,
        `the accesslog ${accesslogBase} was not readable at the last full import, so there is no delta position`,
      ),
    );
  }
  const seen = listed ? listed.split(',') : [];
  if (![value, ...seen].every((t) => GENERALIZED_TIME.test(t))) {
    return reject(rejected(connector, `watermark "${value}" is not a reqStart time`));
  }
  return { kind: 'time', reqStart: value, seen: new Set(seen) };
}

function reject(error: ConnectorError): never {
  throw error;
}

/** `reqStart - OVERLAP_MS` as GeneralizedTime in slapd's own form (`.000000Z`), so it sorts with reqStart values. */
export function overlapStart(reqStart: string): string {
  const m = GENERALIZED_TIME.exec(reqStart);
  if (!m) return reqStart;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - OVERLAP_MS;
  const t = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1) +
    pad(t.getUTCDate()) +
    pad(t.getUTCHours()) +
    pad(t.getUTCMinutes()) +
    pad(t.getUTCSeconds()) +
    '.000000Z'
  );
}

function text(raw: LdaptsEntry, name: string): string | undefined {
  const value = raw[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function isUnder(dn: string, base: string): boolean {
  return dn === base || dn.endsWith(',' + base);
}

/** The reqStart of the newest record in the log, null when it is empty; throws when it is missing. */
export async function readNewestReqStart(session: LdapSession): Promise<string | null> {
  let newest: string | null = null;
  for await (const page of session.searchPages(session.config.accesslogBase, '(reqStart=*)', ['reqStart'])) {
    for (const raw of page) {
      const reqStart = text(raw, 'reqStart');
      if (reqStart !== undefined && (newest === null || reqStart > newest)) newest = reqStart;
    }
  }
  return newest;
}

/**
 * Throws `watermark-rejected` when the log no longer holds the record at the watermark (purged).
 *
 * The record at the watermark is matched by equality as well: slapd (2.5.13 here) does not match
 * `(reqStart<=X)` against the record whose reqStart is exactly X when X's fraction ends in 0
 * (`.360500Z`, `.000000Z`), though it does match older records and `(reqStart=X)` matches X. The
 * assertion value seems to be normalized without the trailing zeros (`.3605Z`) and the stored value
 * not, so the stored one sorts after it. When that record was the oldest in the log (the first
 * delta after a full import of an empty log) a live watermark was taken for a purged one.
 */
async function checkNotPurged(session: LdapSession, reqStart: string): Promise<void> {
  const { accesslogBase, name } = session.config;
  const value = escapeFilterValue(reqStart);
  const result = await session.client.search(accesslogBase, {
    scope: 'one',
    filter: `(|(reqStart=${value})(reqStart<=${value}))`,
    attributes: ['1.1'],
    sizeLimit: 1,
  });
  if (result.searchEntries.length === 0) {
    throw rejected(
      name,
      `the accesslog ${accesslogBase} no longer holds changes back to ${reqStart} (purged by logpurge); the watermark has expired`,
    );
  }
}

interface Change {
  readonly isDelete: boolean;
  readonly dn: string;
  readonly uuid: string | undefined;
}

/** Reads the log since the position: the last change of each object, in the order of last change. */
async function readChanges(
  session: LdapSession,
  since: string | null,
  skip: ReadonlySet<string>,
  options: ImportOptions,
): Promise<{ changes: Map<string, Change>; newest: string | null; read: string[] }> {
  const base = normalizeDn(session.config.baseDn);
  const parts = ['(objectClass=auditWriteObject)', '(reqResult=0)'];
  if (since !== null) parts.push(`(reqStart>=${escapeFilterValue(since)})`);
  const filter = `(&${parts.join('')})`;
  const attributes = ['reqStart', 'reqType', 'reqDN', 'reqEntryUUID', 'reqNewSuperior'];
  const changes = new Map<string, Change>();
  let newest: string | null = null;
  let read: string[] = [];
  let limit = 10_000;
  for await (const page of session.searchPages(session.config.accesslogBase, filter, attributes)) {
    options.signal?.throwIfAborted();
    for (const raw of page) {
      const reqStart = text(raw, 'reqStart');
      const dn = text(raw, 'reqDN');
      const type = text(raw, 'reqType');
      if (reqStart === undefined || dn === undefined || type === undefined) continue;
      if (newest === null || reqStart > newest) newest = reqStart;
      read.push(reqStart);
      // Only the records of the last two seconds go into the watermark: drop older ones as we go.
      if (read.length > limit) {
        read = read.filter((t) => t >= overlapStart(newest as string));
        limit = Math.max(10_000, read.length * 2);
      }
      if (skip.has(reqStart)) continue;
      const superior = text(raw, 'reqNewSuperior');
      const isRelevant =
        isUnder(normalizeDn(dn), base) || (superior !== undefined && isUnder(normalizeDn(superior), base));
      if (!isRelevant) continue;
      const uuid = text(raw, 'reqEntryUUID');
      const key = uuid !== undefined ? `u:${uuid.toLowerCase()}` : `d:${normalizeDn(dn)}`;
      changes.delete(key);
      changes.set(key, { isDelete: type === 'delete', dn, uuid });
    }
  }
  return { changes, newest, read };
}

/** Re-reads changed objects by entryUUID, a batch per search; gone or out of scope → delete. */
async function* rereadChanged(session: LdapSession, batch: readonly Change[], attributes: readonly string[]) {
  const byUuid = new Map<string, LdaptsEntry>();
  const uuids = batch.flatMap((c) => (c.uuid !== undefined ? [c.uuid] : []));
  if (uuids.length > 0) {
    for await (const page of session.searchPages(session.config.baseDn, anyOfFilter('entryUUID', uuids), attributes)) {
      for (const raw of page) {
        const uuid = text(raw, 'entryUUID');
        if (uuid !== undefined) byUuid.set(uuid.toLowerCase(), raw);
      }
    }
  }
  for (const change of batch) {
    if (change.uuid === undefined) {
      yield {
        kind: 'error',
        dn: change.dn,
        message: `accesslog record for "${change.dn}" has no reqEntryUUID`,
      } as const;
      continue;
    }
    const raw = byUuid.get(change.uuid.toLowerCase());
    const item: ImportItem | null = raw ? session.toImportItem(raw) : null;
    yield item ?? ({ kind: 'delete', anchor: change.uuid.toLowerCase(), dn: change.dn } as const);
  }
}

/** The accesslog delta import (see the module comment). */
export async function* readAccesslogDelta(
  session: LdapSession,
  watermark: string,
  options: ImportOptions = {},
): AsyncGenerator<ImportItem> {
  const attributes = session.requestAttributes;
  const position = parseAccesslogWatermark(session.config.name, watermark, session.config.accesslogBase);
  if (position.kind === 'time') await checkNotPurged(session, position.reqStart);
  const since = position.kind === 'time' ? overlapStart(position.reqStart) : null;
  const skip = position.kind === 'time' ? position.seen : new Set<string>();
  const { changes, newest, read } = await readChanges(session, since, skip, options);
  let batch: Change[] = [];
  for (const change of changes.values()) {
    if (change.isDelete && change.uuid !== undefined) {
      yield { kind: 'delete', anchor: change.uuid.toLowerCase(), dn: change.dn };
      continue;
    }
    batch.push(change);
    if (batch.length >= REREAD_BATCH) {
      yield* rereadChanged(session, batch, attributes);
      batch = [];
      options.signal?.throwIfAborted();
    }
  }
  if (batch.length > 0) yield* rereadChanged(session, batch, attributes);
  if (newest === null) {
    yield { kind: 'watermark', watermark };
    return;
  }
  const windowStart = overlapStart(newest);
  yield {
    kind: 'watermark',
    watermark: renderAccesslogWatermark(
      newest,
      read.filter((t) => t >= windowStart),
    ),
  };
}
