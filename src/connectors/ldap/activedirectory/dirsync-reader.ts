import { EqualityFilter, OrFilter, type Client, type Entry as LdaptsEntry } from 'ldapts';
import type { AttributeChange } from '../../../core/connector-space.js';
import type { ImportItem, ImportOptions } from '../../../core/connector.js';
import { normalizeDn } from '../../../core/dn.js';
import { ConnectorError } from '../../../core/errors.js';
import type { AttributeValue } from '../../../core/values.js';
import type { LdapSession } from '../flavour.js';
import { resultCodeOf, resultName, translateLdapError } from '../ldap-errors.js';
import { anyOfFilter } from '../ldap-filter.js';
import { classifyDirSyncEntry, type DirSyncChange, type RawValues } from './dirsync-changes.js';
import { DIRSYNC_FLAGS, DirSyncControl } from './dirsync-control.js';
import { formatDirSyncWatermark, parseDirSyncWatermark } from './dirsync-watermark.js';

/** Changed objects read back per search (one OR filter of objectGUIDs). */
const CHUNK = 200;
/** Matches nothing, through the objectGUID index: a DirSync round that only yields a cookie. */
const NOTHING = `(objectGUID=${'\\00'.repeat(16)})`;

const namingContexts = new WeakMap<Client, string>();

function where(session: LdapSession): string {
  return `connector "${session.config.name}"`;
}

/**
 * DirSync must search from the root of a naming context ([MS-ADTS] 3.1.1.3.4.1.3): the one that
 * holds baseDn, from the rootDSE.
 */
async function namingContextOf(session: LdapSession): Promise<string> {
  const known = namingContexts.get(session.client);
  if (known !== undefined) return known;
  let contexts: string[];
  try {
    const { searchEntries } = await session.client.search('', {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['namingContexts', 'defaultNamingContext'],
    });
    const root = searchEntries[0];
    const listed = root?.namingContexts ?? root?.defaultNamingContext ?? [];
    contexts = (Array.isArray(listed) ? listed : [listed]).map(String);
  } catch (error) {
    throw translateLdapError(error, where(session), 'read of the rootDSE');
  }
  const base = normalizeDn(session.config.baseDn);
  const holding = contexts
    .filter((nc) => {
      const n = normalizeDn(nc);
      return base === n || base.endsWith(',' + n);
    })
    .sort((a, b) => b.length - a.length)[0];
  if (holding === undefined) {
    throw new ConnectorError(
      `${where(session)}: baseDn "${session.config.baseDn}" is in none of the server's naming contexts (${contexts.join('; ')})`,
      'protocol',
    );
  }
  namingContexts.set(session.client, holding);
  return holding;
}

/** The filter DirSync runs with: the configured object classes (tombstones keep objectClass). */
function changeFilter(session: LdapSession): string {
  const classes = Object.keys(session.config.objectTypes);
  return classes.length > 0 ? anyOfFilter('objectClass', classes) : '(objectClass=*)';
}

function bufferAttributes(session: LdapSession, flavourBinary: readonly string[]): string[] {
  const names = [...session.config.binaryAttributes, ...flavourBinary, 'objectGUID', 'parentGUID'];
  return [...new Set([...names, ...names.map((n) => n.toLowerCase())])];
}

async function dirSync(
  session: LdapSession,
  control: DirSyncControl,
  filter: string,
  binary: readonly string[],
): Promise<LdaptsEntry[]> {
  const base = await namingContextOf(session);
  const hadCookie = control.cookie.length > 0;
  try {
    // '*' rather than a list: ldapts gives every requested attribute an empty value when the
    // server did not send it, which would read as "cleared". Referrals are not chased.
    const result = await session.client.search(
      base,
      {
        scope: 'sub',
        filter,
        attributes: ['*', 'parentGUID'],
        explicitBufferAttributes: bufferAttributes(session, binary),
      },
      control,
    );
    return result.searchEntries;
  } catch (error) {
    const code = resultCodeOf(error);
    // Windows answers a cookie it cannot use with unwillingToPerform or protocolError; Samba
    // with unavailableCriticalExtension ("Unable to unmarshall cookie").
    if (hadCookie && code !== undefined && [1, 2, 12, 53, 80].includes(code)) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConnectorError(
        `${where(session)}: DirSync cookie rejected by server (${resultName(code)} (${code}): ${detail})`,
        'watermark-rejected',
        false,
        { cause: error },
      );
    }
    throw translateLdapError(error, where(session), 'DirSync search');
  }
}

/** The cookie of "now": one DirSync round whose filter matches nothing. */
export async function readDirSyncWatermark(session: LdapSession, flavourBinary: readonly string[]): Promise<string> {
  const control = new DirSyncControl({ flags: DIRSYNC_FLAGS.incrementalValues });
  do await dirSync(session, control, NOTHING, flavourBinary);
  while (control.moreResults);
  return formatDirSyncWatermark(control.cookie);
}

/**
 * Delta import by DirSync from a stored cookie: deletes from tombstones, whole images for new,
 * renamed and moved objects, `modify` items (attribute-level, incremental member values) for the
 * rest. Each DirSync round ends with its cookie as a `watermark` item.
 */
