import { hostname } from 'node:os';

import { describe, expect, it } from 'vitest';

import { StoreError } from '../../../src/core/errors.js';
import { deadPid, type CurrentHarness } from './fixtures.js';

const me = { pid: process.pid, host: hostname(), command: 'idsync run corp-ad full-import' };

/** The single-writer lock. */
export function describeLockContract(h: CurrentHarness): void {
  describe('single-writer lock', () => {
    it('reports no holder on a fresh store and the holder once taken', async () => {
      expect(await h().store.readLock()).toBeNull();
      await h().store.acquireLock(me, 0);
      const holder = await h().store.readLock();
      expect(holder).toMatchObject(me);
      expect(Number.isNaN(Date.parse(holder?.since ?? ''))).toBe(false);
    });

    it('makes a second acquire wait, then fail as busy naming the holder pid, command and since-time', async () => {
      await h().store.acquireLock(me, 0);
      const since = (await h().store.readLock())?.since ?? '';
      const started = Date.now();
      const error = await h()
        .store.acquireLock({ ...me, command: 'idsync sync' }, 200)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).isBusy).toBe(true);
      expect((error as StoreError).message).toContain(String(process.pid));
      expect((error as StoreError).message).toContain(me.command);
      expect((error as StoreError).message).toContain(since);
    });

    it('lets the lock be taken again after release', async () => {
      const lock = await h().store.acquireLock(me, 0);
      await lock.release();
      expect(await h().store.readLock()).toBeNull();
      await h().store.acquireLock({ ...me, command: 'second' }, 0);
      expect((await h().store.readLock())?.command).toBe('second');
    });

    it('hands the lock to a waiter as soon as the holder releases it', async () => {
      const lock = await h().store.acquireLock(me, 0);
      setTimeout(() => void lock.release(), 60);
      await h().store.acquireLock({ ...me, command: 'waiter' }, 2000);
      expect((await h().store.readLock())?.command).toBe('waiter');
    });

    it('takes over a lock whose holder process on this host is gone', async () => {
      await h().store.acquireLock({ ...me, pid: deadPid(), command: 'crashed' }, 0);
      await h().store.acquireLock(me, 0);
      expect((await h().store.readLock())?.pid).toBe(process.pid);
    });

    it('never takes over a lock held from another host', async () => {
      await h().store.acquireLock({ ...me, host: `not-${hostname()}`, pid: deadPid() }, 0);
      await expect(h().store.acquireLock(me, 0)).rejects.toMatchObject({ isBusy: true });
    });

    it('does not remove the lock on release once another holder has taken it over', async () => {
      const stale = await h().store.acquireLock({ ...me, pid: deadPid(), command: 'crashed' }, 0);
      await h().store.acquireLock(me, 0);
      await stale.release();
      expect((await h().store.readLock())?.command).toBe(me.command);
    });
  });
}
