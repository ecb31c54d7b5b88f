/** Helpers of the plan mode tests: a plan-mode coding agent over real tools, and a run drained to its events. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgent,
  type AgentEvent,
  type JsonValue,
  type RunResult,
  type SessionStore,
  type Tool,
} from '../../src/index.js';
import { createPolicy, type PolicyOptions } from '../../src/policy/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools, planTools } from '../../src/tools/builtin/index.js';

/** A scratch workspace holding `notes.txt`. */
export async function workspace(): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'icode-plan-'));
  await writeFile(join(root, 'notes.txt'), 'alpha\nbeta\n');
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** A coding agent (real tools, real bash, real policy) with `exit_plan_mode`, or the tools given. */
export function planAgent(
  root: string,
  steps: MockStep[],
  policy: PolicyOptions,
  store?: SessionStore,
  tools: readonly Tool[] = planTools(),
) {
  const model = mockProvider(steps);
  const agent = createAgent({
    provider: model,
    tools: [...codingTools({ root, exclude: ['web_fetch'] }), ...tools],
    policy: createPolicy({ ...policy, root }),
    ...(store ? { store } : {}),
  });
  return { agent, model };
}

/** Every event of a run, its result, and its tool results by call id. */
export async function drain(run: AsyncIterable<AgentEvent> & { result: Promise<RunResult> }) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  const results = new Map(events.flatMap((e) => (e.type === 'tool-result' ? [[e.id, e] as const] : [])));
  return { events, result: await run.result, results };
}

/** A tool call step. */
export function call(id: string, name: string, input: JsonValue): MockStep {
  return { toolCalls: [{ id, name, input }] };
}

export const PLAN = '1. Add TODO.md listing the next steps.\n2. Run the build.';
