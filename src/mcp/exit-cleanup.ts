/**
 * Server processes still running when this process exits (an app that calls `process.exit()` without
 * closing its agent) are sent SIGTERM, so no MCP server outlives the app that started it.
 */
const children = new Set<number>();
let installed = false;

function killAll(): void {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

/** Remembers a server process to stop at exit. */
export function trackChild(pid: number): void {
  children.add(pid);
  if (!installed) {
    installed = true;
    process.once('exit', killAll);
  }
}

/** Forgets a server process that was stopped or exited. */
export function untrackChild(pid: number): void {
  children.delete(pid);
}
