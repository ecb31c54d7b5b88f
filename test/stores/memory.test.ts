import { memoryStore } from '../../src/stores/memory-store.js';
import { storeConformance } from '../../src/testing/store-conformance.js';

await storeConformance('memoryStore', () => memoryStore());
