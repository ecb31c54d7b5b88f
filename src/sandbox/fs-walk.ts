/**
 * The walker every file method goes through: a path is opened one component at a time, below a held
 * handle of the workspace root (or of an additional directory), never following a symbolic link the
 * kernel would follow on its own.
 *
 * - Each directory on the way is opened with `O_DIRECTORY | O_NOFOLLOW` relative to the one above it
 *   (`/proc/self/fd/<fd>/<name>` on Linux, see `fs-held-dir.ts`). A directory swapped for a link between two
 *   steps makes the open fail; nothing outside is ever opened.
 * - Links are read and followed by the walker itself, like the kernel (a relative target continues from
 *   the link's directory; `..` after a link goes up from where the link led, not lexically), at most
 *   {@link MAX_SYMLINKS} of them. A link that leads out of every base is a `WorkspaceEscapeError` whose
 *   message names the path asked for, never the target.
 * - `..` goes back to the directory held one level up; above a base, the rest of the path is judged again
 *   from the base's parent, as the kernel would resolve it.
 *
 * Without `/proc/self/fd` (macOS, BSDs, Linux without procfs) the same walk runs on path strings; callers
 * then compare the identity of what they opened with a second walk (`fs-file-ops` does), which leaves a
 * narrower race: a process that swaps a link in and out between the open and the second walk, twice in
 * step, can still win it.
 *
 * @packageDocumentation
 */
import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import { allowedAt, containingBase, lexicalBase, openBase, type WorkspaceBase } from './fs-bases.js';
import {
  closeQuietly,
  DIR_FLAGS,
  errorCode,
  fsError,
  lstatChild,
  openFd,
  pathOfFd,
  readlinkChild,
  type DirAccess,
  type HeldDir,
} from './fs-held-dir.js';
import { components, isWithin, MAX_SYMLINKS, refuseSystem, shortPath, toAbsolute } from './fs-paths.js';
import type { AccessIntent } from './types.js';

/** Platforms whose default file systems ignore case (APFS, NTFS). */
const CASE_INSENSITIVE = process.platform === 'darwin' || process.platform === 'win32';

/** Times one walk retries a component that changed under it before giving up. */
const MAX_RACES = 64;

/** What a walk needs to know about its sandbox. */
export interface WalkContext {
  /** Canonical workspace root. */
  readonly root: string;
  /** What a leading `~` stands for. */
  readonly home: string;
  /** The root first, then the additional directories. */
  readonly bases: readonly WorkspaceBase[];
  /** Canonical paths that writes may not touch (with everything below). */
  readonly protectedPaths: readonly string[];
  readonly access: DirAccess;
}

/**
 * What a walk does with a missing directory on the way: `fail` (ENOENT), `lexical` (the rest of the path
 * is appended as written: `resolve` of a path to create), or `create` (made, for a write).
 */
export type MissingMode = 'fail' | 'lexical' | 'create';

/** Options of {@link walk}. */
export interface WalkOptions {
  readonly intent: AccessIntent;
  /** Follow a final symbolic link (read, write, list); `stat` looks at the link itself. */
  readonly followFinal: boolean;
  readonly missing: MissingMode;
}

/** Where a walk ended. The caller owns `dir.fd` and must close it. */
export interface Walked {
  /** The held directory that contains the target (the target itself when `name` is undefined). */
  readonly dir: HeldDir;
  /** The final name inside `dir` (it may not exist), or undefined when the path ends at `dir`. */
  readonly name: string | undefined;
  /** Canonical absolute path of the target. */
  readonly canonical: string;
  /** True when a directory on the way was missing and the rest was appended as written (`lexical`). */
  readonly partial: boolean;
  /** `lstat` of the final name when the walk looked at it (a followed final component): a first judgement. */
  readonly final?: Stats;
}

interface Budget {
  hops: number;
  races: number;
  /** Whether a link was followed: an escape then says so, without naming the target. */
  linked: boolean;
}

type Descent =
  { readonly kind: 'done'; readonly walked: Walked } | { readonly kind: 'again'; readonly absolute: string };

/**
 * Walks `input` from the base that holds it and returns the held directory of its last component.
 *
 * @throws WorkspaceEscapeError when the path (or a link on it) leads outside every base, into `/proc`,
 *   `/dev` or `/sys`, into a read-only base for a write, or into a protected path for a write.
 * @throws Error with a `code` (`ENOENT`, `ENOTDIR`, `ELOOP`, `ENAMETOOLONG`, `EACCES`, …) and a message
 *   meant for the model otherwise.
 */
export function walk(ctx: WalkContext, input: string, options: WalkOptions): Walked {
  const budget: Budget = { hops: 0, races: 0, linked: false };
  let absolute = toAbsolute(input, ctx.root, ctx.home);
  try {
    refuseSystem(path.normalize(absolute), input, ctx.root);
    for (;;) {
      const start = startOf(ctx, absolute, budget, input);
      const descent = descend(ctx, start, options, budget, input);
      if (descent.kind === 'done') return judge(ctx, descent.walked, options.intent, input, start.base);
      absolute = descent.absolute;
    }
  } catch (error) {
    throw explain(error, input);
  }
}

