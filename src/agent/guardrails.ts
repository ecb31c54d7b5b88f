/**
 * Guardrails: checks on the run's input and final output that fail the run with a `GuardrailError`.
 *
 * Input guardrails that run in parallel are started with the input and raced against the first model call
 * (as in OpenAI Agents): the model call is not held up by them, and when one blocks, the call is stopped,
 * its answer dropped before anything of it is stored or any of its tools runs, and the input is taken out
 * of the session again.
 */
import { GuardrailError } from '../errors/guardrail-error.js';
import { hookContext, type NamedGuardrail } from './hook-set.js';
import type { PromptInfo, RunOutput } from './hooks.js';
import type { RunContext } from './run-context.js';
import { buildResult } from './run-loop.js';

/** Input guardrails still running, with the session version before the input was stored. */
interface RunningGuards {
  readonly check: Promise<void>;
  readonly version: number;
}

const running = new WeakMap<RunContext, RunningGuards>();

/** Runs guardrails together; rejects with the first block (in list order) or the first error. */
async function runAll<T>(
  ctx: RunContext,
  guards: readonly NamedGuardrail<T>[],
  input: T,
  stage: 'input' | 'output',
): Promise<void> {
  const verdicts = await Promise.all(
    guards.map((guard) => guard.check(input, hookContext(ctx, guard.name, `${stage}Guardrail`))),
  );
  verdicts.forEach((verdict, index) => {
    if (verdict && typeof verdict.block === 'string') {
      throw new GuardrailError({ guardrail: guards[index]!.name, reason: verdict.block, stage });
    }
  });
}

/**
 * Starts the input guardrails: those that may not run in parallel are awaited now (before the input is
 * stored), the others are left running for {@link guardFirstCall}.
 */
export async function startInputGuardrails(
  ctx: RunContext,
  guards: readonly NamedGuardrail<PromptInfo>[],
  prompt: PromptInfo,
): Promise<void> {
  const before = guards.filter((guard) => !guard.runInParallel);
  if (before.length > 0) await runAll(ctx, before, prompt, 'input');
  const parallel = guards.filter((guard) => guard.runInParallel);
  if (parallel.length === 0) return;
  const check = runAll(ctx, parallel, prompt, 'input');
  // Handled by guardFirstCall; a run that fails before its first call never waits for it.
  check.catch(() => undefined);
  running.set(ctx, { check, version: ctx.version });
}

/**
 * The first model call, raced against the input guardrails still running: it resolves only once they have
 * passed. When one blocks (or throws), the model stream is stopped as the run ends, its answer is dropped,
 * the input is removed from the session, and the run fails with the guardrail's error.
 */
export function guardFirstCall<T>(ctx: RunContext, call: Promise<T>): Promise<T> {
  const guards = running.get(ctx);
  if (!guards) return call;
  running.delete(ctx);
  return raceGuards(ctx, call, guards);
}

async function raceGuards<T>(ctx: RunContext, call: Promise<T>, guards: RunningGuards): Promise<T> {
  let tripped = false;
  const check = guards.check.catch((error: unknown) => {
    tripped = true;
    throw error;
  });
  try {
    const [answer] = await Promise.all([call, check]);
    return answer;
  } catch (error) {
    if (!tripped) throw error;
    call.catch(() => undefined);
    // Aborted only once the run is marked failed (cleanups run after that), so its status stays `failed`.
    ctx.onRunEnd(() => ctx.controller.abort(error));
    await removeInput(ctx, guards.version);
    throw error;
  }
}

/** Takes the blocked input (and whatever was stored with it) out of the session again. */
async function removeInput(ctx: RunContext, version: number): Promise<void> {
  if (ctx.version === version || ctx.ended) return;
  try {
    await ctx.config.store.truncate(ctx.sessionId, { version, expectedVersion: ctx.version });
    ctx.version = version;
  } catch (error) {
    // The guardrail's error is the one to report; the input stays stored.
    const message = error instanceof Error ? error.message : String(error);
    void ctx.emit({
      type: 'hook-warning',
      hook: 'guardrails',
      point: 'inputGuardrail',
      message: `The blocked input could not be removed from the session: ${message}`,
      runId: ctx.runId,
    });
  }
}

/** The output guardrails, on the final output of a run about to end `completed`. */
export async function checkOutput(ctx: RunContext, guards: readonly NamedGuardrail<RunOutput>[]): Promise<void> {
  const result = buildResult(ctx);
  await runAll(ctx, guards, { text: result.text, result }, 'output');
}
