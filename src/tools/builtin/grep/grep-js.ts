/**
 * The pure-JavaScript grep engine: used when the ripgrep binary is not installed. It walks with the same
 * filter rules as ripgrep (see `grep-filter.ts`) and matches with a RegExp compiled from the pattern.
 */
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { readRegularFileSync } from '../../../sandbox/fs-regular-file.js';
import type { GrepEngine, GrepFileResult, GrepLine, GrepQuery } from './grep-engine.js';
import { compilePattern, displayLine, splitLines } from './grep-engine.js';
import {
  ancestorLevels,
  GlobOverrides,
  keepEntry,
  keepForAncestors,
  loadIgnoreLevelFromEntries,
  toPosix,
  typeMatcher,
  type IgnoreLevel,
  type WalkFilter,
} from './grep-filter.js';

/** Builds the filter of a query (also used by the ripgrep engine's post-filter). */
export function walkFilter(query: Pick<GrepQuery, 'globs' | 'type'>): WalkFilter {
  return { overrides: new GlobOverrides(query.globs), ...(query.type ? { type: typeMatcher(query.type) } : {}) };
}

/**
 * Lists the files under `dir` a search looks at: symbolic links are not followed, `.git` and ignored
 * paths are skipped, globs and type applied.
 */
export async function walkFiles(dir: string, filter: WalkFilter, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  // Synchronous listing is several times faster than one promise per directory; yielding every few
  // directories keeps the event loop (a streaming agent run) responsive.
  const pending: { dir: string; relative: string; levels: readonly IgnoreLevel[] }[] = [
    { dir, relative: '', levels: [] },
  ];
  for (let visited = 0; pending.length > 0; visited++) {
    if (visited % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
    signal.throwIfAborted();
    const current = pending.pop();
    if (!current) break;
    let entries: Dirent[];
    try {
      entries = readdirSync(current.dir, { withFileTypes: true });
    } catch {
      continue; // Unreadable directory: skipped, as ripgrep does with --no-messages.
    }
    const level = loadIgnoreLevelFromEntries(current.dir, entries);
    const levels = level ? [...current.levels, level] : current.levels;
    const subdirs: typeof pending = [];
    for (const entry of entries) {
      if (entry.isSymbolicLink()) continue;
      const absolute = path.join(current.dir, entry.name);
      const rel = current.relative === '' ? entry.name : `${current.relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (keepEntry(filter, levels, absolute, rel, true)) subdirs.push({ dir: absolute, relative: rel, levels });
      } else if (entry.isFile() && keepEntry(filter, levels, absolute, rel, false)) out.push(absolute);
    }
    pending.push(...subdirs.reverse());
  }
  return out;
}

/** Directories listed, or files read, between two yields to the event loop. */
const YIELD_EVERY = 64;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The JavaScript engine. */
export const grepJs: GrepEngine = async (query) => {
  const regex = compilePattern(query.pattern, {
    ignoreCase: query.ignoreCase,
    multiline: query.multiline,
    global: query.multiline,
  });
  // One pass of the pattern over the whole text finds every file that can have a matching line (a
  // per-line match is also a match in the whole text, `^`/`$` being line anchors there), so files without
  // one skip the line split. Look-arounds and \A / \z see line edges differently: no prefilter for them.
  const prefilter =
    query.multiline || /\(\?<?[=!]|\\[Az]/.test(query.pattern)
      ? undefined
      : compilePattern(query.pattern, { ignoreCase: query.ignoreCase, multiline: true });
  let files: string[];
  if (query.targetIsFile) files = [query.target];
  else {
    const filter = walkFilter(query);
    const ancestors = await ancestorLevels(query.root, query.target);
    files = (await walkFiles(query.target, filter, query.signal)).filter((file) =>
      keepForAncestors(filter, ancestors, file, toPosix(path.relative(query.target, file))),
    );
  }
  const results: (GrepFileResult | undefined)[] = new Array(files.length);
  for (let index = 0; index < files.length; index++) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
    query.signal.throwIfAborted();
    results[index] = searchFile(files[index] ?? '', regex, prefilter, query);
  }
  return results.filter((result): result is GrepFileResult => result !== undefined);
};

function searchFile(
  file: string,
  regex: RegExp,
  prefilter: RegExp | undefined,
  query: GrepQuery,
): GrepFileResult | undefined {
  let bytes: Buffer;
  try {
    // Non-blocking and judged on the handle (a file swapped for a FIFO is skipped, never waited on), and
    // only inside what was searched (a directory swapped for a link out is not read through).
    bytes = readRegularFileSync(file, { within: [query.target] });
  } catch {
    return undefined;
  }
  // Binary files found by walking are skipped; a file asked for by name is searched anyway (as ripgrep does).
  if (!query.targetIsFile && bytes.includes(0)) return undefined;
  let text = bytes.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (prefilter && !prefilter.test(text)) return undefined;
  const lines = splitLines(text);
  const matched = query.multiline
    ? multilineMatches(text, lines, regex)
    : lineMatches(lines, regex, query.mode === 'files_with_matches');
  if (matched.size === 0) return undefined;
  if (query.mode !== 'content') return { path: file, count: matched.size, lines: [] };
  const shown = new Map<number, boolean>();
  for (const index of matched) {
    for (let i = Math.max(0, index - query.before); i <= Math.min(lines.length - 1, index + query.after); i++) {
      if (!shown.has(i)) shown.set(i, false);
    }
    shown.set(index, true);
  }
  const out: GrepLine[] = [...shown.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, match]) => ({ line: index + 1, text: displayLine(lines[index] ?? ''), match }));
  return { path: file, count: matched.size, lines: out };
}

function lineMatches(lines: readonly string[], regex: RegExp, firstOnly: boolean): Set<number> {
  const matched = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (regex.test(lines[i] ?? '')) {
      matched.add(i);
      if (firstOnly) break;
    }
  }
  return matched;
}

/** Lines touched by each match of a pattern run over the whole text. */
function multilineMatches(text: string, lines: readonly string[], regex: RegExp): Set<number> {
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length + 1;
  }
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const matched = new Set<number>();
  for (const match of text.matchAll(regex)) {
    const first = lineAt(match.index);
    const last = match[0].length === 0 ? first : lineAt(match.index + match[0].length - 1);
    if (first >= lines.length) continue;
    for (let i = first; i <= Math.min(last, lines.length - 1); i++) matched.add(i);
  }
  return matched;
}
