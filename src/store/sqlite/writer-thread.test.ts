import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { StoreError } from '../../core/errors.js';
import { indexKey } from '../../core/values.js';
import { csObject, fullTowerObject, guid, mvObject } from '../../../test/contracts/state-store/fixtures.js';
import { openSqliteStateStore } from './open-sqlite-state-store.js';

describe('SqliteStateStore.writeBehind: the writer thread', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idsync-writer-'));
    path = join(dir, 'state.db');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits change sets that reads through the view see at once, and a reopened store sees after', async () => {
    const store = await openSqliteStateStore({ path, checkpointInBackground: true });
    await store.configureIndexes({ mvAttributes: ['mail'], csAttributes: {} });
    const view = store.writeBehind();
    const objects = [fullTowerObject(1), fullTowerObject(2)];
    const mv = mvObject(1, { mail: ['jane@example.com'] });
    await view.apply({ csUpserts: objects, mvUpserts: [mv] });
    expect(await view.getCsObjects([guid(1), guid(2)])).toEqual(objects);
    const key = indexKey('Jane@Example.com');
    expect(await view.findMvIdsByAttribute('mail', [key])).toEqual(new Map([[key, [mv.id]]]));
    await view.apply({ csDeletes: [guid(2)] });
    await view.flush();
    expect(await store.getCsObjects([guid(1), guid(2)])).toEqual([objects[0]]);
    await store.close();
    const reopened = await openSqliteStateStore({ path });
    expect(await reopened.getCsObjects([guid(1), guid(2)])).toEqual([objects[0]]);
    expect(await reopened.getMvObjects([mv.id])).toEqual([mv]);
    await reopened.close();
  });

  it('writes whole an object whose changed-field hint names a row that is not stored', async () => {
    const store = await openSqliteStateStore({ path });
    const view = store.writeBehind();
    const object = fullTowerObject(3);
    await view.apply({ csUpserts: [object], csChangedFields: new Map([[object.id, new Set(['dn'] as const)]]) });
    await view.flush();
    expect(await store.getCsObjects([object.id])).toEqual([object]);
    await store.close();
  });

  it('fails the next call with the store’s error when a commit fails, and writes none of that change set', async () => {
    const store = await openSqliteStateStore({ path });
    const view = store.writeBehind();
    await view.apply({
      csUpserts: [csObject(4)],
      runIssues: { runId: 999, issues: [{ code: 'x', message: 'y' }] },
    });
    const error = await view.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/run 999 does not exist/);
    await expect(view.getCsObjects([guid(4)])).rejects.toBe(error);
    expect(await store.getCsObjects([guid(4)])).toEqual([]);
    await store.close();
  });

  it('commits what was handed over before the store closes', async () => {
    const store = await openSqliteStateStore({ path, checkpointInBackground: true });
    const view = store.writeBehind();
    await view.apply({ csUpserts: [csObject(5)] });
    await store.close();
    const reopened = await openSqliteStateStore({ path });
    expect(await reopened.getCsObjects([guid(5)])).toEqual([csObject(5)]);
    await reopened.close();
  });
});
