/**
 * One language server process and its JSON-RPC connection over stdio. The process leads its own process
 * group, so a kill reaches the helpers it spawned (tsserver runs two), and every live server is killed
 * when this process exits without closing it.
 */
import { spawn } from 'node:child_process';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { scrubEnv } from '../sandbox/scrub-env.js';
import type { ResolvedServer } from './config.js';

/** How a server process ended. `error` is set when it could not be started at all (ENOENT, EACCES). */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly error?: Error;
}

/** A spawned server. The connection is not listening yet: install handlers, then `listen()`. */
export interface ServerProcess {
  /** 0 when the program could not be started. */
  readonly pid: number;
  readonly connection: MessageConnection;
  /** Resolves once the process has ended; never rejects. */
  readonly exited: Promise<ServerExit>;
  /** Whether the process has ended. */
  hasExited(): boolean;
  /** The last lines the server wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Signals the whole process group (the server and what it spawned). */
  kill(signal?: NodeJS.Signals): void;
}

const STDERR_TAIL_CHARS = 2000;
const live = new Set<ServerProcess>();

// Runs synchronously as this process exits: nothing can be awaited, so live servers are killed outright.
function killAllOnExit(): void {
  for (const server of live) server.kill('SIGKILL');
}

/**
 * Starts `server` in `root` (or its own `cwd`), with this process's environment minus secrets plus the
 * server's `env`.
 */
export function spawnServer(server: ResolvedServer, root: string): ServerProcess {
  const child = spawn(server.command, [...(server.args ?? [])], {
    cwd: server.cwd ?? root,
    env: { ...scrubEnv(process.env), ...server.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  // A write to a server that just died fails with EPIPE; the exit handler reports the death.
  child.stdin.on('error', () => undefined);
  child.stdout.on('error', () => undefined);

  let ended = false;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('error', (error) => {
      if (child.pid === undefined) {
        ended = true;
        resolve({ code: null, signal: null, error });
      }
    });
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    });
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  // Transport errors surface as the process's exit or as failed requests; the connection must not throw.
  connection.onError(() => undefined);

  const pid = child.pid ?? 0;
  const handle: ServerProcess = {
    pid,
    connection,
    exited,
    hasExited: () => ended,
    stderrTail: () => tail.trim(),
    kill(signal = 'SIGTERM') {
      if (pid === 0) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // The group is gone already, or was never formed: signal the child alone.
        if (!ended) child.kill(signal);
      }
    },
  };
  if (pid !== 0) {
    if (live.size === 0) process.on('exit', killAllOnExit);
    live.add(handle);
    void exited.then(() => {
      connection.dispose();
      live.delete(handle);
      if (live.size === 0) process.off('exit', killAllOnExit);
    });
  }
  return handle;
}
