/** Id generation. Never exported. */

/** A random, URL-safe, time-sortable-enough id with a prefix: `run_lq3k0x7a9c2d1e`. */
export function createId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
