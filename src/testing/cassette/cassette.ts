/**
 * `cassette()`: record the HTTP traffic of a run once, replay it offline ever after (the VCR style of
 * testing, over nock). It sits under the official SDKs, so the real adapters, their request building and
 * their stream parsing are what a replayed test runs.
 *
 * @packageDocumentation
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors/config-error.js';
import { envVar } from '../../providers/shared/load-sdk.js';
import { addModelRequestPass } from '../../providers/shared/model-requests.js';
import { jsonDiff } from './diff.js';
import { forward, mismatchReply, replay, type Intercepted, type Reply } from './exchange.js';
import {
  parseBody,
  redactFields,
  redaction,
  redactPath,
  requestKey,
  scrub,
  secretValues,
  storedRequestHeaders,
  type CassetteFile,
  type CassetteInteraction,
  type Redaction,
} from './format.js';
import { activate } from './intercept.js';
import { loadNock } from './load-nock.js';

/** How a cassette treats traffic: see {@link cassette}. */
export type CassetteMode = 'record' | 'replay' | 'auto';

/** Options of {@link cassette}. */
export interface CassetteOptions {
  /** The JSON file (created by `record`, read by `replay`, both by `auto`). */
  readonly path: string;
  /** @defaultValue 'auto' */
  readonly mode?: CassetteMode;
  /**
   * Extra names to redact, as headers, query parameters and JSON body fields at any depth (API keys and
   * auth headers always are).
   */
  readonly redact?: readonly string[];
  /**
   * Where recorded requests really go, instead of their own origin: a mock wire server or a proxy. The
   * cassette still records the origin the client asked for, so it replays for the real API's URL.
   */
  readonly upstream?: string;
  /** Record each chunk's delay, and replay with it. @defaultValue false */
  readonly timing?: boolean;
  /**
   * Whether `auto` may record what the file lacks. @defaultValue true when a provider key is set
   * (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `GEMINI_API_KEY`, `GOOGLE_API_KEY`)
   */
  readonly canRecord?: boolean;
  /**
   * Parts of a request that may differ from the recording and still match: each pattern is replaced in
   * both bodies (as canonical JSON text) before they are compared. For what a run measures afresh, such
   * as the duration a bash result reports: `ignore: [/\d+ ms\b/g]`. The cassette stores requests as sent.
   */
  readonly ignore?: readonly RegExp[];
}

/** A request the cassette has no recording of; the message holds a diff against the closest one. */
export class CassetteMismatchError extends Error {
  override readonly name = 'CassetteMismatchError';
}

/** A cassette in use. */
export interface Cassette {
  readonly path: string;
  readonly mode: CassetteMode;
  /** The interactions the file will hold: those read, then those recorded. */
  readonly interactions: readonly CassetteInteraction[];
  /** The requests that matched no recording, in order. */
  readonly mismatches: readonly CassetteMismatchError[];
  /**
   * Stops intercepting, writes the file when anything was recorded (secrets scrubbed), and throws the
   * first mismatch, so a test fails even when the run swallowed the error.
   */
  stop(): Promise<void>;
}

const KEY_VARIABLES = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'];

async function readCassette(path: string, required: boolean): Promise<CassetteInteraction[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as { code?: string }).code === 'ENOENT') return [];
    throw new ConfigError(`cassette: cannot read ${path} (record it first with mode 'record').`, { cause: error });
  }
  const file = JSON.parse(text) as CassetteFile;
  if (file.version !== 1 || !Array.isArray(file.interactions)) {
    throw new ConfigError(`cassette: ${path} is not a version 1 cassette.`);
  }
  return [...file.interactions];
}

/** `request` sent to `upstream`'s origin instead of its own. */
function upstreamOf(request: Intercepted, upstream: string | undefined): Intercepted {
  if (upstream === undefined) return request;
  const url = new URL(request.url);
  const target = new URL(upstream);
  url.protocol = target.protocol;
  url.host = target.host;
  return { ...request, url: url.toString() };
}

const keyOf = (
  request: { method: string; path: string; body?: unknown },
  rules: Redaction,
  ignore: readonly RegExp[],
): string =>
  ignore.reduce(
    (key, pattern) => key.replace(pattern, '<ignored>'),
    requestKey(request.method, redactPath(request.path, rules), redactFields(request.body, rules)),
  );

