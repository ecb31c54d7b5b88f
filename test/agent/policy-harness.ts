/**
 * A malicious model against the real stack: `createAgent` + real `codingTools` + real `createPolicy`, on a
 * real temp workspace. Each scenario scripts tool calls and reads back every result, every permission
 * event and every question the approver was asked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { createAgent, type AgentEvent, type ApprovalAnswer, type ApprovalRequest, type Tool } from '../../src/index.js';
import type { JsonValue } from '../../src/model/message.js';
import type { Policy, PermissionMode } from '../../src/policy/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';

export const MODES: readonly PermissionMode[] = ['read-only', 'workspace-write', 'full-access'];

/** A tool call the scripted model makes. */
export interface Call {
  readonly name: string;
  readonly input: { readonly [key: string]: JsonValue };
}

/** What a run showed. */
export interface Outcome {
  readonly status: string;
  readonly results: { name: string; output: string; isError: boolean; errorCode?: string }[];
  readonly requests: AgentEvent[];
  readonly asked: ApprovalRequest[];
  /** Everything the model could have seen: every tool result's text. */
  readonly seen: string;
}

/** Runs the calls (one per turn, so each is judged on its own) and collects what happened. */
export async function runCalls(options: {
  readonly tools: Tool[];
  readonly policy: Policy;
  readonly calls: readonly Call[];
  readonly sandbox?: Sandbox;
  readonly asked?: ApprovalRequest[];
}): Promise<Outcome> {
  const steps: MockStep[] = options.calls.map((call) => ({ toolCalls: [{ name: call.name, input: call.input }] }));
  steps.push({ text: 'done' });
  const agent = createAgent({
    provider: mockProvider(steps),
    tools: options.tools,
    policy: options.policy,
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  });
  const events: AgentEvent[] = [];
  const run = agent.run('go');
  for await (const event of run) events.push(event);
  const result = await run.result;
  const results = events.flatMap((e) =>
    e.type === 'tool-result'
      ? [
          {
            name: e.name,
            output: typeof e.output === 'string' ? e.output : JSON.stringify(e.output),
            isError: e.isError,
            ...(e.errorCode ? { errorCode: e.errorCode } : {}),
          },
        ]
      : [],
  );
  return {
    status: result.status,
    results,
    requests: events.filter((e) => e.type === 'permission-request'),
    asked: options.asked ?? [],
    seen: results.map((r) => r.output).join('\n'),
  };
}

/** An approver that records every question and answers `answer`. */
export function recordingApprover(answer: ApprovalAnswer): {
  readonly asked: ApprovalRequest[];
  readonly approve: (request: ApprovalRequest) => ApprovalAnswer;
} {
  const asked: ApprovalRequest[] = [];
  return { asked, approve: (request) => (asked.push(request), answer) };
}

/** A temp directory (canonical) holding a workspace `ws` and a sibling `outside`, removed by `cleanup`. */
export async function scratch(): Promise<{ base: string; root: string; outside: string; cleanup(): Promise<void> }> {
  const base = realpathSync(await mkdtemp(join(tmpdir(), 'icode-policy-agent-')));
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  execFileSync('mkdir', ['-p', root, outside]);
  return { base, root, outside, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** `git init` and a first commit, so the workspace is a real repository. */
export function gitInit(root: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: root,
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init', '--allow-empty');
}
