import type { FinishReason } from '../model/language-model.js';
import type { JsonValue, Message } from '../model/message.js';
import type { Usage } from '../model/usage.js';

/**
 * How a run ended:
 *
 * - `completed`: the model answered without asking for tools (`finishReason` `stop` or `tool-calls`).
 * - `incomplete`: the model's last turn did not end cleanly, so its answer is not to be taken as final:
 *   cut at its output limit with text only (`length`), refused or blocked (`content-filter`), ended on an
 *   error twice in a row (`error`, e.g. a malformed function call), or for a reason the provider did not
 *   name (`other`). `finishReason` says which.
 * - `max-turns`: it hit `maxTurns`.
 * - `stopped`: a `stopWhen` condition held after a turn (`hasToolCall`, `stepCountIs`, or your own); that
 *   turn's tool calls ran, and their results are the last message of `messages`.
 * - `aborted`: its signal fired or `abort()` was called.
 * - `paused`: a tool call waits for an approval (see {@link RunResult.pending}).
 * - `failed`: only on the partial result a failed run's error carries (`error.result`): `run.result`
 *   rejected, and the `run-end` event carries the error.
 */
export type RunStatus = 'completed' | 'incomplete' | 'max-turns' | 'stopped' | 'aborted' | 'paused' | 'failed';

/**
 * A tool call waiting for a person's decision. A paused run stores these in its session; answer them with
 * `agent.resume(sessionId, { approvals: { [id]: 'allow' } })`.
 */
export interface PendingApproval {
  /** The tool call id, unique in the session. */
  readonly id: string;
  readonly name: string;
  /** The exact input that runs if the call is approved. */
  readonly input: JsonValue;
  /**
   * `sha256:<hex>` of the canonical JSON of `{ name, input }`, as in the `permission-request` event. Answer
   * with `{ answer, digest }` to bind the decision to what was shown: a call whose input changed since is
   * asked again, never run. The agent also checks the stored call against it when it resumes.
   */
  readonly digest: string;
  /** Why the policy asks, for the person deciding. */
  readonly reason: string;
  /** The narrowest rule that "allow always" would add, e.g. `Bash(npm test:*)`. */
  readonly suggestedRule?: string;
  /** For a sub-agent's call, the chain of agent names from the top-level run down to the one asking. */
  readonly path?: readonly string[];
}

/**
 * One sub-agent run started (or resumed) by a run, as {@link RunResult.children} lists it. Its usage and
 * cost are included in the parent's too.
 *
 * @example
 * ```ts
 * const { children = [] } = await agent.run('Explore, then fix').result;
 * for (const child of children) console.log(child.name, child.status, child.usage.outputTokens);
 * ```
 */
export interface ChildRun {
  /** The sub-agent's name (its tool's name). */
  readonly name: string;
  /** The sub-agent's own session, linked to the parent's by its metadata. */
  readonly sessionId: string;
  /** The tool call of the parent that started it. */
  readonly toolCallId: string;
  readonly status: RunStatus;
  /** Its usage, its own sub-agents' included. */
  readonly usage: Usage;
  readonly cost?: number;
}

/**
 * What a run produced. `TOutput` is the type of `output`, the validated structured answer of a run with
 * an `output` schema.
 *
 * @example
 * ```ts
 * const result = await agent.run('Fix the failing test').result;
 * if (result.status === 'paused') console.log('waiting for', result.pending);
 * console.log(result.text, result.usage.outputTokens);
 * ```
 */
export interface RunResult<TOutput = unknown> {
  readonly sessionId: string;
  readonly status: RunStatus;
  /** The final assistant text (the text of the last assistant message). */
  readonly text: string;
  /** The messages this run added to the session, in order (the input included). */
  readonly messages: readonly Message[];
  /** Token usage summed over every model call of this run. */
  readonly usage: Usage;
  /** Cost in USD, where the model's prices are known. */
  readonly cost?: number;
  /** Model calls made by this run. */
  readonly turns: number;
  /** Approvals a `paused` run waits for. */
  readonly pending?: readonly PendingApproval[];
  /**
   * Why the last model turn of this run ended (`length`: the model's output limit, or the agent cut the
   * turn at `maxTurnOutputChars`; `content-filter`: a refusal or a safety block). Absent when the run made
   * no model call. A status of `incomplete` says which reason ended the run.
   */
  readonly finishReason?: FinishReason;
  /**
   * The structured answer, parsed from the final text and validated by the run's `output` schema. Set only
   * when the run `completed` with an `output` schema; a run whose answer stays invalid fails with an
   * `OutputValidationError` instead.
   */
  readonly output?: TOutput;
  /** The sub-agent runs of this run, in the order they ended; `usage` and `cost` above include theirs. */
  readonly children?: readonly ChildRun[];
}
