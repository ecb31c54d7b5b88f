/**
 * Custom tools behave as in the peer libraries: a tool you define runs without asking unless it sets
 * `needsApproval`, or the mode is `read-only` and it is not `readOnly`. Deny and ask rules naming it still
 * apply, and `needsApproval` never overrides a deny. Built-in tools keep the policy's judgement of what
 * they touch. Through `createAgent` with the real policy and real coding tools on a temp workspace.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAgent,
  memoryStore,
  tool,
  type AgentEvent,
  type ApprovalRequest,
  type PermissionMode,
  type Tool,
} from '../../src/index.js';
import { createPolicy, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { collect } from '../helpers/agent.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-custom-tools-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const MODES: readonly PermissionMode[] = ['read-only', 'workspace-write', 'full-access'];

/** A custom tool that records its calls. */
function customTool(options: { name?: string; readOnly?: boolean; needsApproval?: Tool['needsApproval'] } = {}) {
  const ran: string[] = [];
  const made = tool({
    name: options.name ?? 'deploy',
    description: 'Deploys a service',
    input: z.object({ target: z.string(), size: z.number().default(1) }),
    ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
    ...(options.needsApproval !== undefined ? { needsApproval: options.needsApproval } : {}),
    execute: ({ target }) => (ran.push(target), `deployed ${target}`),
  });
  return { tool: made, ran };
}

interface Outcome {
  readonly events: AgentEvent[];
  readonly status: string;
  readonly asked: string[];
  readonly results: Extract<AgentEvent, { type: 'tool-result' }>[];
}