/** The message of a request no recording matches: a diff against the closest unplayed one. */
function mismatchMessage(path: string, sent: CassetteInteraction['request'], left: CassetteInteraction[]): string {
  const head = `Cassette ${path} has no recording of ${sent.method} ${sent.path} with this body.`;
  const closest = left.find((i) => i.request.method === sent.method && i.request.path === sent.path) ?? left[0];
  if (closest === undefined) return `${head} Every recording was already played.`;
  const recorded = { method: closest.request.method, path: closest.request.path, body: closest.request.body };
  const diff = jsonDiff(recorded, { method: sent.method, path: sent.path, body: sent.body });
  return `${head}\nClosest recording (- recorded, + sent):\n${diff}`;
}

/**
 * Starts a cassette: until `stop()`, the HTTP requests of this process are answered from (or recorded
 * into) the JSON file at `path`.
 *
 * - `record`: every request goes to its real server; requests and streamed responses are saved chunk by
 *   chunk (API keys, auth headers and the `redact` names replaced by `[REDACTED]`).
 * - `replay`: offline. Requests to the recorded origins are matched on method, path and body (JSON
 *   compared in canonical form); one no recording matches fails with a 400 whose message, like the
 *   `CassetteMismatchError` of `stop()`, shows a diff of what was sent against the closest recording.
 * - `auto`: replays what the file holds and records what it lacks when a key is set (`canRecord`).
 *
 * Model requests a cassette answers pass `disallowModelRequests()`. Needs `nock` 14 (a dev dependency
 * of yours).
 *
 * @example
 * ```ts
 * const tape = await cassette({ path: 'test/cassettes/fix-bug.json', mode: 'replay' });
 * try {
 *   const result = await agent.run('Fix the failing test').result;
 *   expect(result.status).toBe('completed');
 * } finally {
 *   await tape.stop();
 * }
 * ```
 */
export async function cassette(options: CassetteOptions): Promise<Cassette> {
  const mode = options.mode ?? 'auto';
  if (!['record', 'replay', 'auto'].includes(mode)) {
    throw new ConfigError(`cassette: mode must be 'record', 'replay' or 'auto', got ${JSON.stringify(mode)}.`);
  }
  const nock = await loadNock();
  const rules = redaction(options.redact);
  const timing = options.timing ?? false;
  // A global pattern replaces every occurrence; a pattern without the flag would replace only the first.
  const ignore = (options.ignore ?? []).map((pattern) =>
    pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`),
  );
  const interactions = mode === 'record' ? [] : await readCassette(options.path, mode === 'replay');
  const canRecord =
    mode === 'record' || (mode === 'auto' && (options.canRecord ?? KEY_VARIABLES.some((v) => envVar(v))));
  const played = new Set<number>();
  const mismatches: CassetteMismatchError[] = [];
  const secrets = new Set<string>();
  let recorded = false;

  async function answer(request: Intercepted): Promise<Reply> {
    const url = new URL(request.url);
    const stored: CassetteInteraction['request'] = {
      method: request.method,
      origin: url.origin,
      path: redactPath(`${url.pathname}${url.search}`, rules),
      headers: storedRequestHeaders(request.headers, rules),
      ...(request.body !== undefined ? { body: redactFields(parseBody(request.body), rules) } : {}),
    };
    for (const secret of secretValues(request.headers, rules)) secrets.add(secret);
    const key = keyOf(stored, rules, ignore);
    const index =
      mode === 'record'
        ? -1
        : interactions.findIndex((i, n) => !played.has(n) && keyOf(i.request, rules, ignore) === key);
    if (index >= 0) {
      played.add(index);
      return replay(interactions[index]!, timing);
    }
    if (canRecord) {
      const { reply, response } = await forward(upstreamOf(request, options.upstream), rules, timing);
      played.add(interactions.push({ request: stored, response }) - 1);
      recorded = true;
      return reply;
    }
    const left = interactions.filter((_, n) => !played.has(n));
    const error = new CassetteMismatchError(mismatchMessage(options.path, stored, left));
    mismatches.push(error);
    return mismatchReply(error.message);
  }

  const origins = new Set(interactions.map((i) => i.request.origin));
  const hosts = new Set(interactions.map((i) => new URL(i.request.origin).host));
  const stopIntercepting = activate(nock, {
    path: options.path,
    accepts: (host) => canRecord || hosts.has(host) || hosts.has(host.replace(/:(80|443)$/, '')),
    answer,
  });
  const removePass = addModelRequestPass((url) => canRecord || origins.has(url.origin));

  return {
    path: options.path,
    mode,
    interactions,
    mismatches,
    async stop() {
      stopIntercepting();
      removePass();
      if (recorded) {
        const file: CassetteFile = { version: 1, interactions };
        await mkdir(dirname(options.path), { recursive: true });
        await writeFile(options.path, `${scrub(JSON.stringify(file, null, 2), secrets)}\n`);
      }
      if (mismatches[0]) throw mismatches[0];
    },
  };
}
