/**
 * Running a command hook's process: JSON on stdin, stdout and stderr collected, a timeout that kills the
 * whole process group. Node-only: loaded by `commandHook` on first use, so importing icode stays
 * runtime-neutral.
 */
import { spawn } from 'node:child_process';

/** What running a hook's process gave. */
export type HookProcessResult =
  | {
      readonly kind: 'exit';
      readonly code: number;
      readonly stdout: string;
      readonly stderr: string;
      /** Stdout went past the cap and was cut: what is kept is not the hook's whole answer. */
      readonly truncated?: boolean;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'crashed'; readonly message: string; readonly stderr: string };

/** How to run a hook's process. */
export interface HookProcessOptions {
  readonly command: string;
  /** With `args`, `command` is the program; without, it is a shell command line. */
  readonly args?: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly input: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Output kept per stream: a hook that floods its output cannot exhaust memory. */
const MAX_OUTPUT_BYTES = 1 << 20;
/** After the process exits, how long its output may take to close (a background child may hold it). */
const CLOSE_GRACE_MS = 1000;

/** Runs the process; never rejects. */
export function runHookProcess(options: HookProcessOptions): Promise<HookProcessResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: HookProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      options.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const spawnOptions = {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // Its own process group, so a timeout kills what it started too.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    };
    // A command line goes to the shell as one string (no argument array: Node warns about that mix).
    const child =
      options.args === undefined
        ? spawn(options.command, { ...spawnOptions, shell: true })
        : spawn(options.command, [...options.args], spawnOptions);
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({ kind: 'timeout' });
    }, options.timeoutMs);
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      killGroup();
      finish({ kind: 'aborted' });
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => finish({ kind: 'crashed', message: error.message, stderr: stderr.text() }));
    child.on('exit', () => {
      grace = setTimeout(() => {
        // What still holds the output past the grace is a background child of the hook: it goes with the
        // group, as on a timeout, rather than outlive the hook unseen.
        killGroup();
        child.stdout.destroy();
        child.stderr.destroy();
      }, CLOSE_GRACE_MS);
    });
    child.on('close', (code, signal) => {
      if (code === null) {
        finish({ kind: 'crashed', message: `killed by ${signal ?? 'a signal'}`, stderr: stderr.text() });
      } else {
        finish({
          kind: 'exit',
          code,
          stdout: stdout.text(),
          stderr: stderr.text(),
          ...(stdout.truncated() ? { truncated: true } : {}),
        });
      }
    });
    // A hook that does not read its input makes the write fail (EPIPE): that is its business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

function collect(stream: NodeJS.ReadableStream): { text(): string; truncated(): boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  stream.on('data', (chunk: Buffer) => {
    const room = MAX_OUTPUT_BYTES - size;
    if (chunk.length > room) cut = true;
    if (room <= 0) return;
    chunks.push(chunk.subarray(0, room));
    size += Math.min(chunk.length, room);
  });
  return { text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => cut };
}
