/**
 * The agent's hooks as the loop uses them: the list given to `createAgent` (one object or several),
 * checked once per agent, and the context each hook call gets.
 */
import { ConfigError } from '../errors/config-error.js';
import type { UserMessage } from '../model/message.js';
import { contextTokens } from './compaction/maybe-compact.js';
import type { AgentHooks, Guardrail, HookContext, PromptInfo, RunOutput } from './hooks.js';
import type { RunContext } from './run-context.js';
import type { AgentOptions } from './types.js';

/** A guardrail with the name it reports. */
export interface NamedGuardrail<TInput> extends Guardrail<TInput> {
  readonly runInParallel: boolean;
}

/** The hooks of one agent, in the order they run. */
export interface HookSet {
  readonly list: readonly AgentHooks[];
  readonly input: readonly NamedGuardrail<PromptInfo>[];
  readonly output: readonly NamedGuardrail<RunOutput>[];
  /** Whether any object has this hook (so the loop pays nothing for hook points nobody uses). */
  has(point: HookPoint): boolean;
}

/** A hook point: the name of a method of {@link AgentHooks}. */
export type HookPoint = Exclude<keyof AgentHooks, 'name' | 'guardrails' | 'inputGuardrail' | 'outputGuardrail'>;

const cache = new WeakMap<AgentOptions, HookSet | null>();

/** The agent's hooks, resolved once per agent; `undefined` when it has none. */
export function hookSet(options: AgentOptions): HookSet | undefined {
  let set = cache.get(options);
  if (set === undefined) {
    set = resolve(options.hooks);
    cache.set(options, set);
  }
  return set ?? undefined;
}

function resolve(hooks: AgentOptions['hooks']): HookSet | null {
  if (hooks === undefined) return null;
  const list = (Array.isArray(hooks) ? hooks : [hooks]) as readonly AgentHooks[];
  list.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`hooks[${index}] must be an object of hook functions, got ${typeof entry}.`);
    }
  });
  if (list.length === 0) return null;
  const input: NamedGuardrail<PromptInfo>[] = [];
  const output: NamedGuardrail<RunOutput>[] = [];
  for (const entry of list) {
    if (entry.inputGuardrail) {
      const check = entry.inputGuardrail.bind(entry);
      input.push({ name: hookName(entry, 'inputGuardrail'), runInParallel: true, check });
    }
    if (entry.outputGuardrail) {
      const check = entry.outputGuardrail.bind(entry);
      output.push({ name: hookName(entry, 'outputGuardrail'), runInParallel: false, check });
    }
    for (const guard of guardList(entry.guardrails?.input, 'input')) input.push(checked(guard, 'input'));
    for (const guard of guardList(entry.guardrails?.output, 'output')) output.push(checked(guard, 'output'));
  }
  // Looked up on the object (not its own keys), so a class instance's methods count too.
  return { list, input, output, has: (point) => list.some((entry) => typeof entry[point] === 'function') };
}

function guardList<T>(guards: readonly Guardrail<T>[] | undefined, kind: 'input' | 'output'): readonly Guardrail<T>[] {
  if (guards === undefined) return [];
  if (!Array.isArray(guards)) throw new ConfigError(`guardrails.${kind} must be an array of guardrails.`);
  return guards;
}

function checked<T>(guard: Guardrail<T>, kind: 'input' | 'output'): NamedGuardrail<T> {
  if (typeof guard?.check !== 'function' || typeof guard.name !== 'string' || guard.name === '') {
    throw new ConfigError(`Every ${kind} guardrail needs a non-empty \`name\` and a \`check\` function.`);
  }
  return {
    name: guard.name,
    runInParallel: kind === 'input' && guard.runInParallel !== false,
    check: guard.check.bind(guard),
  };
}

/** The name a hook object reports in warnings and errors. */
export function hookName(hooks: AgentHooks, point: string): string {
  return hooks.name ?? point;
}

/** The context of one hook call: the run's, and a `warn` that names the hook. */
export function hookContext(ctx: RunContext, hook: string, point: string): HookContext {
  const { config } = ctx;
  const contextWindow = config.compaction?.contextWindow ?? config.options.provider.contextWindow;
  const mode = config.policy.mode;
  return {
    sessionId: ctx.sessionId,
    runId: ctx.runId,
    ...(ctx.settings.context !== undefined ? { context: ctx.settings.context } : {}),
    agentName: config.name,
    signal: ctx.signal,
    get state() {
      return ctx.state;
    },
    ...(mode !== undefined ? { permissionMode: mode } : {}),
    get turns() {
      return ctx.turns;
    },
    get usage() {
      return { ...ctx.usage };
    },
    get contextTokens() {
      return contextTokens(ctx);
    },
    ...(contextWindow !== undefined ? { contextWindow } : {}),
    warn: (message: string) =>
      void ctx.emit({ type: 'hook-warning', hook, point, message: String(message), runId: ctx.runId }),
  };
}

/** The text parts of a user message, joined. */
export function promptText(message: UserMessage): string {
  return message.content
    .filter((part) => part.type === 'text')
    .map((part) => (part as { text: string }).text)
    .join('\n');
}

/** A user message with the hooks' context added as text parts after the input. */
export function withContext(message: UserMessage, contexts: readonly string[]): UserMessage {
  if (contexts.length === 0) return message;
  return { role: 'user', content: [...message.content, ...contexts.map((text) => ({ type: 'text' as const, text }))] };
}
