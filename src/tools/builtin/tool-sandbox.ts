/**
 * Which sandbox a built-in tool works in.
 *
 * @packageDocumentation
 */
import { autoSandbox } from '../../sandbox/auto-sandbox.js';
import type { Sandbox } from '../../sandbox/types.js';
import type { ToolContext } from '../tool.js';

/**
 * Options every built-in tool takes. With neither field, a tool uses the agent's sandbox (`ctx.sandbox`).
 *
 * @example
 * ```ts
 * codingTools({ root: '/srv/repo' });            // autoSandbox on that root: bubblewrap where it works
 * codingTools({ sandbox: bubblewrapSandbox({ root }) });
 * ```
 */
export interface BuiltinToolOptions {
  /**
   * Work in `autoSandbox({ root })` on this directory instead of the agent's sandbox: bubblewrap where it
   * works, else `localSandbox` with a one-time `ICODE_NO_OS_SANDBOX` warning.
   */
  readonly root?: string;
  /** Work in this sandbox instead of the agent's. Wins over `root`. */
  readonly sandbox?: Sandbox;
}

// One sandbox per options object, so tools made from the same options share it and nothing is rebuilt
// per call. A WeakMap lets it go with the options.
const cache = new WeakMap<BuiltinToolOptions, Sandbox>();

/**
 * The sandbox a tool call works in: `options.sandbox`, else an `autoSandbox` on `options.root` (made once
 * per options object), else the agent's `ctx.sandbox`.
 *
 * @example
 * ```ts
 * execute: async (input, ctx) => {
 *   const sandbox = sandboxFor(options, ctx);
 *   return new TextDecoder().decode(await sandbox.readFile(input.file_path));
 * }
 * ```
 */
export function sandboxFor(options: BuiltinToolOptions, ctx: Pick<ToolContext, 'sandbox'>): Sandbox {
  return ownSandbox(options) ?? ctx.sandbox;
}

function ownSandbox(options: BuiltinToolOptions): Sandbox | undefined {
  if (options.sandbox) return options.sandbox;
  if (options.root === undefined) return undefined;
  let sandbox = cache.get(options);
  if (!sandbox) {
    sandbox = autoSandbox({ root: options.root });
    cache.set(options, sandbox);
  }
  return sandbox;
}

/**
 * The `sandbox` field of a built-in tool bound to its own sandbox (`root` or `sandbox` given), so the
 * policy judges its paths against the same root the tool acts on; `{}` for a tool that uses the agent's.
 *
 * @example
 * ```ts
 * return tool({ ...boundSandbox(options), name: 'read', … });
 * ```
 */
export function boundSandbox(options: BuiltinToolOptions): { sandbox?: Sandbox } {
  const sandbox = ownSandbox(options);
  return sandbox ? { sandbox } : {};
}
