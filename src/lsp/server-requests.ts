/**
 * Answers to what a server asks of the client. Servers block on some of these (tsserver waits for
 * `workspace/configuration` before its first diagnostics), so each gets a prompt, harmless answer; the
 * client never lets a server edit files (`workspace/applyEdit` is refused).
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { JsonValue } from '../model/message.js';
import type { PublishDiagnosticsParams } from './protocol.js';

/** What the handlers need from their server. */
export interface ServerRequestContext {
  /** `[{ uri, name }]` of the workspace root. */
  readonly workspaceFolders: readonly { readonly uri: string; readonly name: string }[];
  readonly settings?: Readonly<Record<string, JsonValue>>;
  onDiagnostics(params: PublishDiagnosticsParams): void;
  /** The server asked to refresh pull diagnostics: what it reported before is stale. */
  onDiagnosticsRefresh(): void;
}

/** Installs the handlers on `connection` (before `listen()`). */
export function handleServerRequests(connection: MessageConnection, context: ServerRequestContext): void {
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    if (params && typeof params.uri === 'string' && Array.isArray(params.diagnostics)) context.onDiagnostics(params);
  });
  // Logs, progress and telemetry are not needed; a notification without a handler is dropped.
  connection.onNotification(() => undefined);
  connection.onRequest((method: string, params: unknown) => {
    switch (method) {
      case 'workspace/configuration':
        return configurationItems(params).map((section) => settingFor(context.settings, section));
      case 'workspace/workspaceFolders':
        return context.workspaceFolders;
      case 'workspace/applyEdit':
        return { applied: false, failureReason: 'This client does not let language servers edit files.' };
      case 'workspace/diagnostic/refresh':
        context.onDiagnosticsRefresh();
        return null;
      default:
        // Progress tokens, capability registrations, refresh requests, message prompts: null is a valid
        // answer to each, and to unknown requests null is safer than an error, which makes some servers
        // retry in a loop.
        return null;
    }
  });
}

function configurationItems(params: unknown): (string | undefined)[] {
  const items = (params as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.map((item) => {
    const section = (item as { section?: unknown } | null)?.section;
    return typeof section === 'string' ? section : undefined;
  });
}

/** The value at a dotted `section` of the settings (`typescript.format`), or null. */
function settingFor(settings: Readonly<Record<string, JsonValue>> | undefined, section: string | undefined): JsonValue {
  if (!settings) return null;
  if (section === undefined) return settings as JsonValue;
  let value: JsonValue | undefined = settings as JsonValue;
  for (const key of section.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, JsonValue>)[key];
  }
  return value ?? null;
}
