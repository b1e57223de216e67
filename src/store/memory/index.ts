export { createMemoryStateStore, MemoryStateStore } from './memory-state-store.js';
