/**
 * Ends a stream that stalls: if no item arrives for `idleMs`, the iteration throws what `onIdle` returns
 * and the underlying iterator is closed (which cancels its HTTP request). Official SDKs have a request
 * timeout but nothing for a stream that stops sending after its headers.
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
    // Closing the iterator lets the SDK abort its request; never wait on a stalled one.
    void iterator.return?.()?.catch(() => undefined);
  }
}
