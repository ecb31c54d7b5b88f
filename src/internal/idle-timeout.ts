/**
 * Ends a stream that stalls: if no item arrives for `idleMs`, the iteration throws what `onIdle` returns
 * and the underlying iterator is asked to close. Official SDKs have a request timeout but nothing for a
 * stream that stops sending after its headers.
 *
 * Closing a stalled async generator does nothing until its pending read settles, so `onIdle` must also
 * cancel what the source reads from (abort its HTTP request): only then is the socket closed.
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  idleMs: number | undefined,
  onIdle: () => Error,
): AsyncGenerator<T> {
  if (idleMs === undefined || idleMs <= 0 || !Number.isFinite(idleMs)) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onIdle()), idleMs);
      });
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([iterator.next(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Never wait on a stalled iterator: its close runs once the read in progress settles.
    void iterator.return?.()?.catch(() => undefined);
  }
}
