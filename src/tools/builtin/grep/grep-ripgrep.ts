/**
 * The ripgrep grep engine: spawns the binary of `@vscode/ripgrep` (an optional dependency) with an argument
 * array, never a shell, and parses its output. Flags pin down every behaviour that could come from the
 * host's configuration, so results match the JavaScript engine.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { GrepEngine, GrepFileResult, GrepLine, GrepQuery } from './grep-engine.js';
import { displayLine, GrepPatternError } from './grep-engine.js';
import { ancestorLevels, GIT_DIR_GLOB, keepForAncestors, toPosix, typeMatcher } from './grep-filter.js';
import { grepJs, walkFilter } from './grep-js.js';

/** Largest ripgrep output read; past it the search is stopped and the model asked to narrow it. */
const MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

let located: Promise<string | undefined> | undefined;

/**
 * Path of the ripgrep binary shipped by `@vscode/ripgrep`, or `undefined` when it is not installed for
 * this platform. Looked up once, on first use, so importing the tools never fails without it.
 */
export function ripgrepPath(): Promise<string | undefined> {
  located ??= (async () => {
    try {
      const { rgPath } = (await import('@vscode/ripgrep')) as { rgPath: string };
      await access(rgPath, constants.X_OK);
      return rgPath;
    } catch {
      return undefined;
    }
  })();
  return located;
}

/** The arguments for a query, searched from `cwd` (the target directory, or the target file's directory). */
export function ripgrepArgs(query: GrepQuery, pcre2 = false): { args: string[]; cwd: string } {
  const args = [
    '--no-config',
    '--hidden',
    '--no-require-git',
    '--no-ignore-global',
    '--no-ignore-exclude',
    '--no-ignore-parent',
    '--no-messages',
    // Never through a symlink, out of the workspace or into a file a deny rule names (as the JS engine).
    '--no-follow',
    '--color=never',
    query.ignoreCase ? '--ignore-case' : '--case-sensitive',
  ];
  if (pcre2) args.push('--pcre2');
  if (query.multiline) args.push('--multiline', '--multiline-dotall');
  for (const glob of query.globs) args.push('--glob', glob);
  args.push('--glob', GIT_DIR_GLOB);
  if (query.type) args.push('--type', query.type);
  if (query.mode === 'files_with_matches') args.push('--files-with-matches', '--null');
  else {
    args.push('--json');
    if (query.mode === 'content')
      args.push('--before-context', String(query.before), '--after-context', String(query.after));
  }
  args.push('--regexp', query.pattern, '--');
  if (query.targetIsFile) return { args: [...args, path.basename(query.target)], cwd: path.dirname(query.target) };
  return { args: [...args, '.'], cwd: query.target };
}

/** Runs ripgrep at `rgPath` for `query`. */
export function ripgrepEngine(rgPath: string): GrepEngine {
  return async (query) => {
    if (query.type) typeMatcher(query.type); // Same known types, same error, as the JavaScript engine.
    try {
      return await searchWithRipgrep(rgPath, query);
    } catch (error) {
      // ripgrep opens what its walk listed with a blocking open: a file swapped for a FIFO in between holds
      // it forever. The JavaScript engine opens non-blocking and judges the handle, so it finishes the search.
      if (error instanceof RipgrepBlockedError) return grepJs(query);
      throw error;
    }
  };
}

async function searchWithRipgrep(rgPath: string, query: GrepQuery): Promise<GrepFileResult[]> {
  let run = await runRipgrep(rgPath, query, false);
  // Look-around and backreferences need PCRE2; JavaScript patterns use them freely.
  if (run.code === 2 && /look-?around|backreference/i.test(run.stderr)) run = await runRipgrep(rgPath, query, true);
  if (run.code === 2) throw new GrepPatternError(`grep failed: ${run.stderr.trim() || 'ripgrep exited with status 2'}`);
  const results =
    query.mode === 'files_with_matches' ? parseFileList(run.stdout, run.cwd) : parseJson(run.stdout, run.cwd);
  if (query.targetIsFile) return results;
  const filter = walkFilter(query);
  const ancestors = await ancestorLevels(query.root, query.target);
  return results.filter((result) =>
    keepForAncestors(filter, ancestors, result.path, toPosix(path.relative(query.target, result.path))),
  );
}

