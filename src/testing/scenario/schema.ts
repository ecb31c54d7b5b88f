/**
 * The scenario file format: a workspace, a policy, a prompt, a scripted model and what must come out,
 * validated with zod so a bad file fails with the path of every problem.
 *
 * A scenario (`scenarios/<name>.json`) has:
 * - `name` (snake_case, the file's name), `description`, `category`, and `pending: { issue?, reason }`
 *   for a feature icode does not have yet (reported pending, never run, never counted as passed);
 * - `workspace`: files to create (path → content, `{ symlink }`, or `{ repeat, times }` for big files),
 *   and `outside`: files of a sibling directory, for escape tests;
 * - `policy`: `mode` (`plan`, `read-only`, `workspace-write`, `full-access`; `plan` runs read-only with
 *   the plan instructions), `allow` / `ask` / `deny` rules, `approvals` (the approver's scripted answers, in
 *   order: `allow`, `allow-always`, `deny`, `{ decision: 'deny', feedback }`) and `resume` (answers given
 *   through `agent.resume` when the run pauses, which it does when there is no `approvals` list);
 * - `tools` (built-in tool names; all of `codingTools` by default), `plugins` (workspace folders installed
 *   as plugins, whose tools the agent gets too) and `agent` (`instructions`,
 *   `maxTurns`, `maxCostUsd`);
 * - `prompt` (and `followUps`, later runs in the same session; then `revert: { toTurn }`), and `model`: the scripted `steps` (as
 *   `MockStep`, with `{{result}}` slots filled from the tool results the model was sent),
 *   `contextWindow`, `pricing` (mock model only), `compaction` and `faults` (failed model calls the
 *   retries must get past);
 * - `expect`: `status`, `events` (an ordered subsequence of types or matchers), `eventCounts`, `text`,
 *   `files`, `usage`, `cost`, `compaction`, `turns`, `modelCalls`, `requests` (what the model was sent)
 *   and `error`; `expectOn` overrides keys of `expect` for one provider.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { MODES } from '../../policy/plan-mode.js';
import type { PermissionMode } from '../../policy/types.js';
import { CODING_TOOL_NAMES } from '../../tools/builtin/coding-tools.js';
import { expectSchema } from './expect-schema.js';
import { jsonValue, tokens } from './schema-parts.js';

export { SCENARIO_EVENT_TYPES } from './expect-schema.js';
export type { EventMatcher, ScenarioExpectation } from './expect-schema.js';

/**
 * The providers a scenario runs on: the in-process mock model, and each adapter over its mock wire server.
 *
 * @example
 * ```ts
 * for (const provider of SCENARIO_PROVIDERS) console.log((await runScenario(scenario, { provider })).status);
 * ```
 */
export const SCENARIO_PROVIDERS = ['mock', 'anthropic', 'openai', 'openai-responses', 'gemini', 'ollama'] as const;

/**
 * One of {@link SCENARIO_PROVIDERS}.
 *
 * @example
 * ```ts
 * const provider: ScenarioProvider = 'openai-responses';
 * ```
 */
export type ScenarioProvider = (typeof SCENARIO_PROVIDERS)[number];

const usageSchema = z.strictObject({
  inputTokens: tokens,
  outputTokens: tokens,
  cacheReadTokens: tokens.optional(),
  cacheWriteTokens: tokens.optional(),
});

/**
 * One scripted model turn, as {@link MockStep} without functions and errors. In `text`, `{{result}}` is
 * replaced by the outputs of the tool results the model was just sent (joined by ` / `), `{{result:2}}`
 * by the second of them and `{{result:read}}` by the one of the `read` tool: the answer then proves the
 * tool result made the round trip through the provider's wire format.
 */
const stepSchema = z.strictObject({
  text: z.string().optional(),
  reasoning: z.string().optional(),
  toolCalls: z
    .array(z.strictObject({ name: z.string().min(1), input: jsonValue, id: z.string().min(1).optional() }))
    .optional(),
  usage: usageSchema.optional(),
  finishReason: z.enum(['stop', 'length', 'tool-calls', 'content-filter', 'other']).optional(),
});

