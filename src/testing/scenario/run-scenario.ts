/**
 * `runScenario`: one scenario on one provider, from a fresh workspace to a list of failures.
 *
 * @packageDocumentation
 */
import type { AgentRun } from '../../agent/types.js';
import { AgentError } from '../../errors/agent-error.js';
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import type { ModelRequest } from '../../model/language-model.js';
import type { RecordedRequest } from '../mock-server/types.js';
import { checkExpectations } from './check.js';
import { startCassetteModel, type ScenarioCassette } from './cassette-model.js';
import { startScenarioModel } from './providers.js';
import { buildScenarioAgent, toAnswer } from './scenario-agent.js';
import { scenarioPlugins } from './scenario-plugins.js';
import type { Scenario, ScenarioExpectation, ScenarioProvider } from './schema.js';
import { scenarioScript } from './script.js';
import { createScenarioDirectories } from './workspace.js';

/**
 * Options of {@link runScenario}.
 *
 * @example
 * ```ts
 * const options: RunScenarioOptions = { provider: 'gemini' };
 * const replayed: RunScenarioOptions = { provider: 'openai', cassette: 'test/cassettes/openai/streaming_text.json' };
 * ```
 */
export interface RunScenarioOptions {
  /** The in-process mock model, or a provider adapter over its mock wire server. @defaultValue 'mock' */
  readonly provider?: ScenarioProvider;
  /**
   * Run the provider's real adapter at its real API's address, its HTTP traffic replayed from this cassette
   * file (`{ path, mode: 'record' }` records it from the provider's mock wire server first). Model requests
   * the cassette answers pass `disallowModelRequests()`.
   */
  readonly cassette?: ScenarioCassette;
}

/**
 * How a scenario went on one provider.
 *
 * @example
 * ```ts
 * const outcome: ScenarioOutcome = await runScenario(scenario, { provider: 'ollama' });
 * if (outcome.status === 'failed') for (const line of outcome.failures) console.error(line);
 * ```
 */
