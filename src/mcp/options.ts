/**
 * The options of `mcpServers`: what servers to start and how to treat them.
 *
 * @packageDocumentation
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { LanguageModel } from '../model/language-model.js';

/**
 * Options every server takes, whatever its transport.
 *
 * @example
 * ```ts
 * const common: McpServerCommon = { startup: 'eager', timeoutMs: 30_000, excludeTools: ['delete_repo'] };
 * ```
 */
export interface McpServerCommon {
  /** `eager` starts the server when `mcpServers` is called; `lazy` when an agent first asks for tools. */
  readonly startup?: 'lazy' | 'eager';
  /** Timeout of one tool call, reset by each progress notification. @defaultValue the toolset's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Tool names to expose (the server's names); the others are left out. @defaultValue all */
  readonly includeTools?: readonly string[];
  /** Tool names to leave out (the server's names). */
  readonly excludeTools?: readonly string[];
  /** Whether `list_mcp_resources` and `read_mcp_resource` reach this server's resources. @defaultValue true */
  readonly resources?: boolean;
}

/**
 * A server started as a child process and spoken to over stdio. `env` is added to a minimal safe
 * environment (`HOME`, `PATH`, `USER`, …): secrets in this process's environment are not passed on.
 *
 * @example
 * ```ts
 * const fs: McpStdioServer = { command: 'npx', args: ['@modelcontextprotocol/server-filesystem', root] };
 * ```
 */
export interface McpStdioServer extends McpServerCommon {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/**
 * A remote server over Streamable HTTP, with a fallback to the older HTTP+SSE transport when the server
 * does not speak Streamable HTTP.
 *
 * @example
 * ```ts
 * const remote: McpHttpServer = { url: 'https://mcp.example.com/mcp', headers: { Authorization: `Bearer ${token}` } };
 * ```
 */
export interface McpHttpServer extends McpServerCommon {
  readonly url: string | URL;
  /** Sent with every request (static credentials, API keys). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The SDK's OAuth client provider, for servers that require OAuth; passed to the transport as is. */
  readonly authProvider?: OAuthClientProvider;
  /** `auto` tries Streamable HTTP, then SSE when the server answers 400, 404 or 405. @defaultValue 'auto' */
  readonly transport?: 'auto' | 'streamable-http' | 'sse';
}

/**
 * One server: a command to run, or a URL to reach.
 *
 * @example
 * ```ts
 * const servers: Record<string, McpServerConfig> = {
 *   fs: { command: 'mcp-server-filesystem', args: [root] },
 *   docs: { url: 'https://docs.example.com/mcp' },
 * };
 * ```
 */
export type McpServerConfig = McpStdioServer | McpHttpServer;

/**
 * How a failed server is restarted, and when it is given up on.
 *
 * @example
 * ```ts
 * const restart: McpRestartOptions = { maxRestarts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 };
 * ```
 */
export interface McpRestartOptions {
  /** Restarts in a row before the server is `degraded` and its tools are removed. @defaultValue 3 */
  readonly maxRestarts?: number;
  /** Wait before the first restart; doubled after each further failure. @defaultValue 500 */
  readonly initialDelayMs?: number;
  /** Cap on the wait between restarts. @defaultValue 10000 */
  readonly maxDelayMs?: number;
  /** A server that stayed up this long has its count of failures reset. @defaultValue 60000 */
  readonly stableAfterMs?: number;
}

/**
 * `sampling/createMessage` from servers, served by a model: off unless set. Each request's usage is added to
 * the run whose tool call was in progress on that server.
 *
 * @example
 * ```ts
 * const sampling: McpSamplingOptions = { maxOutputTokens: 1024, approve: (request) => request.maxTokens <= 1024 };
 * ```
 */
export interface McpSamplingOptions {
  /** The model to use. @defaultValue the model of the agent that uses the toolset */
  readonly model?: LanguageModel;
  /** Cap on the output tokens of one request, whatever the server asks. @defaultValue 4096 */
  readonly maxOutputTokens?: number;
  /** Decides on each request before the model is called (a person in the loop); `false` refuses it. */
  readonly approve?: (request: McpSamplingRequest) => boolean | Promise<boolean>;
}

/**
 * A sampling request as {@link McpSamplingOptions.approve} sees it.
 *
 * @example
 * ```ts
 * const approve = (request: McpSamplingRequest) => request.server === 'research' && request.maxTokens <= 2000;
 * ```
 */
export interface McpSamplingRequest {
  readonly server: string;
  readonly systemPrompt?: string;
  /** The messages' text, role by role. */
  readonly messages: readonly { readonly role: 'user' | 'assistant'; readonly text: string }[];
  readonly maxTokens: number;
}

/**
 * An `elicitation/create` request: a server asks the user for input, as a form or by sending them to a URL.
 *
 * @example
 * ```ts
 * const onElicitation = async (request: McpElicitationRequest) =>
 *   request.mode === 'form' ? { action: 'accept' as const, content: await askUser(request) } : { action: 'decline' as const };
 * ```
 */
export interface McpElicitationRequest {
  readonly server: string;
  readonly mode: 'form' | 'url';
  readonly message: string;
  /** For `form`: the JSON Schema of the fields to fill in (flat object of primitive fields). */
  readonly requestedSchema?: Record<string, unknown>;
  /** For `url`: where to send the user. */
  readonly url?: string;
  readonly signal: AbortSignal;
}

/**
 * The user's answer to an elicitation.
 *
 * @example
 * ```ts
 * const answer: McpElicitationResult = { action: 'accept', content: { name: 'Ada', subscribe: true } };
 * ```
 */
export interface McpElicitationResult {
  readonly action: 'accept' | 'decline' | 'cancel';
  /** The form's values, with `accept`. */
  readonly content?: Record<string, string | number | boolean | string[]>;
}

/**
 * Options of {@link mcpServers}.
 *
 * @example
 * ```ts
 * const options: McpServersOptions = {
 *   servers: { fs: { command: process.execPath, args: [serverPath, root] } },
 *   timeoutMs: 30_000,
 *   onElicitation: async (request) => ({ action: 'decline' }),
 * };
 * ```
 */
export interface McpServersOptions {
  /** The servers, by name; tools are named `mcp__<name>__<tool>`. Names: letters, digits, `-`, single `_`. */
  readonly servers: Readonly<Record<string, McpServerConfig>>;
  /** Names the toolset in events. @defaultValue 'mcp' */
  readonly name?: string;
  /** When servers start, unless a server says otherwise. @defaultValue 'lazy' */
  readonly startup?: 'lazy' | 'eager';
  /** Timeout of one tool call, reset by each progress notification. @defaultValue 120000 */
  readonly timeoutMs?: number;
  /** Timeout of starting a server (spawn or connect, `initialize`, first tool list). @defaultValue 30000 */
  readonly connectTimeoutMs?: number;
  readonly restart?: McpRestartOptions;
  /** Serve `sampling/createMessage` with a model. @defaultValue off */
  readonly sampling?: boolean | McpSamplingOptions;
  /** Answers `elicitation/create`; without it every elicitation is declined. */
  readonly onElicitation?: (request: McpElicitationRequest) => McpElicitationResult | Promise<McpElicitationResult>;
  /** Expose `list_mcp_resources` and `read_mcp_resource` when a server has resources. @defaultValue true */
  readonly resourceTools?: boolean;
  /** How this client introduces itself in `initialize`. @defaultValue `{ name: 'icode', version }` */
  readonly clientInfo?: { readonly name: string; readonly version: string };
}
