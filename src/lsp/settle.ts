/**
 * Current diagnostics of a server's documents after a change. A server that offers pull diagnostics is
 * asked (`textDocument/diagnostic`); otherwise the wait is for a push (`publishDiagnostics`) of each
 * changed document made after the change, then for a short quiet period (a change is reported in several
 * messages, one per affected file), bounded by a timeout. A file last reported clean may stay silent when
 * it is still clean; its silence past a grace period (learnt from how fast the server reports) counts as
 * a clean report.
 */
import type { LanguageServer } from './language-server.js';
import type { Diagnostic, DocumentDiagnosticReport } from './protocol.js';

/** Diagnostics of a server's open documents. */
export interface Settled {
  /** By absolute path, for every open document that has been reported. */
  readonly byPath: ReadonlyMap<string, readonly Diagnostic[]>;
  /** Paths whose current diagnostics did not arrive in time (their last known ones are in `byPath`). */
  readonly late: readonly string[];
}

/** How long to wait. */
export interface SettleOptions {
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly signal?: AbortSignal;
  /** Pull every open document, not only `paths` (push servers report them all anyway). */
  readonly pullAll?: boolean;
}

/**
 * Waits until the diagnostics of `paths` (open on `server`) are current, and returns those of every open
 * document.
 */
export async function settle(
  server: LanguageServer,
  paths: readonly string[],
  options: SettleOptions,
): Promise<Settled> {
  if (server.capabilities().diagnosticProvider) {
    const pulled = options.pullAll ? server.documents.all().map((document) => document.path) : paths;
    await Promise.all(pulled.map((file) => pull(server, file, options.signal)));
    return collect(server, []);
  }
  const { book } = server;
  const isCurrent = (file: string): boolean => {
    const document = server.documents.get(file);
    return !document || book.reportedSince(document.uri, document.sentAt, document.version);
  };
  const waiting = paths.filter((file) => !isCurrent(file));
  if (waiting.length === 0) return collect(server, []);
  const deadline = performance.now() + options.timeoutMs;
  const left = (): number => Math.max(0, deadline - performance.now());
  // A file last reported clean may get no new report when it stays clean (servers need not repeat an
  // empty report): for those, a silence past the grace period means "still clean". Others must report.
  const lastClean = (file: string): boolean => {
    const document = server.documents.get(file);
    return document !== undefined && book.get(document.uri)?.length === 0;
  };
  // A report on another file after the change also ends the silence: the server has checked the change
  // and moved on (typescript-language-server checks every open file in one pass, the changed one first).
  const mustReport = waiting.filter((file) => !lastClean(file));
  const changedAt = Math.min(...waiting.map((file) => server.documents.get(file)?.sentAt ?? 0));
  const waitingUris = new Set(waiting.map((file) => server.documents.get(file)?.uri ?? ''));
  const movedOn = (): boolean => mustReport.every(isCurrent) && book.otherReportedSince(changedAt, waitingUris);
  const grace = Math.min(left(), book.silenceGraceMs());
  if (!(await book.waitFor(() => waiting.every(isCurrent) || movedOn(), grace, options.signal))) {
    await book.waitFor(() => mustReport.every(isCurrent), left(), options.signal);
  }
  if (!waiting.every(isCurrent)) {
    for (const file of waiting) {
      const document = server.documents.get(file);
      if (document && !isCurrent(file) && lastClean(file)) book.confirm(document.uri, document.version);
    }
  }
  await book.waitQuiet(options.quietMs, left(), options.signal);
  return collect(
    server,
    waiting.filter((file) => !isCurrent(file)),
  );
}

async function pull(server: LanguageServer, file: string, signal: AbortSignal | undefined): Promise<void> {
  const document = server.documents.get(file);
  if (!document) return;
  const report = await server.request<DocumentDiagnosticReport | null>(
    'textDocument/diagnostic',
    { textDocument: { uri: document.uri } },
    signal,
  );
  if (report?.kind === 'full' && Array.isArray(report.items)) server.book.record(document.uri, report.items);
}

function collect(server: LanguageServer, late: readonly string[]): Settled {
  const byPath = new Map<string, readonly Diagnostic[]>();
  for (const document of server.documents.all()) {
    const diagnostics = server.book.get(document.uri);
    if (diagnostics) byPath.set(document.path, diagnostics);
  }
  return { byPath, late };
}
