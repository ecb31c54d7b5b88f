/**
 * Why an LSP operation could not be done. Tools let it become an error result whose message tells the
 * model what to do instead; `kind` lets the client decide whether a retry can help.
 */

/**
 * - `no-server`: no configured server handles the file's extension.
 * - `degraded`: the server failed too often and is not started again.
 * - `crashed`: the server died while the request was in flight (a retry on the restarted server may work).
 * - `timeout`: the server did not answer in time.
 * - `unsupported`: the server does not offer this feature.
 * - `closed`: the toolset was closed.
 */
export type LspErrorKind = 'no-server' | 'degraded' | 'crashed' | 'timeout' | 'unsupported' | 'closed';

/** An LSP operation that failed, with a message for the model. */
export class LspError extends Error {
  readonly kind: LspErrorKind;

  constructor(kind: LspErrorKind, message: string) {
    super(message);
    this.name = 'LspError';
    this.kind = kind;
  }
}
