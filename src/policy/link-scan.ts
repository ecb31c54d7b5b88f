/**
 * Recursive reads that follow symbolic links (`grep -R`, `rg -L`, `find -L`): the places every symlink
 * below the directory leads to are read too, so the policy judges them like the directory itself. Without
 * following, a search stays in the tree and nothing here applies.
 */
import type { BashDetails } from './bash/analyze-bash.js';
import type { NodeHelpers } from './paths.js';

/** Past this many entries a tree is not scanned: its reads are judged as unknown (they ask). */
const MAX_ENTRIES = 5000;

/** Options that make a recursive read follow every symlink below its operands, per program. */
const FOLLOWING: Readonly<Record<string, (arg: string) => boolean>> = {
  grep: (arg) => arg === '--dereference-recursive' || /^-[a-zA-Z]*R/.test(arg),
  egrep: (arg) => arg === '--dereference-recursive' || /^-[a-zA-Z]*R/.test(arg),
  fgrep: (arg) => arg === '--dereference-recursive' || /^-[a-zA-Z]*R/.test(arg),
  rgrep: () => true,
  rg: (arg) => arg === '--follow' || /^-[a-zA-Z]*L/.test(arg),
  find: (arg) => arg === '-L' || arg === '-follow',
  ls: (arg) => arg === '--dereference' || /^-[a-zA-Z]*L/.test(arg),
  du: (arg) => arg === '--dereference' || /^-[a-zA-Z]*L/.test(arg),
  tree: (arg) => /^-[a-zA-Z]*l/.test(arg),
  zip: () => true,
};

/** Whether a simple command of the analysis reads recursively through symlinks. */
export function followsLinks(details: BashDetails): boolean {
  return details.simpleCommands.some(({ forms }) =>
    forms.some(({ words }) => {
      const name = (words.find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) ?? '').split('/').at(-1) ?? '';
      const follows = Object.hasOwn(FOLLOWING, name) ? FOLLOWING[name] : undefined;
      return follows !== undefined && words.some(follows);
    }),
  );
}

/**
 * The absolute paths of the symlinks below `dir` (not followed while scanning), or `undefined` when the
 * tree has more than {@link MAX_ENTRIES} entries.
 */
export async function linksBelow(dir: string, node: NodeHelpers): Promise<string[] | undefined> {
  const links: string[] = [];
  const pending = [dir];
  let seen = 0;
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const entry of await node.readdirTyped(current)) {
      if (++seen > MAX_ENTRIES) return undefined;
      const path = `${current}/${entry.name}`;
      if (entry.link) links.push(path);
      else if (entry.directory) pending.push(path);
    }
  }
  return links;
}
