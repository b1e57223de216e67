import { describe, expect, it } from 'vitest';

import { describeStateStoreContract } from '../../../test/contracts/state-store.contract.js';
import { createMemoryStateStore } from './memory-state-store.js';

describeStateStoreContract('memory', async () => {
  const store = createMemoryStateStore();
  return { store, reopen: async () => store.reopen(), cleanup: async () => undefined };
});

describe('MemoryStateStore', () => {
  it('shares its state with a reopened handle, as two connections to one file would', async () => {
    const store = createMemoryStateStore();
    const other = store.reopen();
    await store.setSetting('k', 'v');
    expect(await other.getSetting('k')).toBe('v');
  });
});
