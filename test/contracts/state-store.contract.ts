import { afterEach, beforeEach, describe } from 'vitest';

import { describeApplyContract } from './state-store/apply.contract.js';
import { describeCsObjectContract } from './state-store/cs-objects.contract.js';
import type { OpenStateStore, StateStoreHarness } from './state-store/fixtures.js';
import { describeIndexContract } from './state-store/indexes.contract.js';
import { describeLockContract } from './state-store/locks.contract.js';
import { describePersistenceContract } from './state-store/persistence.contract.js';
import { describeRunContract } from './state-store/runs.contract.js';
import { describeScanContract } from './state-store/scans.contract.js';

export type { OpenStateStore, StateStoreHarness } from './state-store/fixtures.js';

/**
 * The behaviour every `StateStore` implementation must show (src/core/state-store.ts). `open` gives a
 * fresh, empty store for each test; `reopen`, when given, opens the same persisted state again.
 */
export function describeStateStoreContract(label: string, open: OpenStateStore): void {
  describe(`StateStore contract: ${label}`, () => {
    let harness: StateStoreHarness | undefined;
    const current = (): StateStoreHarness => {
      if (!harness) throw new Error('state store contract: no store is open');
      return harness;
    };

    beforeEach(async () => {
      harness = await open();
    });

    afterEach(async () => {
      const done = harness;
      harness = undefined;
      if (!done) return;
      await done.store.close();
      await done.cleanup();
    });

    describeCsObjectContract(current);
    describeScanContract(current);
    describeIndexContract(current);
    describeApplyContract(current);
    describeRunContract(current);
    describeLockContract(current);
    describePersistenceContract(current);
  });
}
