/** W5 in a fresh process: heap after a 1,000-step run (result still referenced), for icode or the floor. */
import { w1Floor, w1Icode } from './workloads.js';

const which = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc!;
const result = which === 'icode' ? await w1Icode(1000) : await w1Floor(1000);
gc();
gc();
const heap = process.memoryUsage().heapUsed;
process.stdout.write(JSON.stringify({ heap, rss: process.memoryUsage().rss, kept: result !== undefined }));
