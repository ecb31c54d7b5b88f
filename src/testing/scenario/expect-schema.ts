/**
 * The `expect` part of a scenario: what a run must produce.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { jsonValue, tokens } from './schema-parts.js';

/**
 * Every event type of a run, in the order the events of one turn usually come: what `expect.events` and
 * `expect.eventCounts` accept.
 *
 * @example
 * ```ts
 * SCENARIO_EVENT_TYPES.includes('compaction'); // true
 * ```
 */
export const SCENARIO_EVENT_TYPES = [
  'run-start',
  'turn-start',
  'reasoning-delta',
  'text-delta',
  'tool-call',
  'permission-request',
  'permission-decision',
  'tool-result',
  'turn-end',
  'compaction',
  'retry',
  'session-lock-wait',
  'snapshot-warning',
  'run-end',
] as const;

const TOOL_ERROR_CODES = [
  'PERMISSION_DENIED',
  'WORKSPACE_ESCAPE',
  'TOOL_NOT_FOUND',
  'TOOL_INPUT_INVALID',
  'TOOL_EXECUTION_FAILED',
  'TOOL_TIMEOUT',
  'ABORTED',
] as const;

const eventMatcherSchema = z.strictObject({
  type: z.enum(SCENARIO_EVENT_TYPES),
  /** Tool name (tool-call, tool-result, permission-request). */
  name: z.string().optional(),
  /** The exact tool input, deep-equal (tool-call, permission-request). */
  input: jsonValue.optional(),
  isError: z.boolean().optional(),
  errorCode: z.enum(TOOL_ERROR_CODES).optional(),
  /** A substring of the output (a JSON output is matched as its JSON text). */
  outputIncludes: z.string().optional(),
  decision: z.enum(['allow', 'deny']).optional(),
  source: z.enum(['mode', 'rule', 'approver', 'hook']).optional(),
  reasonIncludes: z.string().optional(),
  /** Compaction strategy name. */
  strategy: z.string().optional(),
  /** Compaction: the context measured before it, at least. */
  tokensBeforeAtLeast: z.number().int().nonnegative().optional(),
  /** Compaction: the context left after it, at most. */
  tokensAfterAtMost: z.number().int().nonnegative().optional(),
});

const countSchema = z.union([
  z.number().int().nonnegative(),
  z.strictObject({
    atLeast: z.number().int().nonnegative().optional(),
    atMost: z.number().int().nonnegative().optional(),
  }),
]);

const tokenExpectation = z.union([tokens, z.strictObject({ atLeast: tokens.optional(), equals: tokens.optional() })]);

export const expectSchema = z.strictObject({
  status: z.enum(['completed', 'max-turns', 'aborted', 'paused', 'incomplete', 'failed']).optional(),
  /** An ordered subsequence of the run's events: a type, or a matcher. */
  events: z
    .array(
      z.union([z.enum(SCENARIO_EVENT_TYPES), eventMatcherSchema], {
        error: (issue) =>
          typeof issue.input === 'string'
            ? `unknown event type ${JSON.stringify(issue.input)}; event types are ${SCENARIO_EVENT_TYPES.join(', ')}`
            : undefined,
      }),
    )
    .optional(),
  /** How many events of each type: exactly, or within bounds. */
  eventCounts: z.partialRecord(z.enum(SCENARIO_EVENT_TYPES), countSchema).optional(),
  /** The final text: exactly this string, or `{ equals, includes, excludes }`. */
  text: z
    .union([
      z.string(),
      z.strictObject({
        equals: z.string().optional(),
        includes: z.union([z.string(), z.array(z.string())]).optional(),
        excludes: z.union([z.string(), z.array(z.string())]).optional(),
      }),
    ])
    .optional(),
  /** Workspace files after the run: exact content, or `null` for a file that must not exist. */
  files: z.record(z.string(), z.string().nullable()).optional(),
  usage: z
    .strictObject({
      inputTokens: tokenExpectation.optional(),
      outputTokens: tokenExpectation.optional(),
      cacheReadTokens: tokenExpectation.optional(),
      cacheWriteTokens: tokenExpectation.optional(),
    })
    .optional(),
  cost: z
    .strictObject({
      present: z.boolean().optional(),
      greaterThan: z.number().optional(),
      equals: z.number().optional(),
    })
    .optional(),
  /** Whether history compaction fired (it must also have made the context smaller). */
  compaction: z.boolean().optional(),
  /** Model calls of the run(s) that are turns (`result.turns`, summed over resumed runs). */
  turns: z.number().int().nonnegative().optional(),
  /** Every call the model received, compaction summaries included. */
  modelCalls: z.number().int().nonnegative().optional(),
  /** What the model was sent: request `call` (1-based) contains these strings, and not those. */
  requests: z
    .array(
      z.strictObject({
        call: z.number().int().positive(),
        includes: z.array(z.string()).optional(),
        excludes: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  /** The run must fail with this error code (and message substring); `null` (in `expectOn`): must not fail. */
  error: z.strictObject({ code: z.string().optional(), messageIncludes: z.string().optional() }).nullable().optional(),
});

/**
 * What a scenario expects.
 *
 * @example
 * ```ts
 * const expectation: ScenarioExpectation = {
 *   status: 'completed',
 *   events: ['tool-call', { type: 'tool-result', name: 'write', isError: true, errorCode: 'PERMISSION_DENIED' }],
 *   files: { 'generated/denied.txt': null },
 * };
 * ```
 */
export type ScenarioExpectation = z.infer<typeof expectSchema>;
/**
 * A matcher of one event in `expect.events`: every field given must match.
 *
 * @example
 * ```ts
 * const matcher: EventMatcher = { type: 'tool-result', name: 'read', isError: false, outputIncludes: 'alpha' };
 * ```
 */
export type EventMatcher = z.infer<typeof eventMatcherSchema>;