/** {@link walk}, then `use` of where it ended; the held directory is closed afterwards. */
export function withWalk<T>(ctx: WalkContext, input: string, options: WalkOptions, use: (walked: Walked) => T): T {
  const walked = walk(ctx, input, options);
  try {
    return use(walked);
  } finally {
    closeQuietly(walked.dir.fd);
  }
}

/** Where a walk of `absolute` starts: the base it names, or the base its canonical form is in. */
function startOf(
  ctx: WalkContext,
  absolute: string,
  budget: Budget,
  input: string,
): { base: WorkspaceBase; rest: string[] } {
  const lexical = lexicalBase(ctx.bases, absolute);
  if (lexical) return { base: lexical.base, rest: components(lexical.rest) };
  // Outside every base as written: it may still lead into one (the root given through a link, `/tmp` being
  // `/private/tmp`). Only the start is chosen this way; the walk itself begins at a held base.
  const canonical = canonicalizeOutside(absolute, budget, input, ctx.root);
  const base = containingBase(ctx.bases, canonical);
  if (!base) throw escape(ctx, input, budget.linked ? THROUGH_LINK : undefined);
  return { base, rest: components(path.relative(base.path, canonical)) };
}

/** Why a path that followed a link is outside: the target itself is never named (it may be a secret's path). */
const THROUGH_LINK = 'it leads outside the workspace through a symbolic link';

function escape(ctx: WalkContext, input: string, reason: string | undefined): WorkspaceEscapeError {
  return new WorkspaceEscapeError({ path: input, root: ctx.root, ...(reason ? { reason } : {}) });
}

function hop(budget: Budget, input: string): void {
  budget.linked = true;
  if (++budget.hops > MAX_SYMLINKS) {
    throw fsError('ELOOP', `Too many levels of symbolic links resolving ${shortPath(input)} (a link loop?).`);
  }
}

/** The canonical form of a path outside every base, by `lstat`/`readlink` from `/` (missing parts kept). */
function canonicalizeOutside(absolute: string, budget: Budget, input: string, root: string): string {
  const pending = components(absolute);
  let current = '/';
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    refuseSystem(next, input, root);
    let isLink = false;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    let target: string;
    try {
      target = readlinkSync(next);
    } catch (error) {
      // Swapped for something else since the lstat: take it as it is now (this only picks where to start).
      if (errorCode(error) !== 'EINVAL' && errorCode(error) !== 'ENOENT') throw error;
      current = next;
      continue;
    }
    hop(budget, input);
    if (path.isAbsolute(target)) current = '/';
    pending.unshift(...components(target));
  }
  return current;
}

/** The walk proper, from a held base down. */
function descend(
  ctx: WalkContext,
  start: { base: WorkspaceBase; rest: string[] },
  options: WalkOptions,
  budget: Budget,
  input: string,
): Descent {
  const stack: HeldDir[] = [openBase(start.base)];
  const pending = [...start.rest];
  let kept: HeldDir | undefined;
  const done = (dir: HeldDir, name: string | undefined, extra: Partial<Walked> = {}, rest: string[] = []): Descent => {
    kept = dir;
    const canonical = name === undefined ? path.join(dir.path, ...rest) : path.join(dir.path, name);
    return { kind: 'done', walked: { dir, name, canonical, partial: false, ...extra } };
  };
  try {
    for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
      const top = stack[stack.length - 1] as HeldDir;
      if (part === '..') {
        if (stack.length > 1) closeQuietly((stack.pop() as HeldDir).fd);
        // Above the base: judged again from its parent, as the kernel would walk it.
        else return { kind: 'again', absolute: joined(path.dirname(start.base.path), pending) };
        continue;
      }
      const here = path.join(top.path, part);
      refuseSystem(here, input, ctx.root);
      const last = pending.length === 0;
      if (last && !options.followFinal) return done(top, part);
      const step = last ? finalStep(ctx, top, part) : middleStep(ctx, top, part, here, options, input);
      if (step.kind === 'dir') stack.push(step.dir);
      else if (step.kind === 'retry') {
        race(budget, input);
        pending.unshift(part);
      } else if (step.kind === 'link') {
        hop(budget, input);
        if (path.isAbsolute(step.target)) return { kind: 'again', absolute: joined(step.target, pending) };
        pending.unshift(...components(step.target));
      } else if (step.kind === 'missing') return done(top, undefined, { partial: true }, [part, ...pending]);
      else return done(top, part, step.info ? { final: step.info } : {});
    }
    return done(stack[stack.length - 1] as HeldDir, undefined);
  } finally {
    for (const dir of stack) if (dir !== kept) closeQuietly(dir.fd);
  }
}

type Step =
  | { readonly kind: 'dir'; readonly dir: HeldDir }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'retry' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'end'; readonly info?: Stats | undefined };