export async function* readDirSyncChanges(
  session: LdapSession,
  watermark: string,
  flavourBinary: readonly string[],
  anchorOf: (raw: Buffer) => string,
  options?: ImportOptions,
): AsyncGenerator<ImportItem> {
  const control = new DirSyncControl({
    flags: DIRSYNC_FLAGS.incrementalValues,
    cookie: parseDirSyncWatermark(watermark, session.config.name),
  });
  const filter = changeFilter(session);
  do {
    options?.signal?.throwIfAborted();
    const entries = await dirSync(session, control, filter, flavourBinary);
    for (let i = 0; i < entries.length; i += CHUNK) {
      options?.signal?.throwIfAborted();
      yield* readChunk(session, entries.slice(i, i + CHUNK).map(classifyDirSyncEntry), flavourBinary, anchorOf);
    }
    yield { kind: 'watermark', watermark: formatDirSyncWatermark(control.cookie) };
  } while (control.moreResults);
}

/**
 * Reads objects by objectGUID. The filter is built from ldapts filter objects: a text filter with
 * `\\XX` escapes would reach the server UTF-8 encoded byte by byte (ldapts decodes each escape to
 * one character), which no GUID with a byte above 0x7F matches.
 */
async function readByGuid(
  session: LdapSession,
  guids: readonly Buffer[],
  attributes: readonly string[],
  flavourBinary: readonly string[],
  anchorOf: (raw: Buffer) => string,
): Promise<Map<string, LdaptsEntry>> {
  const found = new Map<string, LdaptsEntry>();
  if (guids.length === 0) return found;
  const base = await namingContextOf(session);
  const clauses = guids.map((value) => new EqualityFilter({ attribute: 'objectGUID', value }));
  let entries: LdaptsEntry[];
  try {
    const result = await session.client.search(base, {
      scope: 'sub',
      filter: clauses.length === 1 ? (clauses[0] as EqualityFilter) : new OrFilter({ filters: clauses }),
      attributes: [...attributes],
      explicitBufferAttributes: bufferAttributes(session, flavourBinary),
    });
    entries = result.searchEntries;
  } catch (error) {
    throw translateLdapError(error, where(session), 'read of changed objects');
  }
  for (const raw of entries) {
    const value = Object.entries(raw).find(([k]) => k.toLowerCase() === 'objectguid')?.[1];
    const guid = Array.isArray(value) ? value[0] : value;
    if (Buffer.isBuffer(guid)) found.set(anchorOf(guid), raw);
  }
  return found;
}

async function* readChunk(
  session: LdapSession,
  changes: readonly DirSyncChange[],
  flavourBinary: readonly string[],
  anchorOf: (raw: Buffer) => string,
): AsyncGenerator<ImportItem> {
  const images = changes.flatMap((c) => (c.kind === 'image' ? [c.guid] : []));
  const partial = changes.flatMap((c) => (c.kind === 'attributes' ? [c.guid] : []));
  const fullImages = await readByGuid(session, images, session.requestAttributes, flavourBinary, anchorOf);
  const types = await readByGuid(session, partial, ['objectClass', 'objectGUID'], flavourBinary, anchorOf);
  for (const change of changes) {
    switch (change.kind) {
      case 'malformed':
        yield { kind: 'error', dn: change.dn, message: change.message };
        break;
      case 'deleted':
        yield { kind: 'delete', anchor: anchorOf(change.guid) };
        break;
      case 'image': {
        const anchor = anchorOf(change.guid);
        const raw = fullImages.get(anchor);
        // Gone since DirSync answered: the next delta import brings its tombstone.
        if (raw === undefined) break;
        // Moved out of scope (or never in it): a delete the engine ignores for unknown objects.
        yield session.toImportItem(raw) ?? { kind: 'delete', anchor };
        break;
      }
      case 'attributes': {
        const item = toModify(session, change, types.get(anchorOf(change.guid)));
        if (item !== null) yield item;
        break;
      }
    }
  }
}

/**
 * A `modify` item from attribute-level changes, with values mapped as a full import maps them
 * (references, binary); null when the object is out of scope or no imported attribute changed.
 */
function toModify(
  session: LdapSession,
  change: Extract<DirSyncChange, { kind: 'attributes' }>,
  typeEntry: LdaptsEntry | undefined,
): ImportItem | null {
  if (typeEntry === undefined) return null;
  const base = session.toImportItem(typeEntry);
  if (base === null || base.kind !== 'entry') return base;
  const inclusion = new Set(session.config.attributeInclusion.map((n) => n.toLowerCase()));
  const isImported = (name: string): boolean =>
    name.toLowerCase() !== 'objectguid' && (inclusion.size === 0 || inclusion.has(name.toLowerCase()));
  const mapValues = (name: string, values: RawValues): readonly AttributeValue[] => {
    const mapped = session.toImportItem({ ...typeEntry, [name]: [...values] as string[] });
    return mapped?.kind === 'entry' ? (mapped.entry.attributes[name] ?? []) : [];
  };
  const changes: AttributeChange[] = [];
  for (const [name, values] of change.replaced) {
    if (isImported(name)) changes.push({ operation: 'replace', name, values: mapValues(name, values) });
  }
  for (const name of change.cleared) if (isImported(name)) changes.push({ operation: 'delete', name });
  for (const name of new Set([...change.added.keys(), ...change.removed.keys()])) {
    if (!isImported(name)) continue;
    const add = mapValues(name, change.added.get(name) ?? []);
    const remove = mapValues(name, change.removed.get(name) ?? []);
    changes.push({ operation: 'update', name, add, remove });
  }
  if (changes.length === 0) return null;
  return { kind: 'modify', anchor: base.entry.anchor, dn: base.entry.dn, objectType: base.entry.objectType, changes };
}