async function play(
  tools: Tool[],
  calls: MockStep['toolCalls'],
  policy: PolicyOptions,
  approve?: (request: ApprovalRequest) => 'allow' | 'deny',
): Promise<Outcome> {
  const asked: string[] = [];
  const model = mockProvider([{ toolCalls: calls ?? [] }, { text: 'done' }]);
  const run = createAgent({
    provider: model,
    tools,
    sandbox: localSandbox({ root }),
    policy: createPolicy({
      ...policy,
      root,
      ...(approve ? { approve: (request: ApprovalRequest) => (asked.push(request.name), approve(request)) } : {}),
    }),
  }).run('go');
  const { events } = await collect(run);
  const result = await run.result;
  // A run that paused never made its second model call.
  if (result.status === 'paused') expect(() => model.assertComplete()).toThrow(/1 of 2/);
  else model.assertComplete();
  return {
    events,
    status: result.status,
    asked,
    // In the model's order (calls of one turn finish in any order).
    results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const call = (target: string, name = 'deploy') => ({ name, input: { target } });

describe('a custom tool without needsApproval', () => {
  it('runs without asking in workspace-write and full-access', async () => {
    for (const mode of ['workspace-write', 'full-access'] as const) {
      const { tool: deploy, ran } = customTool();
      const outcome = await play([deploy], [call('prod')], { mode });
      expect(ran, mode).toEqual(['prod']);
      expect(outcome.status).toBe('completed');
      expect(outcome.events.some((e) => e.type === 'permission-request')).toBe(false);
    }
  });

  it('is denied in read-only mode unless it is readOnly', async () => {
    const { tool: deploy, ran } = customTool();
    const denied = await play([deploy], [call('prod')], { mode: 'read-only' });
    expect(ran).toEqual([]);
    expect(denied.results[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(denied.events.find((e) => e.type === 'permission-decision')).toMatchObject({
      decision: 'deny',
      source: 'mode',
    });

    const { tool: status, ran: statusRan } = customTool({ name: 'status', readOnly: true });
    const allowed = await play([status], [call('prod', 'status')], { mode: 'read-only' });
    expect(statusRan).toEqual(['prod']);
    expect(allowed.results[0]?.isError).toBe(false);
  });

  it('is denied by a deny rule naming it, in every mode, without asking', async () => {
    for (const mode of MODES) {
      const { tool: deploy, ran } = customTool({ readOnly: true });
      const outcome = await play([deploy], [call('prod')], { mode, deny: ['deploy'] }, () => 'allow');
      expect(ran, mode).toEqual([]);
      expect(outcome.asked).toEqual([]);
      expect(outcome.events.find((e) => e.type === 'permission-decision')).toMatchObject({
        decision: 'deny',
        source: 'rule',
        rule: 'deploy',
      });
    }
  });

  it('is asked about by an ask rule naming it, in every mode', async () => {
    for (const mode of MODES) {
      const { tool: deploy, ran } = customTool({ readOnly: true });
      const outcome = await play([deploy], [call('prod')], { mode, ask: ['Deploy'] }, () => 'allow');
      expect(outcome.asked, mode).toEqual(['deploy']);
      expect(ran).toEqual(['prod']);
    }
  });
});

describe('a custom tool with needsApproval', () => {
  it('asks in workspace-write, and pauses when nobody can approve', async () => {
    const { tool: deploy, ran } = customTool({ needsApproval: true });
    const asked = await play([deploy], [call('prod')], { mode: 'workspace-write' }, () => 'allow');
    expect(asked.asked).toEqual(['deploy']);
    expect(ran).toEqual(['prod']);

    const paused = await play([deploy], [call('staging')], { mode: 'workspace-write' });
    expect(paused.status).toBe('paused');
    expect(ran).toEqual(['prod']);
    expect(paused.events.find((e) => e.type === 'permission-request')).toMatchObject({
      name: 'deploy',
      reason: 'deploy asks for approval before it runs.',
    });
  });

  it('asks in read-only mode when it is readOnly, and is denied there when it is not', async () => {
    const { tool: lookup, ran } = customTool({ name: 'lookup', readOnly: true, needsApproval: true });
    const asked = await play([lookup], [call('a', 'lookup')], { mode: 'read-only' }, () => 'allow');
    expect(asked.asked).toEqual(['lookup']);
    expect(ran).toEqual(['a']);

    const { tool: deploy, ran: deployRan } = customTool({ needsApproval: true });
    const denied = await play([deploy], [call('prod')], { mode: 'read-only' }, () => 'allow');
    expect(denied.asked).toEqual([]);
    expect(deployRan).toEqual([]);
    expect(denied.results[0]).toMatchObject({ errorCode: 'PERMISSION_DENIED' });
  });

  it('runs in full-access mode, and when an allow rule names it', async () => {
    const { tool: deploy, ran } = customTool({ needsApproval: true });
    const full = await play([deploy], [call('a')], { mode: 'full-access' }, () => 'deny');
    const ruled = await play([deploy], [call('b')], { mode: 'workspace-write', allow: ['deploy'] }, () => 'deny');
    expect([...full.asked, ...ruled.asked]).toEqual([]);
    expect(ran).toEqual(['a', 'b']);
  });

  it('never overrides a deny rule', async () => {
    for (const mode of MODES) {
      const { tool: deploy, ran } = customTool({ needsApproval: true });
      const outcome = await play([deploy], [call('prod')], { mode, deny: ['deploy'] }, () => 'allow');
      expect(outcome.asked, mode).toEqual([]);
      expect(ran).toEqual([]);
      expect(outcome.results[0]).toMatchObject({ errorCode: 'PERMISSION_DENIED' });
    }
  });

  it('decides per call from the validated input and the call context, sync or async', async () => {
    const seen: unknown[] = [];
    const { tool: deploy, ran } = customTool({
      needsApproval: async (input, context) => {
        seen.push({ input, ...context });
        return (input as { size: number }).size > 10;
      },
    });
    const outcome = await play(
      [deploy],
      [
        { name: 'deploy', input: { target: 'small', size: 2 } },
        { name: 'deploy', input: { target: 'big', size: 50 } },
        { name: 'deploy', input: { target: 'default' } },
      ],
      { mode: 'workspace-write' },
      () => 'deny',
    );
    expect(outcome.asked).toEqual(['deploy']);
    expect(ran.sort()).toEqual(['default', 'small']);
    // The function sees the parsed input (defaults applied) and the call's ids.
    expect(seen).toContainEqual(
      expect.objectContaining({
        input: { target: 'default', size: 1 },
        toolCallId: 'call_1_3',
        runId: expect.any(String),
      }),
    );
  });

  it('refuses the call when its needsApproval function throws, and the run goes on', async () => {
    const { tool: deploy, ran } = customTool({
      needsApproval: () => {
        throw new Error('quota service down');
      },
    });
    const outcome = await play([deploy], [call('prod')], { mode: 'workspace-write' }, () => 'allow');
    expect(ran).toEqual([]);
    expect(outcome.asked).toEqual([]);
    expect(outcome.status).toBe('completed');
    expect(outcome.results[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
  });

  it('runs after approval on resume', async () => {
    const store = memoryStore();
    const { tool: deploy, ran } = customTool({ needsApproval: true });
    const make = (steps: MockStep[]) => {
      const model = mockProvider(steps);
      const agent = createAgent({
        provider: model,
        tools: [deploy],
        store,
        sandbox: localSandbox({ root }),
        policy: createPolicy({ root }),
      });
      return { agent, model };
    };
    const first = make([{ toolCalls: [call('prod')] }]);
    const paused = await first.agent.run('go').result;
    expect(paused.status).toBe('paused');
    first.model.assertComplete();
    const [request] = paused.pending!;
    const second = make([{ text: 'deployed' }]);
    const resumed = await second.agent.resume(paused.sessionId, {
      approvals: { [request!.id]: { answer: 'allow', digest: request!.digest } },
    }).result;
    expect(resumed.status).toBe('completed');
    expect(ran).toEqual(['prod']);
    second.model.assertComplete();
  });

  it('MCP-style tools: read-only ones run in read-only mode, the others ask in workspace-write', async () => {
    const { tool: search, ran: searched } = customTool({
      name: 'mcp__docs__search',
      readOnly: true,
      needsApproval: false,
    });
    const { tool: remove, ran: removed } = customTool({
      name: 'mcp__docs__remove',
      readOnly: false,
      needsApproval: true,
    });
    const readOnly = await play([search, remove], [call('q', 'mcp__docs__search')], { mode: 'read-only' });
    expect(searched).toEqual(['q']);
    expect(readOnly.results[0]?.isError).toBe(false);
    const write = await play(
      [search, remove],
      [call('page', 'mcp__docs__remove')],
      { mode: 'workspace-write' },
      () => 'allow',
    );
    expect(write.asked).toEqual(['mcp__docs__remove']);
    expect(removed).toEqual(['page']);
  });
});

describe('built-in tools and tools that declare what they touch', () => {
  it('keep the policy judgement of their accesses', async () => {
    const tools = codingTools({ root, exclude: ['web_fetch'] });
    const write = await play(
      tools,
      [
        { name: 'write', input: { file_path: 'inside.txt', content: 'x' } },
        { name: 'write', input: { file_path: join(tmpdir(), 'icode-outside.txt'), content: 'x' } },
        { name: 'bash', input: { command: 'make' } },
      ],
      { mode: 'workspace-write' },
      () => 'deny',
    );
    const byName = write.results.map((r) => r.errorCode ?? 'ok');
    expect(byName).toEqual(['ok', 'WORKSPACE_ESCAPE', 'PERMISSION_DENIED']);
    // `make` is not read-only: the built-in bash asks (the approver said no).
    expect(write.asked).toEqual(['bash']);
    expect(await readFile(join(root, 'inside.txt'), 'utf8')).toBe('x');
    expect(existsSync(join(tmpdir(), 'icode-outside.txt'))).toBe(false);

    const readOnly = await play(tools, [{ name: 'write', input: { file_path: 'b.txt', content: 'y' } }], {
      mode: 'read-only',
    });
    expect(readOnly.results[0]).toMatchObject({ errorCode: 'PERMISSION_DENIED' });
  });

  it('a custom tool with access() is judged by what it touches', async () => {
    const ran: string[] = [];
    const exporter = tool({
      name: 'export_report',
      description: 'Writes a report',
      input: z.object({ path: z.string() }),
      access: ({ path }) => [{ kind: 'write', path }],
      execute: ({ path }) => (ran.push(path), 'written'),
    });
    const outcome = await play(
      [exporter],
      [
        { name: 'export_report', input: { path: 'out/report.md' } },
        { name: 'export_report', input: { path: '/etc/report.md' } },
      ],
      { mode: 'workspace-write' },
    );
    expect(outcome.results.map((r) => r.errorCode ?? 'ok')).toEqual(['ok', 'WORKSPACE_ESCAPE']);
    expect(ran).toEqual(['out/report.md']);
  });
});
