import type { Entry as LdaptsEntry } from 'ldapts';
import type { LdapConnectorConfig } from '../../config/index.js';
import type { ImportItem } from '../../core/connector.js';
import { normalizeDn } from '../../core/dn.js';
import type { AttributeValue } from '../../core/values.js';
import type { LdapFlavour } from './flavour.js';
import { anyOfFilter } from './ldap-filter.js';

type Role = 'plain' | 'binary' | 'reference' | 'hidden';

/** What the mapping knows about one attribute name as the server spells it (computed once per name). */
interface KeyInfo {
  readonly role: Role;
  readonly isAnchor: boolean;
  readonly isObjectClass: boolean;
  readonly isStructural: boolean;
}
type RawValue = LdaptsEntry[string];

function lowerSet(names: Iterable<string>): Set<string> {
  return new Set([...names].map((n) => n.toLowerCase()));
}

/** True when normalized `dn` is `container` or lies under it. */
function isUnder(dn: string, container: string): boolean {
  return dn === container || (dn.length > container.length && dn.endsWith(',' + container));
}

/**
 * How the connector reads entries: which attributes to request, which are binary or references,
 * which entries are in scope and what object type they get. Built once per connector; pure.
 */
export class LdapMapping {
  /** Attributes a search requests. */
  readonly requestAttributes: readonly string[];
  /** Attributes ldapts must return as Buffers. */
  readonly bufferAttributes: readonly string[];
  /** Search bases for a full import: the included containers (not nested in each other), or baseDn. */
  readonly searchBases: readonly string[];
  /** The filter of a full import: the mapped object classes, or every entry. */
  readonly searchFilter: string;
  private readonly anchorKey: string;
  private readonly binary: Set<string>;
  private readonly references: Set<string>;
  private readonly hidden: Set<string>;
  private readonly typeByClass: Map<string, string>;
  private readonly keys = new Map<string, KeyInfo>();
  private readonly base: string;
  private readonly includes: readonly string[];
  private readonly excludes: readonly string[];

  constructor(
    private readonly config: LdapConnectorConfig,
    private readonly flavour: LdapFlavour,
  ) {
    this.anchorKey = flavour.anchorAttribute.toLowerCase();
    this.binary = lowerSet([...config.binaryAttributes, ...flavour.binaryAttributes]);
    this.references = lowerSet(config.referenceAttributes);
    const inclusion = config.attributeInclusion;
    const kept = lowerSet([...inclusion, 'objectClass', flavour.anchorAttribute]);
    this.hidden = new Set([...lowerSet(flavour.extraAttributes)].filter((n) => !kept.has(n)));
    const wanted = inclusion.length === 0 ? ['*'] : [...inclusion, 'objectClass'];
    this.requestAttributes = [...new Set([...wanted, flavour.anchorAttribute, ...flavour.extraAttributes])];
    // ldapts compares these case-sensitively with the server's spelling: offer the usual spellings.
    const spellings = [...config.binaryAttributes, ...flavour.binaryAttributes];
    this.bufferAttributes = [...new Set([...spellings, ...spellings.map((n) => n.toLowerCase())])];
    this.typeByClass = new Map(Object.entries(config.objectTypes).map(([cls, type]) => [cls.toLowerCase(), type]));
    this.base = normalizeDn(config.baseDn);
    const unique = [...new Map(config.containers.include.map((dn) => [normalizeDn(dn), dn])).entries()];
    this.includes = unique.map(([n]) => n);
    this.excludes = config.containers.exclude.map(normalizeDn);
    const outermost = unique.filter(([n]) => !unique.some(([o]) => o !== n && isUnder(n, o))).map(([, dn]) => dn);
    this.searchBases = outermost.length > 0 ? outermost : [config.baseDn];
    const classes = Object.keys(config.objectTypes);
    this.searchFilter = classes.length > 0 ? anyOfFilter('objectClass', classes) : '(objectClass=*)';
  }

  /** Whether a DN is at or under baseDn, inside an included container and outside every excluded one. */
  isInScope(dn: string): boolean {
    const n = normalizeDn(dn);
    if (!isUnder(n, this.base)) return false;
    if (this.includes.length > 0 && !this.includes.some((c) => isUnder(n, c))) return false;
    return !this.excludes.some((c) => isUnder(n, c));
  }

  /** A full import searches the included containers, so only exclusions need checking per entry. */
  get hasExclusions(): boolean {
    return this.excludes.length > 0;
  }

