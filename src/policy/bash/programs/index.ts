/**
 * The program table: every program the analysis knows, by name. A program not listed here is never
 * read-only; one listed is read-only only when its entry says so for these arguments.
 */
import { FILE_PROGRAMS } from './files.js';
import { GIT } from './git.js';
import { NETWORK_PROGRAMS } from './network.js';
import { SEARCH_PROGRAMS } from './search.js';
import type { ProgramSpec } from './spec.js';
import { WRITER_PROGRAMS } from './writers.js';

export { judgeWithSpec } from './judge-program.js';
export { gitSubcommand } from './git.js';
export { isRemote } from './network.js';
export type { ProgramSpec, ProgramVerdict } from './spec.js';
export { emptyVerdict, literal } from './spec.js';

/** Every program with a table entry. */
export const PROGRAMS: Readonly<Record<string, ProgramSpec>> = {
  ...FILE_PROGRAMS,
  ...SEARCH_PROGRAMS,
  ...WRITER_PROGRAMS,
  ...NETWORK_PROGRAMS,
  git: GIT,
};

/** The table as a map, for lookups (a map has no inherited keys, and hashes a name once). */
const BY_NAME: ReadonlyMap<string, ProgramSpec> = new Map(Object.entries(PROGRAMS));

/** The table entry of a program, if any. */
export function programSpec(name: string): ProgramSpec | undefined {
  return BY_NAME.get(name);
}