/** ripgrep waits to open a FIFO (a named pipe with no writer): it would never finish. */
class RipgrepBlockedError extends Error {}

/** How often a running ripgrep is checked for a thread waiting on a FIFO. */
const FIFO_CHECK_MS = 250;

/**
 * Whether a thread of the process waits in the kernel to open a FIFO (`wait_for_partner`, Linux). Elsewhere
 * (no `/proc`) it says no, and the search runs until it ends or the call is aborted.
 */
function waitsOnFifo(pid: number): boolean {
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const wchan = readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8');
      if (wchan === 'wait_for_partner' || wchan === 'fifo_open') return true;
    }
  } catch {
    // The process ended, or /proc is not there.
  }
  return false;
}

interface RipgrepRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly cwd: string;
}

function runRipgrep(rgPath: string, query: GrepQuery, pcre2: boolean): Promise<RipgrepRun> {
  const { args, cwd } = ripgrepArgs(query, pcre2);
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd, signal: query.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let overflow = false;
    let blocked = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 10_000) stderr += chunk.toString('utf8');
    });
    const watch = setInterval(() => {
      if (child.pid !== undefined && waitsOnFifo(child.pid)) {
        blocked = true;
        child.kill('SIGKILL');
      }
    }, FIFO_CHECK_MS);
    watch.unref();
    child.on('error', (error) => {
      clearInterval(watch);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(watch);
      if (blocked) reject(new RipgrepBlockedError('ripgrep waited to open a FIFO'));
      else if (overflow)
        reject(
          new Error(
            'The search matched too much to return. Narrow it with path, glob, type or a more specific pattern.',
          ),
        );
      else resolve({ code, stdout: Buffer.concat(chunks), stderr, cwd });
    });
  });
}

function parseFileList(stdout: Buffer, cwd: string): GrepFileResult[] {
  return stdout
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => ({ path: path.resolve(cwd, entry), count: 1, lines: [] }));
}

type RgText = { text?: string; bytes?: string };

function rgText(value: RgText | undefined): string {
  if (!value) return '';
  if (value.text !== undefined) return value.text;
  return Buffer.from(value.bytes ?? '', 'base64').toString('utf8');
}

/** Parses `--json` output: begin/match/context/end messages, one JSON object per line. */
function parseJson(stdout: Buffer, cwd: string): GrepFileResult[] {
  const files = new Map<string, Map<number, GrepLine>>();
  for (const raw of stdout.toString('utf8').split('\n')) {
    if (raw === '') continue;
    const message = JSON.parse(raw) as {
      type: string;
      data: { path?: RgText; lines?: RgText; line_number?: number | null };
    };
    if (message.type !== 'match' && message.type !== 'context') continue;
    const file = path.resolve(cwd, rgText(message.data.path));
    let lines = files.get(file);
    if (!lines) files.set(file, (lines = new Map()));
    const first = message.data.line_number ?? 1;
    // A multiline match arrives as one message holding several lines.
    let text = rgText(message.data.lines);
    if (text.endsWith('\n')) text = text.slice(0, -1);
    text.split('\n').forEach((line, k) => {
      const number = first + k;
      const match = message.type === 'match';
      const known = lines.get(number);
      if (!known || (match && !known.match)) lines.set(number, { line: number, text: displayLine(line), match });
    });
  }
  return [...files.entries()].map(([file, lines]) => {
    const sorted = [...lines.values()].sort((a, b) => a.line - b.line);
    return { path: file, count: sorted.filter((line) => line.match).length, lines: sorted };
  });
}
