/**
 * A signal for one SDK request that follows a longer-lived one (a run's). The SDK adds an abort listener to
 * the signal of every request and never removes it: given the run's signal, a run with many calls would
 * pile up listeners and, on abort, send a cancellation for every call it ever made. Each request gets its
 * own signal instead, and `release` forgets it when the request is over.
 *
 * A parent signal gets one listener, shared by all the requests that follow it: adding and removing a
 * listener per request cost more than the rest of a call's bookkeeping together.
 *
 * @example
 * ```ts
 * const call = callSignal(ctx.signal);
 * try {
 *   await client.callTool(params, undefined, { signal: call.signal });
 * } finally {
 *   call.release();
 * }
 * ```
 */
export function callSignal(parent: AbortSignal): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  let followers = following.get(parent);
  if (!followers) {
    const created = new Set<AbortController>();
    followers = created;
    following.set(parent, created);
    parent.addEventListener(
      'abort',
      () => {
        for (const follower of created) follower.abort(parent.reason);
        created.clear();
      },
      { once: true },
    );
  }
  const set = followers;
  set.add(controller);
  return { signal: controller.signal, release: () => void set.delete(controller) };
}

/** The requests in progress that follow each parent signal. */
const following = new WeakMap<AbortSignal, Set<AbortController>>();
