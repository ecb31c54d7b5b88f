/**
 * After-edit feedback: before a file tool writes, the errors of the files it touches (and of every other
 * open file) are noted; after it wrote, the files are synced with their servers, the diagnostics awaited,
 * and the new errors returned as text for the tool's result. Nothing here may fail the edit: a server
 * that is down or slow becomes a short note.
 */
import type { JsonValue } from '../model/message.js';
import { accessesOf } from '../policy/tool-access.js';
import type { ToolAccess, ToolContext } from '../tools/tool.js';
import type { LanguageServer } from './language-server.js';
import type { Diagnostic } from './protocol.js';
import type { LspClient } from './lsp-client.js';
import { LspError } from './lsp-error.js';
import { feedbackText, knownErrors, type ErrorsByPath, type FeedbackLimits, type KnownError } from './new-errors.js';
import { settle, type Settled } from './settle.js';

/** The file tools whose results get the feedback. */
export const FEEDBACK_TOOLS: ReadonlySet<string> = new Set(['write', 'edit', 'multi_edit', 'apply_patch']);

/** The tool whose files are opened on their server, so later edits report the errors they cause there. */
export const READ_TOOL = 'read';

/** Errors before an edit, by path. */
export type Baseline = ErrorsByPath;

/** The feedback of one toolset. */
export class EditFeedback {
  constructor(
    private readonly client: LspClient,
    private readonly limits: FeedbackLimits,
  ) {}

  /**
   * The files a call writes that a server handles: absolute, inside the workspace, without repeats.
   * `access` is the tool's own `access()` when known; built-in tools are also known by name.
   */
  async editedPaths(
    call: { readonly name: string; readonly input: JsonValue },
    ctx: Pick<ToolContext, 'sandbox'>,
    access?: (input: never) => readonly ToolAccess[],
  ): Promise<string[]> {
    return this.#paths(call, ctx, 'write', access);
  }

  /**
   * Opens the files a `read` call read on their servers, in the background: a file the model looked at
   * is likely one an edit elsewhere can break, and servers report only on open files.
   */
  async noteRead(
    call: { readonly name: string; readonly input: JsonValue },
    ctx: Pick<ToolContext, 'sandbox'>,
  ): Promise<void> {
    for (const [server, files] of this.#serversOf(await this.#paths(call, ctx, 'read'))) {
      if (server.state === 'degraded' || server.state === 'closed') continue;
      // Known at once, so the next edit's reference includes it even if the open below is still running.
      for (const file of files) server.documents.track(file);
      void this.client
        .withServer(server, () => Promise.all(files.map((file) => server.documents.sync(file))))
        .catch(() => undefined);
    }
  }

  async #paths(
    call: { readonly name: string; readonly input: JsonValue },
    ctx: Pick<ToolContext, 'sandbox'>,
    kind: 'read' | 'write',
    access?: (input: never) => readonly ToolAccess[],
  ): Promise<string[]> {
    let accesses: readonly ToolAccess[] | undefined;
    try {
      accesses = access ? access(call.input as never) : accessesOf({ name: call.name, input: call.input });
    } catch {
      return [];
    }
    const paths = new Set<string>();
    for (const entry of accesses ?? []) {
      if (entry.kind !== kind || entry.path.includes('\0')) continue;
      const absolute = await ctx.sandbox.resolve(entry.path, 'read').catch(() => undefined);
      if (absolute && this.client.workspace.contains(absolute) && this.client.serverOf(absolute)) paths.add(absolute);
    }
    return [...paths];
  }

  /** The errors the servers have last reported, without waiting: the reference when `before` was not run. */
  lastKnown(paths: readonly string[]): Baseline {
    const byPath = new Map<string, readonly KnownError[]>();
    for (const server of this.#serversOf(paths).keys()) {
      for (const document of server.documents.all()) {
        const diagnostics = server.book.get(document.uri);
        if (diagnostics) byPath.set(document.path, knownErrors(diagnostics, document.text));
      }
    }
    return byPath;
  }

  /**
   * Opens `paths` (those that exist), syncs every file open on their servers (bash may have changed
   * them), and waits for the current errors of all of them. Never throws.
   */
  async before(paths: readonly string[], signal?: AbortSignal): Promise<Baseline> {
    const byPath = new Map<string, readonly KnownError[]>();
    for (const [server, files] of this.#serversOf(paths)) {
      try {
        const settled = await this.#current(server, [...new Set([...server.documents.known(), ...files])], signal);
        for (const [file, diagnostics] of settled.byPath) byPath.set(file, this.#known(server, file, diagnostics));
      } catch {
        // No reference for this server: `after` then counts every error as new, or reports the outage.
      }
    }
    return byPath;
  }

  /** Syncs `paths` after the edit and returns the feedback text, or `undefined`. Never throws. */
  async after(paths: readonly string[], baseline: Baseline, signal?: AbortSignal): Promise<string | undefined> {
    const now = new Map<string, readonly KnownError[]>();
    const notes: string[] = [];
    for (const [server, files] of this.#serversOf(paths)) {
      try {
        const settled = await this.#current(server, files, signal);
        for (const [file, diagnostics] of settled.byPath) now.set(file, this.#known(server, file, diagnostics));
        if (settled.late.length > 0) {
          const late = settled.late.map((file) => this.client.workspace.display(file)).join(', ');
          notes.push(
            `(LSP: ${server.name} had not finished checking ${late} after ${Math.round(this.client.options.diagnosticsTimeoutMs / 1000)} s; errors may be missing.)`,
          );
        }
      } catch (error) {
        if (signal?.aborted) return undefined;
        const message = error instanceof LspError || error instanceof Error ? error.message : String(error);
        notes.push(`(LSP: no diagnostics: ${message})`);
      }
    }
    const text = feedbackText(
      { edited: paths, before: baseline, after: now, display: (file) => this.client.workspace.display(file) },
      this.limits,
    );
    const parts = [text, ...notes].filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }

  /** Syncs `files` with their server (a removed file is closed) and waits for current diagnostics. */
  #current(server: LanguageServer, files: readonly string[], signal: AbortSignal | undefined): Promise<Settled> {
    return this.client.withServer(server, async () => {
      const outcomes = await Promise.all(files.map((file) => server.documents.sync(file)));
      const open = files.filter((_, index) => outcomes[index]!.kind !== 'missing');
      const { diagnosticsTimeoutMs, quietMs } = this.client.options;
      return settle(server, open, {
        timeoutMs: diagnosticsTimeoutMs,
        quietMs,
        pullAll: true,
        ...(signal ? { signal } : {}),
      });
    });
  }

  #known(server: LanguageServer, file: string, diagnostics: readonly Diagnostic[]): KnownError[] {
    return knownErrors(diagnostics, server.documents.get(file)?.text);
  }

  #serversOf(paths: readonly string[]): Map<LanguageServer, string[]> {
    const groups = new Map<LanguageServer, string[]>();
    for (const file of paths) {
      const server = this.client.serverOf(file);
      if (!server) continue;
      const group = groups.get(server) ?? [];
      group.push(file);
      groups.set(server, group);
    }
    return groups;
  }
}
