import { hostname } from 'node:os';

import { StoreError } from '../../core/errors.js';
import type { LockHolder } from '../../core/state-store.js';

/** Poll interval while waiting for the single-writer lock. */
export const LOCK_POLL_MS = 50;

/** The host name recorded in, and compared with, lock holders. */
export function currentHost(): string {
  return hostname();
}

/** True when `pid` names a live process on this host (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder from this host whose process is gone may be taken over; holders on other hosts never are. */
export function isStaleHolder(holder: Pick<LockHolder, 'pid' | 'host'>): boolean {
  return holder.host === currentHost() && !isProcessAlive(holder.pid);
}

/** The `isBusy` error thrown when the lock stayed held for the whole wait. */
export function lockBusyError(where: string, holder: LockHolder, waitedMs: number): StoreError {
  return new StoreError(
    `state store ${where} is locked by pid ${holder.pid} on host "${holder.host}" (command "${holder.command}") ` +
      `since ${holder.since}; gave up after waiting ${waitedMs} ms`,
    true,
  );
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One attempt at taking the lock: what was taken, or who holds it. */
export type LockAttempt<T> = { readonly taken: T } | { readonly holder: LockHolder };

/**
 * Calls `attempt` until it takes the lock, polling every `LOCK_POLL_MS` for up to `waitMs`, then
 * throws the `isBusy` error naming the last holder seen.
 */
export async function waitForLock<T>(attempt: () => LockAttempt<T>, waitMs: number, where: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const result = attempt();
    if ('taken' in result) return result.taken;
    const waited = Date.now() - started;
    if (waited >= waitMs) throw lockBusyError(where, result.holder, waited);
    await sleep(Math.min(LOCK_POLL_MS, waitMs - waited));
  }
}