const approvalAnswer = z.union([
  z.enum(['allow', 'allow-always', 'deny']),
  z.strictObject({ decision: z.literal('deny'), feedback: z.string().min(1) }),
]);

const policySchema = z.strictObject({
  // Every mode the policy knows, so a mode added there is accepted here too.
  mode: z.enum(MODES as readonly [PermissionMode, ...PermissionMode[]]).optional(),
  allow: z.array(z.string()).optional(),
  ask: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
  /**
   * Answers of the approver, in order, one per `ask`. Without this list the policy has no approver and a
   * call that asks pauses the run.
   */
  approvals: z.array(approvalAnswer).optional(),
  /** Answers given through `agent.resume` to a paused run, one per pending approval, in order. */
  resume: z.array(approvalAnswer).optional(),
});

const compactionSchema = z.union([
  z.literal(false),
  z.strictObject({
    strategy: z.enum(['summarize', 'prune-tool-outputs']).optional(),
    threshold: z.number().gt(0).lte(1).optional(),
    keepRecentTurns: z.number().int().positive().optional(),
  }),
]);

const call = z.number().int().positive();

/**
 * A failure of one model call (1-based, failed calls counted), injected by the mock wire server, or thrown
 * by the mock model as the `ProviderError` the adapter would raise. A failed call takes no step: the
 * retry gets the answer the failed call would have had.
 */
const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('status'),
    call,
    status: z.number().int().min(400).max(599),
    /** The `retry-after` header, in seconds. */
    retryAfter: z.string().regex(/^\d+$/).optional(),
  }),
  z.strictObject({
    type: z.literal('stream-error'),
    call,
    kind: z.enum(['overloaded', 'server', 'rate-limit']).optional(),
  }),
  /** The connection drops before any output. */
  z.strictObject({ type: z.literal('cut'), call }),
]);

const modelSchema = z.strictObject({
  steps: z.array(stepSchema).min(1),
  /** Context window the model reports (the mock model, and every adapter's `contextWindow` setting). */
  contextWindow: z.number().int().positive().optional(),
  /** Prices of the mock model, which has no price table; the adapters price their model ids themselves. */
  pricing: z
    .strictObject({
      inputPerMTok: z.number().nonnegative(),
      outputPerMTok: z.number().nonnegative(),
      cacheReadPerMTok: z.number().nonnegative().optional(),
      cacheWritePerMTok: z.number().nonnegative().optional(),
    })
    .optional(),
  /** History compaction; `false` turns it off. @defaultValue the agent's default (on when a window is known) */
  compaction: compactionSchema.optional(),
  /** Failures of given model calls, which the agent's retries must get past. */
  faults: z.array(faultSchema).optional(),
});

const workspaceEntry = z.union([
  z.string(),
  z.strictObject({ symlink: z.string().min(1) }),
  /** A big file without a big scenario: `repeat` written `times` times. */
  z.strictObject({ repeat: z.string().min(1), times: z.number().int().positive().max(1_000_000) }),
]);

