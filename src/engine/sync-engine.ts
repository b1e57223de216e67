import { createHash } from 'node:crypto';
import { SafetyGateError, UsageError } from '../core/errors.js';
import type { RunProfile, RunRecord } from '../core/run-history.js';
import { assertNever } from '../core/errors.js';
import type { EngineContext } from './context.js';
import { runExport } from './export-step.js';
import { runImport } from './import-step.js';
import { RunRecorder, type RunSummary } from './run-recorder.js';
import { runSync } from './sync-step.js';

export const SYNC_CYCLE_POLICIES = ['delta', 'initial'] as const;
export type SyncCyclePolicy = (typeof SYNC_CYCLE_POLICIES)[number];

/** Server setting names, as Get-ADSyncScheduler shows them. */
export const SETTINGS = {
  stagingMode: 'StagingModeEnabled',
  nextPolicy: 'NextSyncCyclePolicyType',
  rulesFingerprint: 'SyncRulesFingerprint',
} as const;

export interface HeldBackExports {
  readonly connector: string;
  readonly pending: Readonly<Record<string, number>>;
}

export interface CycleSummary {
  readonly policy: SyncCyclePolicy;
  readonly runs: readonly RunSummary[];
  /** Set when staging mode held the export step back: the pending exports it would have sent. */
  readonly heldBack: readonly HeldBackExports[] | null;
}

export interface ConnectorStatus {
  readonly name: string;
  readonly objects: number;
  readonly connectors: number;
  readonly pendingImports: number;
  readonly pendingExports: Readonly<Record<string, number>>;
  readonly exportErrors: number;
  readonly hasWatermark: boolean;
  readonly lastRun: RunRecord | null;
}

export interface ServerStatus {
  readonly stagingModeEnabled: boolean;
  readonly nextSyncCyclePolicyType: 'Delta' | 'Initial';
  readonly metaverseObjects: number;
  readonly connectors: readonly ConnectorStatus[];
}

export interface RunOptions {
  /** Export although staging mode is on (logged and recorded in run history). */
  readonly isExportForced?: boolean;
}

/**
 * The engine's public face: run profiles, the sync cycle and the staging gate. Composition roots
 * (CLI, server) build the context; this class only orchestrates through the core interfaces.
 */
export class SyncEngine {
  constructor(readonly ctx: EngineContext) {}

  /** A new server is in staging mode until an administrator turns it off. */
  async isStagingMode(): Promise<boolean> {
    return (await this.ctx.store.getSetting(SETTINGS.stagingMode)) !== 'false';
  }

  async setStagingMode(isEnabled: boolean): Promise<void> {
    await this.ctx.store.setSetting(SETTINGS.stagingMode, isEnabled ? 'true' : 'false');
  }

  /** Initial when never run, when asked for, or when the sync rules changed since the last initial cycle. */
  async nextCyclePolicy(): Promise<SyncCyclePolicy> {
    const stored = await this.ctx.store.getSetting(SETTINGS.nextPolicy);
    const fingerprint = await this.ctx.store.getSetting(SETTINGS.rulesFingerprint);
    if (stored !== 'Delta' || fingerprint !== this.rulesFingerprint()) return 'initial';
    return 'delta';
  }

  async run(connector: string, profile: RunProfile, options: RunOptions = {}): Promise<RunSummary> {
    if (!this.ctx.connectors.has(connector)) {
      throw new UsageError(`no connector named "${connector}"; configured: ${this.ctx.connectorOrder.join(', ')}`);
    }
    switch (profile) {
      case 'full-import':
      case 'delta-import':
        return runImport(this.ctx, connector, profile);
      case 'full-sync':
      case 'delta-sync':
        return runSync(this.ctx, connector, profile);
      case 'export':
        return this.export(connector, options.isExportForced ?? false);
      default:
        return assertNever(profile, 'run profile');
    }
  }

