import { describe, expect, it } from 'vitest';

import { CONNECTOR, csObject, fullTowerObject, guid, mvObject, type CurrentHarness } from './fixtures.js';
import { indexKey } from '../../../src/core/values.js';

/** What survives closing and reopening the store (for stores that persist; `reopen` given). */
export function describePersistenceContract(h: CurrentHarness): void {
  describe('persistence', () => {
    it('keeps objects, indexes, watermarks, runs, issues, settings and references after reopening', async (ctx) => {
      const { store, reopen } = h();
      if (!reopen) return ctx.skip();
      await store.configureIndexes({ mvAttributes: ['mail'], csAttributes: { [CONNECTOR]: ['mail'] } });
      const runId = await store.startRun({ connector: CONNECTOR, runProfile: 'full-import', startedAt: 't' });
      const cs = fullTowerObject(1);
      const mv = mvObject(1, { mail: ['a@x'] });
      await store.apply({
        csUpserts: [cs, csObject(2)],
        mvUpserts: [mv],
        watermark: { connector: CONNECTOR, value: 'cookie' },
        runIssues: { runId, issues: [{ code: 'c', message: 'm' }] },
        danglingReferences: {
          replaceFor: [],
          add: [{ direction: 'in', connector: CONNECTOR, key: 'k', referrerId: guid(2) }],
        },
      });
      await store.setSetting('stagingMode', 'true');
      await store.close();

      const again = await reopen();
      try {
        expect(await again.getCsObjects([cs.id])).toEqual([cs]);
        expect(await again.getMvObjects([mv.id])).toEqual([mv]);
        expect((await again.findMvIdsByAttribute('mail', [indexKey('a@x')])).get(indexKey('a@x'))).toEqual([mv.id]);
        expect(await again.getWatermark(CONNECTOR)).toBe('cookie');
        expect((await again.getRun(runId))?.issueCount).toBe(1);
        expect(await again.getSetting('stagingMode')).toBe('true');
        expect(await again.findDanglingReferences('in', CONNECTOR, ['k'])).toHaveLength(1);
      } finally {
        await again.close();
      }
    });

    it('refuses calls after close with StoreError', async () => {
      await h().store.close();
      await expect(h().store.getSetting('x')).rejects.toMatchObject({ name: 'StoreError' });
    });
  });
}