/**
 * The zod schema of a scenario file (see the module comment of each field). Unknown keys are errors, so a
 * typo never silently weakens a scenario.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * const jsonSchema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }); // for editors
 * const result = scenarioSchema.safeParse(JSON.parse(text));
 * ```
 */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9_]+$/, 'use snake_case: lower-case letters, digits and underscores'),
    description: z.string().min(1),
    category: z.string().min(1),
    /**
     * A scenario for a feature icode does not have yet: reported as pending, never run. `issue` is the
     * tracker issue it waits for, when one is open.
     */
    pending: z.strictObject({ issue: z.number().int().positive().optional(), reason: z.string().min(1) }).optional(),
    /**
     * Files of the workspace, path → content, `{ symlink: target }` (a relative target may point outside),
     * or `{ repeat, times }`.
     */
    workspace: z.record(z.string(), workspaceEntry).optional(),
    /** Files of a directory beside the workspace (`../outside/<path>` from its root), to test escapes. */
    outside: z.record(z.string(), z.string()).optional(),
    policy: policySchema.optional(),
    /** The built-in tools the agent gets. @defaultValue all of `codingTools` */
    tools: z.array(z.string()).optional(),
    /**
     * Plugin folders of the workspace, installed with `PluginManager` into a plugin directory beside it;
     * the agent gets their tools (`plugin__<name>__<tool>`) through `plugins()`.
     */
    plugins: z.array(z.string().min(1)).optional(),
    agent: z
      .strictObject({
        instructions: z.string().optional(),
        maxTurns: z.number().int().positive().optional(),
        maxCostUsd: z.number().positive().optional(),
      })
      .optional(),
    prompt: z.string().min(1),
    /** Further prompts, each a new run in the same session once the one before has completed. */
    followUps: z.array(z.string().min(1)).optional(),
    /**
     * After the prompts, `agent.revert` the session to the end of session turn `toTurn`, with workspace
     * snapshots on: `expect.files` then describes the reverted workspace, and when a prompt's run ended at
     * that turn, the session must hold exactly what it held then.
     */
    revert: z.strictObject({ toTurn: z.number().int().nonnegative() }).optional(),
    model: modelSchema,
    expect: expectSchema,
    /** Expectations that differ on one provider, merged key by key over `expect`. */
    expectOn: z.partialRecord(z.enum(SCENARIO_PROVIDERS), expectSchema).optional(),
    /** Time the whole scenario may take. @defaultValue 30000 */
    timeoutMs: z.number().int().positive().optional(),
  })
  .superRefine((scenario, ctx) => {
    // A pending scenario may name tools icode does not have yet (that is why it waits).
    if (scenario.pending || !scenario.tools) return;
    scenario.tools.forEach((name, index) => {
      if (!(CODING_TOOL_NAMES as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', index],
          message: `unknown tool "${name}"; built-in tools are ${CODING_TOOL_NAMES.join(', ')}`,
        });
      }
    });
  });

/**
 * A scenario, as validated by {@link scenarioSchema}.
 *
 * @example
 * ```ts
 * const scenario: Scenario = {
 *   name: 'read_file_roundtrip',
 *   description: 'The model reads a file and quotes it.',
 *   category: 'file-tools',
 *   workspace: { 'fixture.txt': 'alpha parity line\n' },
 *   policy: { mode: 'read-only' },
 *   tools: ['read'],
 *   prompt: 'What does fixture.txt say?',
 *   model: {
 *     steps: [
 *       { toolCalls: [{ name: 'read', input: { file_path: 'fixture.txt' } }] },
 *       { text: 'It says: {{result:read}}' },
 *     ],
 *   },
 *   expect: { status: 'completed', text: { includes: 'alpha parity line' } },
 * };
 * ```
 */
export type Scenario = z.infer<typeof scenarioSchema>;
/**
 * One scripted model turn of a scenario.
 *
 * @example
 * ```ts
 * const step: ScenarioStep = { text: 'Done: {{result}}', usage: { inputTokens: 1000, outputTokens: 500 } };
 * ```
 */
export type ScenarioStep = z.infer<typeof stepSchema>;
/**
 * A failure injected into one model call of a scenario.
 *
 * @example
 * ```ts
 * const faults: ScenarioFault[] = [{ type: 'status', status: 429, retryAfter: '0', call: 1 }];
 * ```
 */
export type ScenarioFault = z.infer<typeof faultSchema>;
/**
 * A scripted answer to an approval request.
 *
 * @example
 * ```ts
 * const answers: ScenarioApproval[] = ['allow', { decision: 'deny', feedback: 'Use the write tool.' }];
 * ```
 */
export type ScenarioApproval = z.infer<typeof approvalAnswer>;
