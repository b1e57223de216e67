import { describe, expect, it } from 'vitest';

import { emptyCounters } from '../../../src/core/run-history.js';
import { CONNECTOR, OTHER_CONNECTOR, guid, type CurrentHarness } from './fixtures.js';

/** Run history, run issues and server settings. */
export function describeRunContract(h: CurrentHarness): void {
  describe('run history and settings', () => {
    it('starts a run in progress with zero counters and no end', async () => {
      const id = await h().store.startRun({
        connector: CONNECTOR,
        runProfile: 'full-import',
        startedAt: '2025-01-01T00:00:00Z',
      });
      expect(await h().store.getRun(id)).toEqual({
        id,
        connector: CONNECTOR,
        runProfile: 'full-import',
        startedAt: '2025-01-01T00:00:00Z',
        endedAt: null,
        status: 'in-progress',
        counters: emptyCounters(),
        message: null,
        issueCount: 0,
      });
    });

    it('finishes a run with its status, end time, counters and message', async () => {
      const id = await h().store.startRun({ connector: CONNECTOR, runProfile: 'export', startedAt: 't0' });
      const counters = { ...emptyCounters(), exportAdds: 3, errors: 1 };
      await h().store.finishRun(id, { status: 'completed-export-errors', endedAt: 't1', counters, message: 'forced' });
      expect(await h().store.getRun(id)).toMatchObject({
        status: 'completed-export-errors',
        endedAt: 't1',
        counters,
        message: 'forced',
      });
    });

    it('returns null for an unknown run and refuses to finish one', async () => {
      expect(await h().store.getRun(999)).toBeNull();
      const finish = { status: 'success', endedAt: 't', counters: emptyCounters(), message: null } as const;
      await expect(h().store.finishRun(999, finish)).rejects.toMatchObject({ name: 'StoreError' });
    });

    it('lists runs newest first, honouring the limit and the connector filter', async () => {
      const a = await h().store.startRun({ connector: CONNECTOR, runProfile: 'full-import', startedAt: 't1' });
      const b = await h().store.startRun({ connector: OTHER_CONNECTOR, runProfile: 'full-import', startedAt: 't2' });
      const c = await h().store.startRun({ connector: CONNECTOR, runProfile: 'delta-sync', startedAt: 't3' });
      expect((await h().store.listRuns({})).map((r) => r.id)).toEqual([c, b, a]);
      expect((await h().store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual([c, b]);
      expect((await h().store.listRuns({ connector: CONNECTOR })).map((r) => r.id)).toEqual([c, a]);
      expect((await h().store.listRuns({ connector: CONNECTOR, limit: 1 })).map((r) => r.id)).toEqual([c]);
    });

    it('appends run issues in order across change sets and counts them on the run', async () => {
      const id = await h().store.startRun({ connector: CONNECTOR, runProfile: 'delta-sync', startedAt: 't' });
      const other = await h().store.startRun({ connector: CONNECTOR, runProfile: 'delta-sync', startedAt: 't' });
      const issue = (n: number) => ({ code: `code-${n}`, message: `message ${n}` });
      await h().store.apply({ runIssues: { runId: id, issues: [issue(1), issue(2)] } });
      await h().store.apply({ runIssues: { runId: other, issues: [issue(9)] } });
      await h().store.apply({ runIssues: { runId: id, issues: [issue(3)] } });
      const listed = await h().store.listRunIssues(id, 100);
      expect(listed.map((i) => i.code)).toEqual(['code-1', 'code-2', 'code-3']);
      expect((await h().store.listRunIssues(id, 2)).map((i) => i.code)).toEqual(['code-1', 'code-2']);
      expect((await h().store.getRun(id))?.issueCount).toBe(3);
      expect((await h().store.listRuns({}))[0]?.issueCount).toBe(1);
    });

    it('keeps every issue field, and leaves absent fields absent', async () => {
      const id = await h().store.startRun({ connector: CONNECTOR, runProfile: 'export', startedAt: 't' });
      const full = {
        code: 'cd-error',
        message: 'm',
        csId: guid(1),
        mvId: guid(2),
        dn: 'CN=a',
        rule: 'r',
        attribute: 'mail',
      };
      await h().store.apply({ runIssues: { runId: id, issues: [full, { code: 'bare', message: 'n' }] } });
      expect(await h().store.listRunIssues(id, 10)).toEqual([
        { runId: id, ...full },
        { runId: id, code: 'bare', message: 'n' },
      ]);
    });

    it('stores, replaces and deletes settings', async () => {
      expect(await h().store.getSetting('stagingMode')).toBeNull();
      await h().store.setSetting('stagingMode', 'true');
      await h().store.setSetting('stagingMode', 'false');
      await h().store.setSetting('other', 'x');
      expect(await h().store.getSetting('stagingMode')).toBe('false');
      await h().store.setSetting('stagingMode', null);
      expect(await h().store.getSetting('stagingMode')).toBeNull();
      expect(await h().store.getSetting('other')).toBe('x');
    });
  });
}
