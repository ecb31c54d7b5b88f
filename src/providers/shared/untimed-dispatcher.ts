/**
 * Node's fetch (undici) gives up on a response whose headers take more than 300 s, or whose body goes
 * quiet for 300 s. A thinking model or a CPU-bound local model can take that long before its first byte, so
 * the adapter lifts both limits and applies its own instead (`timeoutMs` until the headers, `idleTimeoutMs`
 * between chunks), as `@google/genai` does for its own fetch. The dispatcher wraps whatever global one is
 * installed (a proxy agent, say), changing nothing else.
 *
 * @packageDocumentation
 */

interface Dispatcher {
  dispatch(options: object, handler: unknown): boolean;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
let dispatcher: Dispatcher | undefined;

function globalDispatcher(): Dispatcher | undefined {
  const found = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  return typeof found === 'object' && found !== null && typeof (found as Dispatcher).dispatch === 'function'
    ? (found as Dispatcher)
    : undefined;
}

/** Extra `fetch` init that lifts undici's header and body timeouts, on Node; `{}` elsewhere. */
export function untimedInit(): { dispatcher?: Dispatcher } {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return {};
  // Undici installs its global dispatcher lazily; constructing Headers is enough to make it.
  if (globalDispatcher() === undefined) new Headers();
  if (globalDispatcher() === undefined) return {};
  dispatcher ??= {
    dispatch: (options, handler) =>
      globalDispatcher()!.dispatch({ ...options, headersTimeout: 0, bodyTimeout: 0 }, handler),
  };
  return { dispatcher };
}
