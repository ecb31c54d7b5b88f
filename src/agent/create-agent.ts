import { ConfigError } from '../errors/config-error.js';
import { createId } from '../internal/ids.js';
import { createPolicy } from '../policy/create-policy.js';
import type { Policy } from '../policy/types.js';
import type { AdditionalDirectory, Sandbox } from '../sandbox/types.js';
import { memoryStore } from '../stores/memory-store.js';
import { Run } from './agent-run.js';
import { lockTimeout, positiveInteger, resolveCompaction, type AgentConfig } from './config.js';
import { forkSession, revertSession } from './revert.js';
import { repeatGuard } from './repeat-guard.js';
import { RunContext } from './run-context.js';
import { inputMessages, type RunInput } from './run-input.js';
import { runLoop, type RunStart } from './run-loop.js';
import { runSettings, type SettingsInput } from './run-settings.js';
import { stopConditions } from './stop-conditions.js';
import { outputSpec } from './structured-output.js';
import { registerAgent } from './subagent/agent-registry.js';
import { agentTools } from './toolsets.js';
import { DEFAULT_MAX_TURN_OUTPUT_CHARS, toolInputDepth } from './turn-limits.js';
import type { Agent, AgentOptions, AgentRun, ResumeOptions, RunOptions } from './types.js';

/**
 * Creates an agent: a model, tools, a permission policy and a session store, ready to run.
 *
 * @example
 * ```ts
 * import { createAgent, tool } from 'icode';
 * import { anthropic } from 'icode/providers/anthropic';
 * import { codingTools } from 'icode/tools';
 *
 * const agent = createAgent({
 *   provider: anthropic({ model: 'claude-sonnet-4-6' }),
 *   instructions: 'You are a careful coding agent.',
 *   tools: codingTools({ root: process.cwd() }),
 *   policy: { mode: 'workspace-write', allow: ['Bash(npm test:*)'] },
 * });
 * const run = agent.run('Fix the failing test');
 * for await (const event of run) if (event.type === 'text-delta') process.stdout.write(event.text);
 * console.log((await run.result).status);
 * ```
 * `TContext` types the `context` runs take (`agent.run(input, { context })`); `TOutput` the structured
 * `result.output`, inferred from the `output` schema. Given explicitly, `TContext` stops that inference (as
 * TypeScript infers all type arguments or none): write `createAgent<Ctx, z.infer<typeof schema>>(…)`.
 *
 * @throws ConfigError for a missing provider, duplicate tool names, a malformed policy rule, a
 * non-positive limit (or a `repeatLimit` below 2), an `output` that is not a zod schema, or a malformed
 * `stopWhen`.
 */
export function createAgent<TContext = unknown, TOutput = unknown>(
  options: AgentOptions<TContext, TOutput>,
): Agent<TContext, TOutput> {
  const provider = options?.provider;
  if (!provider || typeof provider.stream !== 'function') {
    throw new ConfigError(
      'createAgent needs `provider`: a LanguageModel such as anthropic({ model }) or mockProvider(steps).',
    );
  }
  if (options.maxCostUsd !== undefined && !provider.pricing) {
    throw new ConfigError(
      `maxCostUsd needs the model's prices, and ${provider.provider}/${provider.modelId} has none: set \`pricing\` on the provider.`,
    );
  }
  const { tools, toolsets } = agentTools(options.tools ?? []);
  const defaults = agentRunDefaults(options);
  const policy: Policy = isPolicy(options.policy) ? options.policy : createPolicy(options.policy ?? {});
  let sandbox: Promise<Sandbox> | undefined = options.sandbox ? Promise.resolve(options.sandbox) : undefined;
  const config: AgentConfig = {
    options: options as AgentOptions,
    runDefaults: defaults,
    tools,
    modelTools: [...tools.values()].map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    })),
    ...(toolsets ? { toolsets } : {}),
    policy,
    store: options.store ?? memoryStore(),
    lockTimeoutMs: lockTimeout(options.lockTimeoutMs),
    maxTurns: positiveInteger('maxTurns', options.maxTurns, 50),
    maxParallelTools: positiveInteger('maxParallelTools', options.maxParallelTools, 8),
    maxToolOutputChars: positiveInteger('maxToolOutputChars', options.maxToolOutputChars, 50_000),
    maxTurnOutputChars: positiveInteger(
      'maxTurnOutputChars',
      options.maxTurnOutputChars,
      DEFAULT_MAX_TURN_OUTPUT_CHARS,
    ),
    maxToolInputDepth: toolInputDepth(options.maxToolInputDepth),
    eventBufferSize: positiveInteger('eventBufferSize', options.eventBufferSize, 256),
    name: options.name ?? 'agent',
    repeatGuard: repeatGuard(options.repeatLimit),
    compaction: resolveCompaction(options.compaction, provider.contextWindow),
    sandbox: () => (sandbox ??= defaultSandbox(policyGrant(options.policy))),
  };

  const start = <TRunOutput>(
    sessionId: string,
    begin: RunStart,
    runOptions: { signal?: AbortSignal; maxTurns?: number },
    settings: SettingsInput,
    metadata?: RunOptions['metadata'],
  ): AgentRun<TRunOutput> => {
    const maxTurns = positiveInteger('maxTurns', runOptions.maxTurns, config.maxTurns);
    const ctx = new RunContext(config, createId('run'), sessionId);
    ctx.settings = runSettings(settings, toolsets ? undefined : tools);
    const body = (): ReturnType<typeof runLoop> => runLoop(ctx, begin, maxTurns, metadata);
    const run = new Run(ctx, toolsets ? () => toolsets.prepare(ctx).then(body) : body, runOptions.signal);
    // The result's `output` is what the run's schema validated, so it has the schema's type.
    return run as AgentRun as AgentRun<TRunOutput>;
  };

  const agent: Agent<TContext, TOutput> = {
    provider,
    get tools() {
      return [...tools.values()];
    },
    store: config.store,
    policy,
    run(input: RunInput, runOptions: RunOptions<TContext, unknown> = {}) {
      const messages = inputMessages(input);
      const sessionId = runOptions.sessionId ?? createId('ses');
      const begin: RunStart = { kind: 'input', messages, newSession: runOptions.sessionId === undefined };
      const settings = withDefaults(defaults, runOptions);
      return start(sessionId, begin, runOptions, settings, runOptions.metadata);
    },
    revert: (sessionId, revertOptions) => revertSession(config.store, options.snapshots, sessionId, revertOptions),
    fork: (sessionId, forkOptions) => forkSession(config.store, sessionId, forkOptions),
    close: () => toolsets?.close() ?? Promise.resolve(),
    resume(sessionId: string, resumeOptions: ResumeOptions<TContext, unknown> = {}) {
      const { approvals } = resumeOptions;
      if (approvals !== undefined) checkApprovals(approvals);
      const settings = withDefaults(defaults, resumeOptions);
      return start(sessionId, approvals ? { kind: 'resume', approvals } : { kind: 'resume' }, resumeOptions, settings);
    },
  };
  registerAgent(agent, config);
  return agent;
}

