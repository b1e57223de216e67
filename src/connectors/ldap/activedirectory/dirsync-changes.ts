import type { Entry as LdaptsEntry } from 'ldapts';

type RawValue = LdaptsEntry[string];
export type RawValues = readonly (string | Buffer)[];

/**
 * What one entry of a DirSync answer means. Samba and Windows send, for a changed object, only the
 * changed attributes plus objectGUID and instanceType; a new object comes with its objectClass, a
 * renamed or moved one with `name` and `parentGUID`, a deleted one with `isDeleted: TRUE` under
 * CN=Deleted Objects. With the incremental-values flag, added and removed values of linked
 * attributes (member) come as `member;range=1-1` and `member;range=0-0`.
 */
export type DirSyncChange =
  | { readonly kind: 'deleted'; readonly guid: Buffer; readonly dn: string }
  /** New, renamed or moved: the object is read again whole. */
  | { readonly kind: 'image'; readonly guid: Buffer; readonly dn: string }
  /** Attribute-level changes of an object the connector space already holds. */
  | {
      readonly kind: 'attributes';
      readonly guid: Buffer;
      readonly dn: string;
      /** Attribute (server spelling) → its whole new value set. */
      readonly replaced: ReadonlyMap<string, RawValues>;
      /** Attributes that no longer have a value. */
      readonly cleared: readonly string[];
      /** Attribute → values added / removed (incremental values). */
      readonly added: ReadonlyMap<string, RawValues>;
      readonly removed: ReadonlyMap<string, RawValues>;
    }
  | { readonly kind: 'malformed'; readonly dn: string; readonly message: string };

/** Attributes DirSync always sends or that say what happened rather than what changed. */
const BOOKKEEPING = new Set(['dn', '*', 'objectguid', 'instancetype', 'parentguid', 'isdeleted', 'objectclass']);

const RANGE = /^(.+);range=([01])-([01])$/i;

function valuesOf(value: RawValue | undefined): RawValues {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as string | Buffer];
}

function find(raw: LdaptsEntry, lower: string): RawValue | undefined {
  for (const key in raw) if (key.toLowerCase() === lower) return raw[key];
  return undefined;
}

function textOf(value: string | Buffer | undefined): string {
  return value === undefined ? '' : typeof value === 'string' ? value : value.toString('utf8');
}

/** Classifies one raw DirSync entry (objectGUID and parentGUID requested as Buffers). Pure. */
export function classifyDirSyncEntry(raw: LdaptsEntry): DirSyncChange {
  const dn = typeof raw.dn === 'string' ? raw.dn : '';
  const guids = valuesOf(find(raw, 'objectguid'));
  const guid = guids[0];
  if (guids.length !== 1 || !Buffer.isBuffer(guid) || guid.length !== 16) {
    return { kind: 'malformed', dn, message: `DirSync returned "${dn}" without a 16-byte objectGUID` };
  }
  if (textOf(valuesOf(find(raw, 'isdeleted'))[0]).toUpperCase() === 'TRUE') return { kind: 'deleted', guid, dn };
  const isNew = valuesOf(find(raw, 'objectclass')).length > 0;
  const isMoved = valuesOf(find(raw, 'parentguid')).length > 0;
  if (isNew || isMoved) return { kind: 'image', guid, dn };
  const replaced = new Map<string, RawValues>();
  const cleared: string[] = [];
  const added = new Map<string, RawValues>();
  const removed = new Map<string, RawValues>();
  for (const key in raw) {
    if (BOOKKEEPING.has(key.toLowerCase())) continue;
    const values = valuesOf(raw[key]);
    const range = RANGE.exec(key);
    if (range) {
      const [, name, low, high] = range as unknown as [string, string, string, string];
      if (low !== high) return { kind: 'malformed', dn, message: `DirSync returned "${dn}" with ${key}` };
      const into = high === '1' ? added : removed;
      into.set(name, [...(into.get(name) ?? []), ...values]);
    } else if (values.length === 0) {
      cleared.push(key);
    } else {
      replaced.set(key, values);
    }
  }
  return { kind: 'attributes', guid, dn, replaced, cleared, added, removed };
}