/** The last component: a link is followed, anything else (or nothing) ends the walk. */
function finalStep(ctx: WalkContext, top: HeldDir, part: string): Step {
  const info = lstatChild(ctx.access, top, part);
  if (info?.isSymbolicLink()) return linkStep(ctx, top, part);
  return { kind: 'end', info };
}

/** Reads a link the walk met; one swapped for something else since it was looked at is looked at again. */
function linkStep(ctx: WalkContext, top: HeldDir, part: string): Step {
  try {
    return { kind: 'link', target: readlinkChild(ctx.access, top, part) };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EINVAL' || code === 'ENOENT') return { kind: 'retry' };
    throw error;
  }
}

/** A directory on the way: opened without following, or read as a link, or made (for a write). */
function middleStep(
  ctx: WalkContext,
  top: HeldDir,
  part: string,
  here: string,
  options: WalkOptions,
  input: string,
): Step {
  const target = ctx.access.child(top, part);
  try {
    return { kind: 'dir', dir: { fd: openFd(target, DIR_FLAGS), path: here } };
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT' && code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
  }
  // Not a directory we could open: find out what it is now (it may have changed since the open).
  const info = lstatChild(ctx.access, top, part);
  if (info?.isSymbolicLink()) return linkStep(ctx, top, part);
  if (info?.isDirectory()) return { kind: 'retry' };
  if (info) {
    if (options.missing === 'lexical') return { kind: 'missing' };
    throw fsError('ENOTDIR', `${shortPath(input)}: ${here} is not a directory.`);
  }
  if (options.missing === 'lexical') return { kind: 'missing' };
  if (options.missing === 'fail') throw fsError('ENOENT', `${shortPath(input)} does not exist.`);
  if (!allowedAt(ctx.bases, here, 'write') || protectedHit(ctx, here) !== undefined) {
    throw new WorkspaceEscapeError({ path: input, root: ctx.root, reason: `${here} may not be created` });
  }
  try {
    // mkdir never follows a final link: a link raced in makes it fail with EEXIST, and the next try reads it.
    mkdirSync(target, 0o777);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  return { kind: 'retry' };
}

function race(budget: Budget, input: string): void {
  if (++budget.races > MAX_RACES) {
    throw fsError('EAGAIN', `${shortPath(input)} kept changing while it was being opened; try again.`);
  }
}

function joined(start: string, rest: readonly string[]): string {
  return rest.length === 0 ? start : `${start === '/' ? '' : start}/${rest.join('/')}`;
}

function protectedHit(ctx: WalkContext, canonical: string): string | undefined {
  // On case-insensitive file systems `.GIT/config` is `.git/config`: compare folded there. Folding can
  // only widen what counts as protected, never let a write through.
  const fold = CASE_INSENSITIVE ? (value: string): string => value.toLowerCase() : (value: string): string => value;
  return ctx.protectedPaths.find((entry) => isWithin(fold(entry), fold(canonical)));
}

/** Checks where a walk ended against the intent; closes the held directory when refusing. */
function judge(ctx: WalkContext, walked: Walked, intent: AccessIntent, input: string, base: WorkspaceBase): Walked {
  try {
    if (!allowedAt(ctx.bases, walked.canonical, intent)) {
      const readable = allowedAt(ctx.bases, walked.canonical, 'read');
      throw escape(ctx, input, readable ? 'it is in a directory granted for reading only' : undefined);
    }
    if (intent === 'write') {
      const hit = protectedHit(ctx, walked.canonical);
      if (hit !== undefined) throw escape(ctx, input, `${hit} is protected against writes`);
    }
    // Linux tells where a held directory is now: one moved out of the base after it was opened is refused.
    const now = pathOfFd(walked.dir.fd);
    if (now !== undefined && !isWithin(base.path, now)) {
      throw fsError('ESTALE', `${shortPath(input)} was moved while it was being opened; try again.`);
    }
    return walked;
  } catch (error) {
    closeQuietly(walked.dir.fd);
    throw error;
  }
}

/**
 * Turns system errors into messages the model can act on, naming the path as it was asked for (never the
 * `/proc/self/fd/…` path a call was made on); typed errors and errors already explained pass through.
 */
export function explain(error: unknown, input: string): unknown {
  if (WorkspaceEscapeError.isInstance(error)) return error;
  const code = errorCode(error);
  const shown = shortPath(input);
  switch (code) {
    case 'ENAMETOOLONG':
      return fsError(code, `The path ${shown} is too long (a name over 255 bytes, or the whole path too long).`);
    case 'EACCES':
    case 'EPERM':
      return fsError(code, `Permission denied for ${shown}: this process may not open it or a directory on its way.`);
    case 'ELOOP':
      return fsError(code, `Too many levels of symbolic links resolving ${shown} (a link loop?).`);
    case 'EMFILE':
    case 'ENFILE':
      return fsError(code, `Too many open files to open ${shown} now; try again.`);
    default: {
      const syscall = (error as { syscall?: unknown }).syscall;
      // A raw system error (it has a syscall): its message names the path the call was made on.
      return code !== undefined && typeof syscall === 'string'
        ? fsError(code, `${code}: ${syscall} failed for ${shown}.`)
        : error;
    }
  }
}
