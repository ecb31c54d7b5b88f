/** Id generation. Never exported. */

// One random part per process and a counter: ids stay unique across processes and machines (sessions in a
// shared database) without paying for a UUID on every run.
const PROCESS_PART = crypto.randomUUID().replaceAll('-', '').slice(0, 10);
let counter = 0;

/** A unique, roughly time-ordered id with a prefix: `run_lq3k0x7a1f9e2c3b4d2a`. */
export function createId(prefix: string): string {
  counter = (counter + 1) % 1_679_616; // 36^4: four base-36 digits
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36).padStart(4, '0')}${PROCESS_PART}`;
}