  /**
   * The object type of an entry: with an `objectTypes` map, the mapped type of its structural class
   * or else of its most specific listed class (null: not selected); without one, its structural class.
   */
  objectTypeOf(classes: readonly string[], structural: string | undefined): string | null {
    if (this.typeByClass.size === 0) return structural ?? classes[classes.length - 1] ?? null;
    if (structural !== undefined) {
      const type = this.typeByClass.get(structural.toLowerCase());
      if (type !== undefined) return type;
    }
    for (let i = classes.length - 1; i >= 0; i--) {
      const type = this.typeByClass.get((classes[i] as string).toLowerCase());
      if (type !== undefined) return type;
    }
    return null;
  }

  /** The objectClass values an add needs when the target has none: the classes mapped to its type. */
  objectClassesFor(objectType: string): string[] {
    const mapped = Object.entries(this.config.objectTypes)
      .filter(([, type]) => type === objectType)
      .map(([cls]) => cls);
    return mapped.length > 0 ? mapped : [objectType];
  }

  isReference(name: string): boolean {
    return this.references.has(name.toLowerCase());
  }

  isBinary(name: string): boolean {
    return this.binary.has(name.toLowerCase());
  }

  /**
   * Maps a raw entry: `entry` when in scope and selected, `error` when malformed (no anchor, no
   * objectClass, unreadable values), null when out of scope or not selected.
   */
  toImportItem(raw: LdaptsEntry, checkScope = true): ImportItem | null {
    const dn = raw.dn;
    if (typeof dn !== 'string' || dn === '')
      return { kind: 'error', message: 'the server returned an entry without a DN' };
    if (checkScope && !this.isInScope(dn)) return null;
    let anchorRaw: RawValue | undefined;
    let classes: string[] = [];
    let structural: string | undefined;
    const attributes: Record<string, readonly AttributeValue[]> = {};
    for (const key in raw) {
      if (key === 'dn') continue;
      const value = raw[key] as RawValue;
      const info = this.keys.get(key) ?? this.describe(key);
      if (info.isAnchor) anchorRaw = value;
      if (info.isStructural) structural = typeof value === 'string' ? value : undefined;
      else if (info.isObjectClass) classes = textValues(value);
      if (info.role === 'hidden') continue;
      if (typeof value === 'string' && info.role === 'plain') attributes[key] = [value];
      else {
        const values = toValues(value, info.role);
        if (values.length > 0) attributes[key] = values;
      }
    }
    const objectType = this.objectTypeOf(classes, structural);
    if (objectType === null) {
      if (classes.length === 0) return { kind: 'error', dn, message: `entry "${dn}" has no objectClass` };
      return null;
    }
    const anchorValue = Array.isArray(anchorRaw) ? anchorRaw[0] : anchorRaw;
    if (anchorValue === undefined || anchorValue.length === 0) {
      return { kind: 'error', dn, message: `entry "${dn}" has no ${this.flavour.anchorAttribute}` };
    }
    if (Array.isArray(anchorRaw) && anchorRaw.length > 1) {
      return {
        kind: 'error',
        dn,
        message: `entry "${dn}" has ${anchorRaw.length} ${this.flavour.anchorAttribute} values`,
      };
    }
    let anchor: string;
    try {
      anchor = this.flavour.anchorOf(anchorValue);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'error', dn, message: `entry "${dn}": unreadable ${this.flavour.anchorAttribute}: ${reason}` };
    }
    return { kind: 'entry', entry: { anchor, dn, objectType, attributes } };
  }

  private describe(key: string): KeyInfo {
    const lower = key.toLowerCase();
    let role: Role = 'plain';
    if (this.hidden.has(lower)) role = 'hidden';
    else if (this.binary.has(lower)) role = 'binary';
    else if (this.references.has(lower)) role = 'reference';
    const info: KeyInfo = {
      role,
      isAnchor: lower === this.anchorKey,
      isObjectClass: lower === 'objectclass',
      isStructural: lower === 'structuralobjectclass',
    };
    // Attribute names come from the server's schema; the cap only guards against a hostile server.
    if (this.keys.size < 10_000) this.keys.set(key, info);
    return info;
  }
}

function textValues(value: RawValue): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
}

/**
 * ldapts values → attribute values. Binary attributes become bytes even when ldapts decoded them
 * as text (its decoder is fatal, so re-encoding a decoded string gives the bytes back exactly);
 * other attributes stay text unless the server sent bytes that are not UTF-8.
 */
function toValues(value: RawValue, role: Role): AttributeValue[] {
  const list: readonly (string | Buffer)[] = Array.isArray(value) ? value : [value];
  switch (role) {
    case 'binary':
      return list.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v));
    case 'reference':
      return list.map((v) => ({ ref: typeof v === 'string' ? v : v.toString('utf8') }));
    default:
      return list as AttributeValue[];
  }
}
