import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/** The two resource types the example service offers. */
export type ResourceKind = 'User' | 'Group';

/** A member of a group as SCIM shows it (RFC 7643 §4.2). */
export interface StoredMember {
  readonly value: string;
  readonly type: ResourceKind;
}

/** A resource as the store returns it: the SCIM body plus the server-managed `id` and `meta`. */
export type StoredResource = Record<string, unknown> & {
  readonly id: string;
  readonly meta: { resourceType: ResourceKind; created: string; lastModified: string; version: string };
};

/** One comparison the store can answer with an index; anything else is matched in memory. */
export interface IndexedCondition {
  readonly attribute: 'id' | 'userName' | 'externalId' | 'displayName' | 'meta.lastModified';
  readonly operator: 'eq' | 'gt' | 'ge' | 'lt' | 'le';
  readonly value: string;
}

/** Thrown for uniqueness and reference problems; the server turns it into a SCIM error body. */
export class ScimStoreError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 412,
    readonly scimType?: 'uniqueness' | 'invalidValue',
  ) {
    super(message);
  }
}

const COLUMN: Readonly<Record<IndexedCondition['attribute'], string>> = {
  id: 'id',
  userName: 'user_name_key',
  externalId: 'external_id',
  displayName: 'display_name',
  'meta.lastModified': 'last_modified',
};
const SQL_OPERATOR: Readonly<Record<IndexedCondition['operator'], string>> = {
  eq: '=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

interface Row {
  id: string;
  kind: ResourceKind;
  body: string;
  created: string;
  last_modified: string;
  version: number;
}

function versionTag(version: number): string {
  return `W/"${version}"`;
}

/**
 * SCIM Users and Groups in one SQLite file (better-sqlite3, WAL). Group members live in their own
 * table, so a membership change touches one row and never rewrites the member list.
 */
export class ScimStore {
  private readonly db: Database.Database;
  private lastStamp = 0;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS resources (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        user_name_key TEXT,
        external_id TEXT,
        display_name TEXT,
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS resources_user_name ON resources (kind, user_name_key);
      CREATE INDEX IF NOT EXISTS resources_external_id ON resources (kind, external_id);
      CREATE INDEX IF NOT EXISTS resources_display_name ON resources (kind, display_name);
      CREATE INDEX IF NOT EXISTS resources_last_modified ON resources (kind, last_modified);
      CREATE TABLE IF NOT EXISTS members (
        group_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        member_kind TEXT NOT NULL,
        PRIMARY KEY (group_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS members_member ON members (member_id);
    `);
  }

  /** A strictly increasing timestamp, so that `meta.lastModified gt` never misses a change made in the same millisecond. */
  private stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  get(kind: ResourceKind, id: string): StoredResource | null {
    const row = this.db.prepare('SELECT * FROM resources WHERE kind = ? AND id = ?').get(kind, id) as Row | undefined;
    return row ? this.toResource(row) : null;
  }

  /** One page of the resources matching any of `branches` (each an AND of conditions), in creation order. */
  list(
    kind: ResourceKind,
    branches: readonly (readonly IndexedCondition[])[] | null,
    startIndex: number,
    count: number,
  ): { resources: StoredResource[]; totalResults: number } {
    const params: unknown[] = [kind];
    let where = 'kind = ?';
    if (branches !== null) {
      const ors = branches.map((branch) =>
        branch
          .map((c) => {
            params.push(c.attribute === 'userName' ? c.value.toLowerCase() : c.value);
            return `${COLUMN[c.attribute]} ${SQL_OPERATOR[c.operator]} ?`;
          })
          .join(' AND '),
      );
      where += ` AND ((${ors.join(') OR (')}))`;
    }
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM resources WHERE ${where}`).get(...params) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM resources WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(...params, count, startIndex - 1) as Row[];
    return { resources: rows.map((row) => this.toResource(row)), totalResults: total };
  }

  /** Every resource of a type, one at a time (for filters the indexes cannot answer). */
  *scan(kind: ResourceKind): Generator<StoredResource> {
    const statement = this.db.prepare('SELECT * FROM resources WHERE kind = ? ORDER BY seq');
    for (const row of statement.iterate(kind) as IterableIterator<Row>) yield this.toResource(row);
  }

  create(kind: ResourceKind, body: Record<string, unknown>): StoredResource {
    const id = randomUUID();
    const now = this.stamp();
    this.db.transaction(() => {
      this.checkUnique(kind, body, null);
      this.db
        .prepare(
          `INSERT INTO resources (id, kind, user_name_key, external_id, display_name, body, created, last_modified, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(id, kind, ...this.columns(kind, body), JSON.stringify(withoutMembers(body)), now, now);
      if (kind === 'Group') this.replaceMembers(id, body.members);
    })();
    return this.get(kind, id) as StoredResource;
  }

  /** Replaces the whole resource (PUT, and PATCH after scimmy applied the operations). */
  replace(kind: ResourceKind, id: string, body: Record<string, unknown>, ifMatch?: string): StoredResource {
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT version FROM resources WHERE kind = ? AND id = ?').get(kind, id) as
        { version: number } | undefined;
      if (!current) throw new ScimStoreError(`${kind} ${id} not found`, 404);
      checkVersion(current.version, ifMatch);
      this.checkUnique(kind, body, id);
      this.db
        .prepare(
          `UPDATE resources SET user_name_key = ?, external_id = ?, display_name = ?, body = ?, last_modified = ?,
           version = version + 1 WHERE id = ?`,
        )
        .run(...this.columns(kind, body), JSON.stringify(withoutMembers(body)), this.stamp(), id);
      if (kind === 'Group') this.replaceMembers(id, body.members);
    })();
    return this.get(kind, id) as StoredResource;
  }

  delete(kind: ResourceKind, id: string, ifMatch?: string): void {
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT version FROM resources WHERE kind = ? AND id = ?').get(kind, id) as
        { version: number } | undefined;
      if (!current) throw new ScimStoreError(`${kind} ${id} not found`, 404);
      checkVersion(current.version, ifMatch);
      // Groups that lose a member change too: their lastModified moves, so delta imports see it.
      const groups = this.db.prepare('SELECT group_id FROM members WHERE member_id = ?').all(id) as {
        group_id: string;
      }[];
      const touch = this.db.prepare('UPDATE resources SET last_modified = ?, version = version + 1 WHERE id = ?');
      for (const { group_id } of groups) touch.run(this.stamp(), group_id);
      this.db.prepare('DELETE FROM members WHERE member_id = ? OR group_id = ?').run(id, id);
      this.db.prepare('DELETE FROM resources WHERE id = ?').run(id);
    })();
  }

  /** Inserts many users in one transaction (benchmarks seed 100k users this way). */
  seedUsers(bodies: Iterable<Record<string, unknown>>): number {
    const insert = this.db.prepare(
      `INSERT INTO resources (id, kind, user_name_key, external_id, display_name, body, created, last_modified, version)
       VALUES (?, 'User', ?, ?, ?, ?, ?, ?, 1)`,
    );
    let n = 0;
    this.db.transaction(() => {
      for (const body of bodies) {
        const now = this.stamp();
        insert.run(randomUUID(), ...this.columns('User', body), JSON.stringify(body), now, now);
        n++;
      }
    })();
    return n;
  }

  count(kind: ResourceKind): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM resources WHERE kind = ?').get(kind) as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }

  private columns(kind: ResourceKind, body: Record<string, unknown>): [string | null, string | null, string | null] {
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    const userName = kind === 'User' ? text(body.userName) : null;
    return [userName === null ? null : userName.toLowerCase(), text(body.externalId), text(body.displayName)];
  }

  private checkUnique(kind: ResourceKind, body: Record<string, unknown>, id: string | null): void {
    if (kind !== 'User' || typeof body.userName !== 'string') return;
    const other = this.db
      .prepare("SELECT id FROM resources WHERE kind = 'User' AND user_name_key = ?")
      .get(body.userName.toLowerCase()) as { id: string } | undefined;
    if (other && other.id !== id) {
      throw new ScimStoreError(`userName ${JSON.stringify(body.userName)} is already taken`, 409, 'uniqueness');
    }
  }

  private replaceMembers(groupId: string, members: unknown): void {
    this.db.prepare('DELETE FROM members WHERE group_id = ?').run(groupId);
    if (!Array.isArray(members)) return;
    const kindOf = this.db.prepare('SELECT kind FROM resources WHERE id = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO members (group_id, member_id, member_kind) VALUES (?, ?, ?)');
    for (const member of members as { value?: unknown }[]) {
      const value = member.value;
      const row = typeof value === 'string' ? (kindOf.get(value) as { kind: ResourceKind } | undefined) : undefined;
      if (!row || typeof value !== 'string') {
        throw new ScimStoreError(
          `members: ${JSON.stringify(value)} is not the id of a User or Group`,
          400,
          'invalidValue',
        );
      }
      insert.run(groupId, value, row.kind);
    }
  }

  private toResource(row: Row): StoredResource {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const meta = {
      resourceType: row.kind,
      created: row.created,
      lastModified: row.last_modified,
      version: versionTag(row.version),
    };
    if (row.kind !== 'Group') return { ...body, id: row.id, meta };
    const members = this.db
      .prepare('SELECT member_id AS value, member_kind AS type FROM members WHERE group_id = ? ORDER BY member_id')
      .all(row.id) as StoredMember[];
    return { ...body, id: row.id, meta, members: members.map((m) => ({ value: m.value, type: m.type })) };
  }
}

function withoutMembers(body: Record<string, unknown>): Record<string, unknown> {
  const { members: _members, id: _id, meta: _meta, ...rest } = body;
  return rest;
}

function checkVersion(version: number, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  const wanted = ifMatch.split(',').map((tag) => tag.trim());
  if (!wanted.includes(versionTag(version)) && !wanted.includes(`"${version}"`)) {
    throw new ScimStoreError(`version mismatch: the resource is at ${versionTag(version)}, not ${ifMatch}`, 412);
  }
}