  async cycle(requested?: SyncCyclePolicy): Promise<CycleSummary> {
    const policy = requested ?? (await this.nextCyclePolicy());
    const isFull = policy === 'initial';
    const runs: RunSummary[] = [];
    for (const name of this.ctx.connectorOrder)
      runs.push(await runImport(this.ctx, name, isFull ? 'full-import' : 'delta-import'));
    for (const name of this.ctx.connectorOrder)
      runs.push(await runSync(this.ctx, name, isFull ? 'full-sync' : 'delta-sync'));
    let heldBack: HeldBackExports[] | null = null;
    // Export steps run for the connectors sync rules write to (a source-only directory has none).
    const targets = new Set(this.ctx.rules.rules.filter((r) => r.direction === 'outbound').map((r) => r.connector));
    const exporters = this.ctx.connectorOrder.filter(
      (name) => targets.has(name) && this.ctx.connectors.get(name)?.capabilities.canExport,
    );
    if (await this.isStagingMode()) {
      heldBack = [];
      for (const name of exporters) {
        const pending = await this.ctx.store.countPendingExports(name);
        heldBack.push({ connector: name, pending });
        runs.push(await this.recordHeldBack(name, pending));
      }
    } else {
      for (const name of exporters) runs.push(await runExport(this.ctx, name, null));
    }
    if (isFull && runs.every((r) => !r.status.startsWith('stopped') && !r.status.startsWith('no-start'))) {
      await this.ctx.store.setSetting(SETTINGS.nextPolicy, 'Delta');
      await this.ctx.store.setSetting(SETTINGS.rulesFingerprint, this.rulesFingerprint());
    }
    return { policy, runs, heldBack };
  }

  async status(): Promise<ServerStatus> {
    const store = this.ctx.store;
    const connectors: ConnectorStatus[] = [];
    for (const name of this.ctx.connectorOrder) {
      const [objects, linked, pendingImports, pendingExports, exportErrors, watermark, runs] = await Promise.all([
        store.countCs(name, {}),
        store.countCs(name, { isConnector: true }),
        store.countCs(name, { hasPendingImport: true }),
        store.countPendingExports(name),
        store.countCs(name, { hasExportError: true }),
        store.getWatermark(name),
        store.listRuns({ connector: name, limit: 1 }),
      ]);
      connectors.push({
        name,
        objects,
        connectors: linked,
        pendingImports,
        pendingExports,
        exportErrors,
        hasWatermark: watermark !== null,
        lastRun: runs[0] ?? null,
      });
    }
    return {
      stagingModeEnabled: await this.isStagingMode(),
      nextSyncCyclePolicyType: (await this.nextCyclePolicy()) === 'initial' ? 'Initial' : 'Delta',
      metaverseObjects: await store.countMv({}),
      connectors,
    };
  }

  private async export(connector: string, isForced: boolean): Promise<RunSummary> {
    if (await this.isStagingMode()) {
      if (!isForced) {
        throw new SafetyGateError(
          `export to connector "${connector}" refused: this server is in staging mode (StagingModeEnabled = true). ` +
            'Review what it would send with "idsync pending", then run "idsync staging disable", or pass --force-export.',
          'staging-mode',
        );
      }
      const message = `export forced with --force-export while staging mode is enabled.`;
      this.ctx.log.warn(`connector "${connector}": ${message}`);
      return runExport(this.ctx, connector, message);
    }
    return runExport(this.ctx, connector, null);
  }

  private async recordHeldBack(connector: string, pending: Readonly<Record<string, number>>): Promise<RunSummary> {
    const recorder = await RunRecorder.start(this.ctx.store, connector, 'export', this.ctx.now);
    const counts = Object.entries(pending)
      .map(([operation, n]) => `${n} ${operation}`)
      .join(', ');
    recorder.note(`held back by staging mode; pending exports: ${counts || 'none'}.`);
    return recorder.finish('skipped-staging-mode');
  }

  private rulesFingerprint(): string {
    return createHash('sha256').update(this.ctx.rules.fingerprint()).digest('hex');
  }
}
