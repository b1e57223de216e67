import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { configPathFrom, loadConfig, type ConnectorConfig, type IdsyncConfig } from '../config/index.js';
import type { Connector } from '../core/connector.js';
import { assertNever } from '../core/errors.js';
import type { StateStore, StoreLock } from '../core/state-store.js';
import { RuleSet } from '../core/sync/rule-set.js';
import { newObjectId, type EngineContext, type Progress } from '../engine/context.js';
import { SyncEngine } from '../engine/sync-engine.js';
import { createEntraConnector } from '../connectors/entra/index.js';
import { createCsvConnector, createLdifConnector } from '../connectors/file/index.js';
import { createLdapConnector } from '../connectors/ldap/index.js';
import { createScimConnector } from '../connectors/scim/index.js';
import { openSqliteStateStore } from '../store/sqlite/index.js';
import type { CliIo } from './io.js';

/** How long a second idsync process waits for the first to release the database (IDSYNC_LOCK_WAIT_MS overrides). */
export const LOCK_WAIT_MS = 10_000;

export function createConnector(config: ConnectorConfig): Connector {
  switch (config.type) {
    case 'ldif':
      return createLdifConnector(config);
    case 'csv':
      return createCsvConnector(config);
    case 'ldap':
      return createLdapConnector(config);
    case 'scim':
      return createScimConnector(config);
    case 'entra':
      return createEntraConnector(config);
    default:
      return assertNever(config, 'connector type');
  }
}

export interface Runtime {
  readonly config: IdsyncConfig;
  readonly store: StateStore;
  readonly engine: SyncEngine;
  readonly ctx: EngineContext;
  close(): Promise<void>;
}

export function configPath(io: CliIo, flag: string | undefined): string {
  const path = configPathFrom(flag, io.env);
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

/**
 * The composition root: config → store → connectors → engine. With `isWriter`, takes the store's
 * single-writer lock first so that two idsync processes never interleave writes.
 */
export async function openRuntime(
  io: CliIo,
  configFlag: string | undefined,
  isWriter: boolean,
  command: string,
): Promise<Runtime> {
  const config = await loadConfig(configPath(io, configFlag));
  // Writers look objects up at random and want SQLite's large page cache and checkpoints on the
  // other core; readers only scan.
  const store = await openSqliteStateStore({
    path: config.store.path,
    cacheMiB: isWriter ? 256 : 16,
    checkpointInBackground: isWriter && io.env.IDSYNC_CHECKPOINT !== 'inline',
  });
  let lock: StoreLock | null = null;
  try {
    const waitMs = Number(io.env.IDSYNC_LOCK_WAIT_MS ?? LOCK_WAIT_MS);
    if (isWriter) lock = await store.acquireLock({ pid: process.pid, host: hostname(), command }, waitMs);
    const rules = new RuleSet(config.syncRules);
    await store.configureIndexes(rules.joinIndexes());
    const connectors = new Map(config.connectors.map((c) => [c.name, createConnector(c)]));
    const ctx: EngineContext = {
      store,
      rules,
      parameters: config.parameters,
      connectors,
      connectorOrder: config.connectors.map((c) => c.name),
      deletionThreshold: config.deletionThreshold,
      // Objects per import, sync and export batch, one transaction each. A commit writes every page
      // the batch dirtied, and DNs and join values land on random index pages, so larger batches
      // share pages: on the 300k full sync, 2,000-object batches wrote 14 GB instead of 34 GB and
      // took 90-92 s instead of 104-114 s (runs interleaved); 4 KB pages did not help.
      batchSize: 2000,
      now: () => new Date(),
      newId: newObjectId,
      onProgress: progressWriter(io),
      log: {
        info: (message) => io.stderr.write(`${message}\n`),
        warn: (message) => io.stderr.write(`warning: ${message}\n`),
      },
    };
    return {
      config,
      store,
      engine: new SyncEngine(ctx),
      ctx,
      async close() {
        for (const connector of connectors.values()) await connector.close();
        if (lock) await lock.release();
        await store.close();
      },
    };
  } catch (error) {
    if (lock) await lock.release();
    await store.close();
    throw error;
  }
}

/** A live progress line on a terminal (stderr), at most a few redraws a second; silent otherwise. */
function progressWriter(io: CliIo): (progress: Progress) => void {
  if (!io.stderr.isTTY) return () => undefined;
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    io.stderr.write(
      `\r\x1b[K${progress.connector} ${progress.step}: ${progress.processed.toLocaleString('en-US')} objects`,
    );
  };
}

export function clearProgress(io: CliIo): void {
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
}
