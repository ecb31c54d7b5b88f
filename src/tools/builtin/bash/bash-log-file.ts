/**
 * Where `bash` saves the full output of a command whose output is cut for the model.
 *
 * The files go in the workspace (`.icode/outputs/` by default), not in the OS temp directory, because the
 * model must be able to open them: the file tools only reach the workspace, and under bubblewrap `bash`
 * gets a private `/tmp`. The directory carries a `.gitignore` of `*`, so the files never show in
 * `git status`, and only the newest {@link MAX_LOG_FILES} are kept.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sandbox } from '../../../sandbox/types.js';

/** Default folder of the output files, relative to the sandbox root. */
export const DEFAULT_OUTPUT_DIR = '.icode/outputs';

/** Log files kept in the output folder; older ones are removed when a new one is made. */
export const MAX_LOG_FILES = 100;

/** Characters saved per command at most; a command past it is stopped (foreground) or no longer saved. */
export const MAX_LOG_CHARS = 64 * 1024 * 1024;

/**
 * An append-only file for one command's output, capped at `maxChars`. Writes are synchronous: a command
 * like `yes` produces output faster than an async stream drains, and queued chunks would pile up in memory.
 */
export class LogFile {
  readonly path: string;
  readonly #maxChars: number;
  #fd: number | undefined;
  #written = 0;
  #full = false;

  private constructor(file: string, fd: number, maxChars: number) {
    this.path = file;
    this.#fd = fd;
    this.#maxChars = maxChars;
  }

  /**
   * Creates a new log file, or returns the reason it could not (a read-only workspace, an output folder
   * that is a symlink out): the command still runs, only its full output is not saved.
   */
  static async create(
    sandbox: Sandbox,
    outputDir: string | undefined,
    maxChars: number = MAX_LOG_CHARS,
  ): Promise<LogFile | string> {
    try {
      // A relative folder lives in the workspace and goes through `resolve`, so a `.icode` planted as a
      // symlink out cannot make us write elsewhere. An absolute one is the host application's choice.
      const inside = outputDir === undefined || !path.isAbsolute(outputDir);
      const dir = inside ? await sandbox.resolve(outputDir ?? DEFAULT_OUTPUT_DIR, 'write') : outputDir;
      await mkdir(dir, { recursive: true });
      if (inside && (await sandbox.resolve(dir, 'write')) !== dir) throw new Error('the output folder moved');
      if (inside) await writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
      await prune(dir);
      const name = `bash-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.log`;
      const file = path.join(dir, name);
      // `wx`: created fresh, never through an existing link.
      return new LogFile(file, openSync(file, 'wx', 0o644), maxChars);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Appends a chunk; returns false once the cap is reached (the rest is not saved). */
  write(chunk: string): boolean {
    if (this.#fd === undefined || this.#full) return false;
    const room = this.#maxChars - this.#written;
    const part = chunk.length > room ? chunk.slice(0, room) : chunk;
    try {
      writeSync(this.#fd, part);
    } catch {
      this.close();
      return false;
    }
    this.#written += part.length;
    if (part.length < chunk.length) {
      this.#full = true;
      try {
        writeSync(this.#fd, `\n[output past ${this.#maxChars} characters was not saved]\n`);
      } catch {
        // Nothing more to do for a log that cannot be written.
      }
      return false;
    }
    return true;
  }

  /** Whether the cap was reached. */
  get full(): boolean {
    return this.#full;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Closes and deletes the file (its output fitted in the result). */
  async remove(): Promise<void> {
    this.close();
    await rm(this.path, { force: true });
  }
}

async function prune(dir: string): Promise<void> {
  const logs = (await readdir(dir)).filter((name) => name.startsWith('bash-') && name.endsWith('.log')).sort();
  const excess = logs.length - (MAX_LOG_FILES - 1);
  for (const name of logs.slice(0, Math.max(0, excess))) await rm(path.join(dir, name), { force: true });
}
