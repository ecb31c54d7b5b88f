/**
 * The client behind the tools: picks the server of a file by its extension, keeps the file in sync before
 * each request, and retries once on the restarted server when the server dies under a request.
 */
import type { ResolvedOptions } from './config.js';
import { LanguageServer } from './language-server.js';
import { extensionOf } from './languages.js';
import { LspError } from './lsp-error.js';
import type { OpenDocument } from './documents.js';
import type { LspEvent, LspServerState } from './types.js';
import type { LspWorkspace } from './workspace.js';

/** A file opened on its server, for one operation. */
export interface FileSession {
  readonly server: LanguageServer;
  readonly document: OpenDocument;
}

/** The language servers of one toolset. */
export class LspClient {
  readonly servers: ReadonlyMap<string, LanguageServer>;

  constructor(
    readonly workspace: LspWorkspace,
    readonly options: ResolvedOptions,
    emit: (event: LspEvent) => void,
  ) {
    const servers = new Map<string, LanguageServer>();
    for (const config of options.servers) {
      servers.set(
        config.name,
        new LanguageServer(config, {
          root: workspace.root,
          options,
          emit,
          read: (file) => workspace.read(file),
        }),
      );
    }
    this.servers = servers;
  }

  /** The server of a file, or `undefined` when no server handles its extension. */
  serverOf(absolute: string): LanguageServer | undefined {
    const name = this.options.byExtension.get(extensionOf(absolute));
    return name === undefined ? undefined : this.servers.get(name);
  }

  /**
   * The server of a file.
   *
   * @throws LspError `no-server` naming the extensions that do have one.
   */
  requireServer(absolute: string): LanguageServer {
    const server = this.serverOf(absolute);
    if (server) return server;
    const extension = extensionOf(absolute);
    const known = this.options.servers
      .map((entry) => `${entry.name} (${entry.languages.map((e) => `.${e}`).join(', ')})`)
      .join('; ');
    throw new LspError(
      'no-server',
      `No language server handles ${extension ? `.${extension}` : 'extensionless'} files like ${this.workspace.display(absolute)}. Configured: ${known}. Use read and grep for this file.`,
    );
  }

  /**
   * Runs `operation` with `absolute` open and current on its server. When the server dies under it, the
   * operation runs once more on the restarted server.
   */
  async withFile<T>(
    absolute: string,
    operation: (session: FileSession) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const server = this.requireServer(absolute);
    try {
      return await operation(await this.open(server, absolute, signal));
    } catch (error) {
      if (!(error instanceof LspError) || error.kind !== 'crashed') throw error;
      return operation(await this.open(server, absolute, signal));
    }
  }

  /**
   * Runs `operation` on a server, once more after a crash.
   */
  async withServer<T>(server: LanguageServer, operation: () => Promise<T>): Promise<T> {
    try {
      await server.ready();
      return await operation();
    } catch (error) {
      if (!(error instanceof LspError) || error.kind !== 'crashed') throw error;
      await server.ready();
      return operation();
    }
  }

  /** The state of every server. */
  status(): Record<string, LspServerState> {
    return Object.fromEntries([...this.servers].map(([name, server]) => [name, server.state]));
  }

  /** Closes every server. */
  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => server.close()));
  }

  /**
   * Opens (or syncs) `absolute` on `server`. A file just opened is ready for questions once the server
   * has reported on it: before that, a server may still be loading the project and answer from a partial
   * view (typescript-language-server answers hovers from a syntax-only server meanwhile), so the first
   * report is awaited, within the diagnostics timeout.
   */
  async open(server: LanguageServer, absolute: string, signal?: AbortSignal): Promise<FileSession> {
    await server.ready();
    const outcome = await server.documents.sync(absolute);
    if (outcome.kind === 'missing') {
      throw new Error(`${this.workspace.display(absolute)} does not exist. Find the right path with glob or list.`);
    }
    const { document } = outcome;
    if (outcome.kind === 'opened' && !server.capabilities().diagnosticProvider) {
      await server.book.waitFor(
        () => server.book.reportedSince(document.uri, document.sentAt, document.version),
        this.options.diagnosticsTimeoutMs,
        signal,
      );
    }
    return { server, document };
  }
}