/** Checks the shape of `resume`'s approvals: an object of answers, each bare or `{ answer, digest }`. */
function checkApprovals(approvals: unknown): void {
  if (typeof approvals !== 'object' || approvals === null || Array.isArray(approvals)) {
    throw new ConfigError('resume: `approvals` must map each pending tool call id to a decision.');
  }
  for (const [id, given] of Object.entries(approvals)) {
    if (typeof given === 'object' && given !== null && 'answer' in given) {
      const { digest } = given as { digest?: unknown };
      if (typeof digest !== 'string' || digest === '') {
        throw new ConfigError(
          `resume: the answer for ${id} is given as { answer, digest }, so \`digest\` must be the digest of the permission request.`,
        );
      }
    }
  }
}

let shared: { readonly key: string; readonly sandbox: Promise<Sandbox> } | undefined;

/**
 * `autoSandbox({ root })` on the policy's `root`, else on `process.cwd()` (one root for the policy and the
 * tools), shared by the agents of a process while the working directory stays the same: bubblewrap where it
 * works (commands contained, no network), else `localSandbox` with a one-time `ICODE_NO_OS_SANDBOX`
 * warning. Sandboxes are Node-only: loaded on first use, so importing icode stays runtime-neutral.
 */
function defaultSandbox(grant: SandboxGrant): Promise<Sandbox> {
  const root = grant.root ?? process.cwd();
  const key = JSON.stringify([root, grant.additionalDirectories ?? []]);
  if (shared?.key !== key) {
    const additional = grant.additionalDirectories ? { additionalDirectories: grant.additionalDirectories } : {};
    shared = {
      key,
      sandbox: import('../sandbox/auto-sandbox.js').then(({ autoSandbox }) => autoSandbox({ root, ...additional })),
    };
  }
  return shared.sandbox;
}

/** What policy options grant the default sandbox: their root and additional directories. */
interface SandboxGrant {
  readonly root?: string;
  readonly additionalDirectories?: readonly AdditionalDirectory[];
}

/**
 * The `root` and `additionalDirectories` of policy options (not of a ready-made Policy, which judges against
 * the sandbox it is given), so the default sandbox reaches what the policy grants.
 */
function policyGrant(value: AgentOptions['policy']): SandboxGrant {
  if (!value || isPolicy(value)) return {};
  const { root, additionalDirectories } = value as SandboxGrant;
  return { ...(root !== undefined ? { root } : {}), ...(additionalDirectories ? { additionalDirectories } : {}) };
}

function isPolicy(value: AgentOptions['policy']): value is Policy {
  return typeof (value as Policy | undefined)?.decide === 'function';
}

/** A run's settings: its own options over the agent's defaults. */
function withDefaults<TContext>(
  defaults: SettingsInput,
  options: Pick<RunOptions<TContext>, 'context' | 'output' | 'toolChoice' | 'stopWhen'>,
): SettingsInput {
  return {
    ...defaults,
    context: options.context,
    ...(options.output !== undefined ? { output: outputSpec(options.output) } : {}),
    ...(options.toolChoice !== undefined ? { toolChoice: options.toolChoice } : {}),
    ...(options.stopWhen !== undefined ? { stopWhen: options.stopWhen } : {}),
  };
}

/** The agent's `output` and `stopWhen`, checked once: every run starts from them. */
function agentRunDefaults(options: AgentOptions<never, unknown>): SettingsInput {
  const stopWhen = options.stopWhen;
  stopConditions(stopWhen);
  return {
    ...(options.output !== undefined ? { output: outputSpec(options.output) } : {}),
    ...(stopWhen !== undefined ? { stopWhen } : {}),
  };
}
