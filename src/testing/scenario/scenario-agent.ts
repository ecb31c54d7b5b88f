/**
 * The agent a scenario runs: the built-in coding tools on its workspace (and its plugins' tools), a policy whose approver plays the
 * scripted answers, a memory store, and workspace snapshots when the scenario reverts.
 *
 * @packageDocumentation
 */
import { join } from 'node:path';
import { pruneToolOutputs, summarizeCompaction } from '../../agent/compaction/strategies.js';
import type { CompactionOptions } from '../../agent/compaction/types.js';
import { createAgent } from '../../agent/create-agent.js';
import type { Agent } from '../../agent/types.js';
import type { LanguageModel } from '../../model/language-model.js';
import { createPolicy } from '../../policy/create-policy.js';
import type { ApprovalAnswer, ApprovalRequest } from '../../policy/types.js';
import { localSandbox } from '../../sandbox/local-sandbox.js';
import { gitSnapshots } from '../../snapshots/git-snapshots.js';
import { memoryStore } from '../../stores/memory-store.js';
import type { SessionStore } from '../../stores/types.js';
import type { Toolset } from '../../tools/toolset.js';
import { codingTools, type CodingToolName, CODING_TOOL_NAMES } from '../../tools/builtin/coding-tools.js';
import type { Scenario, ScenarioApproval } from './schema.js';
import type { ScenarioDirectories } from './workspace.js';

/** A scripted approval answer as the policy takes it. */
export function toAnswer(answer: ScenarioApproval): ApprovalAnswer {
  return typeof answer === 'string' ? answer : { decision: 'deny', feedback: answer.feedback };
}

function compactionOf(scenario: Scenario): CompactionOptions | false | undefined {
  const settings = scenario.model.compaction;
  if (settings === undefined || settings === false) return settings;
  return {
    strategy: settings.strategy === 'prune-tool-outputs' ? pruneToolOutputs() : summarizeCompaction(),
    ...(settings.threshold !== undefined ? { threshold: settings.threshold } : {}),
    ...(settings.keepRecentTurns !== undefined ? { keepRecentTurns: settings.keepRecentTurns } : {}),
  };
}

/** The agent of a scenario, its store, and the approval answers it has not used yet. */
export interface ScenarioAgent {
  readonly agent: Agent;
  readonly store: SessionStore;
  /** Scripted approver answers left (shrinks as the approver is asked). */
  readonly approvals: ScenarioApproval[];
}

/**
 * Builds the agent of `scenario` on `model`. An approver asked more often than the scenario scripts answers
 * denies, and says so in `failures`.
 */
export function buildScenarioAgent(
  scenario: Scenario,
  dirs: ScenarioDirectories,
  model: LanguageModel,
  failures: string[],
  toolsets: readonly Toolset[] = [],
): ScenarioAgent {
  const approvals = [...(scenario.policy?.approvals ?? [])];
  let asked = 0;
  const approve = (request: ApprovalRequest): ApprovalAnswer => {
    asked += 1;
    const answer = approvals.shift();
    if (answer !== undefined) return toAnswer(answer);
    failures.push(
      `the approver was asked ${asked} time(s) but the scenario scripts ${asked - 1} answer(s) (last: ${request.name} ${JSON.stringify(request.input)})`,
    );
    return 'deny';
  };
  const sandbox = localSandbox({ root: dirs.workspace });
  const wanted = new Set(scenario.tools ?? CODING_TOOL_NAMES);
  const compaction = compactionOf(scenario);
  const store = memoryStore();
  const { policy = {}, agent: settings = {} } = scenario;
  const agent = createAgent({
    provider: model,
    store,
    sandbox,
    tools: [
      ...codingTools({
        sandbox,
        exclude: CODING_TOOL_NAMES.filter((name) => !wanted.has(name)) as CodingToolName[],
      }),
      ...toolsets,
    ],
    policy: createPolicy({
      mode: policy.mode ?? 'workspace-write',
      ...(policy.allow ? { allow: policy.allow } : {}),
      ...(policy.ask ? { ask: policy.ask } : {}),
      ...(policy.deny ? { deny: policy.deny } : {}),
      // Without scripted approvals there is no approver, so a call that asks pauses the run.
      ...(policy.approvals ? { approve } : {}),
    }),
    // Snapshots outside the workspace, so they never show up in its files.
    ...(scenario.revert
      ? { snapshots: gitSnapshots({ root: dirs.workspace, dir: join(dirs.base, 'snapshots') }) }
      : {}),
    ...(settings.instructions !== undefined ? { instructions: settings.instructions } : {}),
    ...(settings.maxTurns !== undefined ? { maxTurns: settings.maxTurns } : {}),
    ...(settings.maxCostUsd !== undefined ? { maxCostUsd: settings.maxCostUsd } : {}),
    ...(compaction !== undefined ? { compaction } : {}),
  });
  return { agent, store, approvals };
}
