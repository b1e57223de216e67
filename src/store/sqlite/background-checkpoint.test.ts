import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BackgroundCheckpointer } from './background-checkpoint.js';
import { openSqliteStateStore } from './open-sqlite-state-store.js';

describe('BackgroundCheckpointer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idsync-checkpoint-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands checkpointing back when its thread fails', async () => {
    let gone = false;
    const ended = new Promise<void>((resolve) => {
      BackgroundCheckpointer.start(join(dir, 'missing.db'), () => {
        gone = true;
        resolve();
      });
    });
    await ended;
    expect(gone).toBe(true);
  });

  it('ends its thread on close and hands checkpointing back', async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStateStore({ path })).close();
    let goneCount = 0;
    const checkpointer = BackgroundCheckpointer.start(path, () => goneCount++);
    checkpointer.committed();
    await checkpointer.close();
    expect(goneCount).toBe(1);
    // Announcing after close is harmless.
    checkpointer.committed();
    await checkpointer.close();
    expect(goneCount).toBe(1);
  });
});