export interface ScenarioOutcome {
  readonly name: string;
  readonly provider: ScenarioProvider;
  /** `pending` for a scenario that waits for a feature: it was not run, and is never counted as passed. */
  readonly status: 'passed' | 'failed' | 'pending';
  /** Why it failed, one line per broken expectation; for a pending scenario, what it waits for. */
  readonly failures: readonly string[];
  /** Every event, of the run and of its resumptions, in order. */
  readonly events: readonly AgentEvent[];
  /** The last run's result (the partial result when it failed). */
  readonly result?: RunResult;
  /** What the model received, call by call (decoded from the wire for adapters). */
  readonly requests: readonly ModelRequest[];
  /** The raw HTTP requests the adapter sent to the mock wire server (credentials removed). */
  readonly httpRequests?: readonly RecordedRequest[];
  readonly durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The expectations of `scenario` on `provider`: `expectOn[provider]` merged key by key over `expect`.
 *
 * @example
 * ```ts
 * expectationFor(tokenCostScenario, 'ollama').cost; // { present: true, equals: 0 }: local models are free
 * ```
 */
export function expectationFor(scenario: Scenario, provider: ScenarioProvider): ScenarioExpectation {
  return { ...scenario.expect, ...scenario.expectOn?.[provider] };
}

/** How one run (or resumption) ended. */
interface Drained {
  readonly result?: RunResult;
  readonly error?: unknown;
}

async function drain(run: AgentRun, events: AgentEvent[]): Promise<Drained> {
  try {
    for await (const event of run) events.push(event);
    return { result: await run.result };
  } catch (error) {
    // The iterator and `result` fail with the same error; `result` must be settled so nothing is unhandled.
    await run.result.catch(() => undefined);
    return { error, ...(AgentError.isInstance(error) && error.result ? { result: error.result } : {}) };
  }
}

/**
 * Runs one scenario on one provider: creates its workspace in a temporary directory, builds an agent with
 * the built-in coding tools, a policy whose approver plays the scripted answers, and the model of
 * `provider` (the in-process mock, or the real adapter and official SDK against a mock wire server that
 * plays the same steps); runs the prompt (then each follow-up in the same session), resumes a paused run
 * with the scripted `resume` answers, checks every expectation, and removes the workspace. Pending
 * scenarios are not run.
 *
 * It never throws for a scenario that fails or cannot start its agent: the failures are in the outcome. It
 * throws `ConfigError` only for a workspace it cannot create (a path outside its directory, say).
 *
 * @example
 * ```ts
 * import { loadScenario, runScenario } from 'icode/testing';
 *
 * const scenario = await loadScenario('scenarios/read_file_roundtrip.json');
 * const outcome = await runScenario(scenario, { provider: 'anthropic' });
 * if (outcome.status === 'failed') console.error(outcome.failures.join('\n'));
 * ```
 *
 * With `cassette`, the scenario runs the real adapter against HTTP traffic replayed from a committed file,
 * in one line of a vitest file:
 *
 * ```ts
 * it('reads a file', async () =>
 *   expect((await runScenario(scenario, { provider: 'gemini', cassette: 'test/cassettes/read.json' })).failures).toEqual([]));
 * ```
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioOutcome> {
  const provider = options.provider ?? 'mock';
  const started = performance.now();
  const base = { name: scenario.name, provider };
  if (scenario.pending) {
    return {
      ...base,
      status: 'pending',
      failures: [
        `${scenario.pending.issue !== undefined ? `waits for issue #${scenario.pending.issue}: ` : 'waits: '}${scenario.pending.reason}`,
      ],
      events: [],
      requests: [],
      durationMs: 0,
    };
  }

  const dirs = await createScenarioDirectories(scenario);
  const script = scenarioScript(scenario.model.steps);
  const setupFailures: string[] = [];
  const events: AgentEvent[] = [];
  let model: Awaited<ReturnType<typeof startScenarioModel>> | undefined;
  let closeAgent: (() => Promise<void>) | undefined;
  try {
    model = options.cassette
      ? await startCassetteModel(provider, scenario, script, options.cassette)
      : await startScenarioModel(provider, scenario, script);
    const pluginTools = await scenarioPlugins(scenario, dirs);
    const built = buildScenarioAgent(scenario, dirs, model.model, setupFailures, pluginTools ? [pluginTools] : []);
    const { agent, store, approvals } = built;
    closeAgent = () => agent.close();

    const timeout = AbortSignal.timeout(scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const resumeAnswers = [...(scenario.policy?.resume ?? [])];
    let turns = 0;
    // Runs one prompt to its end: drains it, and resumes it with the scripted answers while it pauses.
    const playPrompt = async (prompt: string, sessionId?: string): Promise<Drained> => {
      let outcome = await drain(
        agent.run(prompt, { signal: timeout, ...(sessionId !== undefined ? { sessionId } : {}) }),
        events,
      );
      turns += outcome.result?.turns ?? 0;
      while (outcome.result?.status === 'paused' && outcome.error === undefined && resumeAnswers.length > 0) {
        const pending = outcome.result.pending ?? [];
        if (resumeAnswers.length < pending.length) {
          setupFailures.push(
            `the run paused on ${pending.length} approval(s) but only ${resumeAnswers.length} resume answer(s) are left`,
          );
          break;
        }
        const decisions = Object.fromEntries(pending.map((p) => [p.id, toAnswer(resumeAnswers.shift()!)]));
        outcome = await drain(
          agent.resume(outcome.result.sessionId, { approvals: decisions, signal: timeout }),
          events,
        );
        turns += outcome.result?.turns ?? 0;
      }
      return outcome;
    };
    // What the session held when each prompt's run ended, by the session turn it ended at (for revert).
    const heldAt = new Map<number, string>();
    const remember = async (drained: Drained): Promise<void> => {
      const lastTurn = events.findLast((event) => event.type === 'turn-end');
      if (!scenario.revert || !drained.result || lastTurn?.type !== 'turn-end') return;
      heldAt.set(lastTurn.sessionTurn, JSON.stringify((await store.load(drained.result.sessionId)).entries));
    };
    let outcome = await playPrompt(scenario.prompt);
    await remember(outcome);
    for (const followUp of scenario.followUps ?? []) {
      if (outcome.error !== undefined || outcome.result?.status !== 'completed') {
        setupFailures.push(
          `the follow-up ${JSON.stringify(followUp)} was not sent: the run before it did not complete`,
        );
        break;
      }
      outcome = await playPrompt(followUp, outcome.result.sessionId);
      await remember(outcome);
    }
    if (scenario.revert && outcome.result) {
      const { toTurn } = scenario.revert;
      try {
        await agent.revert(outcome.result.sessionId, { toTurn, signal: timeout });
        const held = heldAt.get(toTurn);
        const now = JSON.stringify((await store.load(outcome.result.sessionId)).entries);
        if (held !== undefined && held !== now) {
          setupFailures.push(`after revert to turn ${toTurn} the session differs from what it held at that turn`);
        }
      } catch (error) {
        setupFailures.push(
          `revert to turn ${toTurn} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (timeout.aborted) setupFailures.push(`timed out after ${scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
    if (approvals.length > 0) setupFailures.push(`${approvals.length} scripted approval answer(s) were never used`);
    if (resumeAnswers.length > 0)
      setupFailures.push(`${resumeAnswers.length} scripted resume answer(s) were never used`);
    const unused = model.unusedSteps();
    if (unused > 0 && outcome.error === undefined)
      setupFailures.push(`${unused} scripted model step(s) were never used`);

    setupFailures.push(...(model.failures?.() ?? []));
    const requests = model.requests();
    const failures = [
      ...(await checkExpectations(expectationFor(scenario, provider), {
        events,
        result: outcome.result,
        error: outcome.error,
        turns,
        requests,
        workspace: dirs.workspace,
      })),
      ...setupFailures,
    ];
    return {
      ...base,
      status: failures.length === 0 ? 'passed' : 'failed',
      failures,
      events,
      ...(outcome.result ? { result: outcome.result } : {}),
      requests,
      ...(model.httpRequests ? { httpRequests: model.httpRequests } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    // The agent could not even be built or started (a bad setting, say): a failure of this scenario.
    return {
      ...base,
      status: 'failed',
      failures: [
        `the scenario could not run: ${error instanceof Error ? error.message : String(error)}`,
        ...setupFailures,
      ],
      events,
      requests: model?.requests() ?? [],
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await closeAgent?.().catch(() => undefined);
    await model?.close();
    await dirs.dispose();
  }
}
