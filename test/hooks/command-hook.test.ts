/**
 * commandHook with real child processes (bash and node scripts) and the Claude Code hook contract, through
 * createAgent with the real coding tools, a real bash and the real policy.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandHook, ConfigError, GuardrailError, type AgentEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, drain } from '../helpers/agent.js';
import { workspace, type Workspace } from './workspace.js';

let ws: Workspace;
let scripts: string;
beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), 'icode-hook-scripts-'));
});
afterAll(() => rm(scripts, { recursive: true, force: true }));
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.remove());

/** Writes an executable script and returns its path. */
async function script(name: string, body: string): Promise<string> {
  const path = join(scripts, name);
  await writeFile(path, body);
  await chmod(path, 0o755);
  return path;
}

const toolResults = (events: AgentEvent[]) =>
  events.filter((e): e is Extract<AgentEvent, { type: 'tool-result' }> => e.type === 'tool-result');
const warnings = (events: AgentEvent[]) => events.filter((e) => e.type === 'hook-warning');

describe('PreToolUse', () => {
  it('a bash script that exits 2 blocks a bash call, with its stderr as the reason', async () => {
    const guard = await script(
      'no-rm.sh',
      `#!/usr/bin/env bash
payload=$(cat)
if printf '%s' "$payload" | grep -q '"command":"rm '; then
  echo "rm is not allowed in this repository" >&2
  exit 2
fi
exit 0
`,
    );
    await writeFile(join(ws.root, 'keep.txt'), 'precious');
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'bash', input: { command: 'rm keep.txt' } },
          { name: 'bash', input: { command: 'echo listed' } },
        ],
      },
      { text: 'ok' },
    ]);
    const run = ws
      .agent({
        provider: model,
        policy: { mode: 'full-access' },
        hooks: commandHook({ command: guard, events: ['PreToolUse'], matcher: 'Bash' }),
      })
      .run('clean up');
    const { events } = await collect(run);
    const [removed, listed] = toolResults(events);
    expect(removed).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(removed!.output).toContain('rm is not allowed in this repository');
    expect(listed).toMatchObject({ isError: false });
    expect(JSON.stringify(listed!.output)).toContain('listed');
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({ decision: 'deny', source: 'hook' });
    expect(await readFile(join(ws.root, 'keep.txt'), 'utf8')).toBe('precious');
    model.assertComplete();
  });

  it('a node script rewrites the input (updatedInput), and gets the contract JSON on stdin', async () => {
    const seen = join(scripts, 'seen.json');
    const rewrite = await script(
      'rewrite.mjs',
      `import { readFileSync, writeFileSync } from 'node:fs';
const payload = JSON.parse(readFileSync(0, 'utf8'));
writeFileSync(${JSON.stringify(seen)}, JSON.stringify(payload));
const input = { ...payload.tool_input, content: payload.tool_input.content.toUpperCase() };
console.log(JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', updatedInput: input } }));
`,
    );
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'note.txt', content: 'quiet words' } }] },
      { text: 'written' },
    ]);
    const run = ws
      .agent({
        provider: model,
        hooks: commandHook({ command: 'node', args: [rewrite], events: ['PreToolUse'], cwd: ws.root }),
      })
      .run('write a note');
    await collect(run);
    expect(await readFile(join(ws.root, 'note.txt'), 'utf8')).toBe('QUIET WORDS');
    const payload = JSON.parse(await readFile(seen, 'utf8')) as Record<string, unknown>;
    expect(payload).toMatchObject({
      session_id: run.sessionId,
      hook_event_name: 'PreToolUse',
      tool_name: 'write',
      tool_input: { file_path: 'note.txt', content: 'quiet words' },
      tool_use_id: 'call_1_1',
      cwd: ws.root,
      permission_mode: 'workspace-write',
    });
    model.assertComplete();
  });

  it('a hook that times out is killed with its process group, and the guard fails closed', async () => {
    const pidFile = join(scripts, 'child.pid');
    const slow = await script(
      'slow.sh',
      `#!/usr/bin/env bash
sleep 60 &
echo $! > ${JSON.stringify(pidFile)}
wait
`,
    );
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] },
      { text: 'ok' },
    ]);
    const run = ws
      .agent({
        provider: model,
        hooks: commandHook({ command: slow, events: ['PreToolUse'], timeoutMs: 2000, name: 'slow-guard' }),
      })
      .run('write');
    const { events } = await collect(run);
    const [result] = toolResults(events);
    expect(result).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(result!.output).toContain('timed out after 2000 ms');
    expect(warnings(events)).toMatchObject([{ hook: 'slow-guard', point: 'beforeToolCall' }]);
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    // The background child of the hook went with its group.
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
    model.assertComplete();
  });

  it('aborting the run kills a running hook with its process group', async () => {
    const pidFile = join(scripts, 'abort.pid');
    const slow = await script(
      'abort.sh',
      `#!/usr/bin/env bash\nsleep 60 &\necho $! > ${JSON.stringify(pidFile)}\nwait\n`,
    );
    const model = mockProvider([{ toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] }]);
    const run = ws
      .agent({ provider: model, hooks: commandHook({ command: slow, events: ['PreToolUse'] }) })
      .run('write');
    await expect.poll(() => existsSync(pidFile), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await readFile(pidFile, 'utf8')).trim() !== '', { timeout: 10_000 }).toBe(true);
    run.abort();
    expect((await run.result).status).toBe('aborted');
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    model.assertComplete();
  });

  it('a hook that answers garbage JSON fails closed, with a warning', async () => {
    const garbage = await script(
      'garbage.mjs',
      `process.stdin.resume(); process.stdout.write('{"hookSpecificOutput": nope');\n`,
    );
    const wrongType = await script(
      'wrong-type.mjs',
      `process.stdin.resume(); console.log(JSON.stringify({ hookSpecificOutput: { permissionDecision: 'maybe' } }));\n`,
    );
    for (const hook of [garbage, wrongType]) {
      const model = mockProvider([
        { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] },
        { text: 'ok' },
      ]);
      const run = ws
        .agent({ provider: model, hooks: commandHook({ command: 'node', args: [hook], events: ['PreToolUse'] }) })
        .run('write');
      const { events } = await collect(run);
      expect(toolResults(events)[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
      expect(warnings(events)).toHaveLength(1);
      expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
      model.assertComplete();
    }
  });

  it('a hook program that cannot start (crash) fails closed', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] },
      { text: 'ok' },
    ]);
    const run = ws
      .agent({
        provider: model,
        hooks: commandHook({ command: join(scripts, 'missing-hook'), args: [], events: ['PreToolUse'] }),
      })
      .run('write');
    const { events } = await collect(run);
    expect(toolResults(events)[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(String(toolResults(events)[0]!.output)).toContain('crashed');
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    model.assertComplete();
  });

  it("a hook's allow never beats a deny rule of the policy", async () => {
    const allow = await script(
      'allow.sh',
      `#!/usr/bin/env bash
cat > /dev/null
echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"trusted"}}'
`,
    );
    await writeFile(join(ws.root, 'keep.txt'), 'precious');
    const model = mockProvider([
      { toolCalls: [{ name: 'bash', input: { command: 'rm -f keep.txt' } }] },
      { text: 'ok' },
    ]);
    const run = ws
      .agent({
        provider: model,
        policy: { mode: 'full-access', deny: ['Bash(rm:*)'] },
        hooks: commandHook({ command: allow, events: ['PreToolUse'] }),
      })
      .run('remove it');
    const { events } = await collect(run);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({
      decision: 'deny',
      source: 'rule',
      rule: 'Bash(rm:*)',
    });
    expect(toolResults(events)[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(await readFile(join(ws.root, 'keep.txt'), 'utf8')).toBe('precious');
    model.assertComplete();
  });

  it("a hook's ask goes to the policy's approver", async () => {
    const ask = await script(
      'ask.sh',
      `#!/usr/bin/env bash
cat > /dev/null
echo '{"hookSpecificOutput":{"permissionDecision":"ask","permissionDecisionReason":"writes are reviewed"}}'
`,
    );
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] },
      { text: 'ok' },
    ]);
    const asked: string[] = [];
    await ws
      .agent({
        provider: model,
        policy: { allow: ['Edit'], approve: (request) => (asked.push(request.reason), 'allow') },
        hooks: commandHook({ command: ask, events: ['PreToolUse'] }),
      })
      .run('write').result;
    expect(asked).toEqual(['A hook asks: writes are reviewed']);
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(true);
    model.assertComplete();
  });

  it('another exit code is a warning and the call goes on; with onError: block it refuses', async () => {
    const failing = await script('failing.sh', `#!/usr/bin/env bash\ncat > /dev/null\necho oops >&2\nexit 1\n`);
    for (const onError of ['warn', 'block'] as const) {
      const model = mockProvider([
        { toolCalls: [{ name: 'write', input: { file_path: `${onError}.txt`, content: 'x' } }] },
        { text: 'ok' },
      ]);
      const run = ws
        .agent({ provider: model, hooks: commandHook({ command: failing, events: ['PreToolUse'], onError }) })
        .run('write');
      const { events } = await collect(run);
      expect(warnings(events)[0]).toMatchObject({ message: expect.stringContaining('exited with code 1: oops') });
      expect(existsSync(join(ws.root, `${onError}.txt`))).toBe(onError === 'warn');
      model.assertComplete();
    }
  });

  it('runs only for tools its matcher names', async () => {
    const denyAll = await script('deny-all.sh', `#!/usr/bin/env bash\ncat > /dev/null\necho denied >&2\nexit 2\n`);
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] },
      { text: 'ok' },
    ]);
    await ws
      .agent({
        provider: model,
        hooks: commandHook({ command: denyAll, events: ['PreToolUse'], matcher: 'bash|edit' }),
      })
      .run('write').result;
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(true);
    model.assertComplete();
  });
});

describe('other events', () => {
  it('UserPromptSubmit: exit 2 blocks the input; plain stdout is added as context', async () => {
    const prompt = await script(
      'prompt.sh',
      `#!/usr/bin/env bash
payload=$(cat)
if printf '%s' "$payload" | grep -q 'secret'; then echo "no secrets, please" >&2; exit 2; fi
echo "Branch: main"
`,
    );
    const hooks = commandHook({ command: prompt, events: ['UserPromptSubmit'], name: 'prompt-check' });
    const unused = mockProvider([]);
    const blocked = await drain(ws.agent({ provider: unused, hooks }).run('the secret is 42'));
    unused.assertComplete();
    expect(GuardrailError.isInstance(blocked.error)).toBe(true);
    expect(blocked.error).toMatchObject({ guardrail: 'prompt-check', reason: 'no secrets, please', stage: 'input' });

    const model = mockProvider([{ text: 'ok' }]);
    await ws.agent({ provider: model, hooks }).run('hello').result;
    expect(model.requests[0]!.messages[0]!.content).toEqual([
      { type: 'text', text: 'hello' },
      { type: 'text', text: 'Branch: main' },
    ]);
    model.assertComplete();
  });

  it('Stop: exit 2 makes the run go on with stderr as the message, told stop_hook_active the second time', async () => {
    const log = join(scripts, 'stop.log');
    const stop = await script(
      'stop.mjs',
      `import { appendFileSync, readFileSync } from 'node:fs';
const payload = JSON.parse(readFileSync(0, 'utf8'));
appendFileSync(${JSON.stringify(log)}, JSON.stringify(payload) + '\\n');
if (!payload.stop_hook_active) { process.stderr.write('Run the tests before you stop.'); process.exit(2); }
`,
    );
    const model = mockProvider([{ text: 'done' }, { text: 'tests pass' }]);
    const result = await ws
      .agent({ provider: model, hooks: commandHook({ command: 'node', args: [stop], events: ['Stop'] }) })
      .run('fix it').result;
    expect(result).toMatchObject({ status: 'completed', text: 'tests pass', turns: 2 });
    expect(model.requests[1]!.messages.at(-1)!.content).toEqual([
      { type: 'text', text: 'Run the tests before you stop.' },
    ]);
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(calls.map((c) => [c.hook_event_name, c.stop_hook_active, c.last_assistant_message])).toEqual([
      ['Stop', false, 'done'],
      ['Stop', true, 'tests pass'],
    ]);
    model.assertComplete();
  });

  it('PostToolUse: additionalContext is added to the result; continue: false stops the run', async () => {
    const post = await script(
      'post.sh',
      `#!/usr/bin/env bash
cat > /dev/null
echo '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"Formatted with prettier."}}'
`,
    );
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'a.ts', content: 'x' } }] },
      { text: 'ok' },
    ]);
    await ws
      .agent({ provider: model, hooks: commandHook({ command: post, events: ['PostToolUse'], matcher: 'write' }) })
      .run('write').result;
    const result = model.requests[1]!.messages.at(-1)!.content[0] as { output: string };
    expect(result.output).toMatch(/Hook feedback \(.*post\.sh\): Formatted with prettier\.$/);
    model.assertComplete();

    const halt = await script(
      'halt.sh',
      `#!/usr/bin/env bash\ncat > /dev/null\necho '{"continue":false,"stopReason":"Build is broken; stopping."}'\n`,
    );
    const stopped = mockProvider([{ toolCalls: [{ name: 'write', input: { file_path: 'b.ts', content: 'x' } }] }]);
    const { error } = await drain(
      ws
        .agent({ provider: stopped, hooks: commandHook({ command: halt, events: ['PostToolUse'], name: 'ci' }) })
        .run('w'),
    );
    expect(error).toMatchObject({
      code: 'GUARDRAIL_TRIPPED',
      guardrail: 'ci',
      reason: 'Build is broken; stopping.',
      stage: 'hook',
    });
    stopped.assertComplete();
  });

  it('PostToolUse runs only after calls that completed, not after a refusal', async () => {
    const log = join(scripts, 'post.log');
    const post = await script(
      'post-log.sh',
      `#!/usr/bin/env bash\ncat >> ${JSON.stringify(log)}\necho >> ${JSON.stringify(log)}\n`,
    );
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'write', input: { file_path: 'ok.txt', content: 'x' } },
          { name: 'write', input: { file_path: 'secret.txt', content: 'x' } },
        ],
      },
      { text: 'ok' },
    ]);
    await ws
      .agent({
        provider: model,
        policy: { deny: ['Edit(secret.txt)'] },
        hooks: commandHook({ command: post, events: ['PostToolUse'] }),
      })
      .run('write').result;
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(calls.map((c) => c.tool_input.file_path)).toEqual(['ok.txt']);
    expect(calls[0]).toMatchObject({ hook_event_name: 'PostToolUse', tool_name: 'write' });
    model.assertComplete();
  });

  it('SessionStart adds context; SessionEnd is told how the run ended', async () => {
    const log = join(scripts, 'session.log');
    const session = await script(
      'session.sh',
      `#!/usr/bin/env bash
payload=$(cat)
printf '%s\\n' "$payload" >> ${JSON.stringify(log)}
if printf '%s' "$payload" | grep -q '"SessionStart"'; then echo '{"hookSpecificOutput":{"additionalContext":"Project uses pnpm."}}'; fi
`,
    );
    const model = mockProvider([{ text: 'ok' }]);
    await ws
      .agent({ provider: model, hooks: commandHook({ command: session, events: ['SessionStart', 'SessionEnd'] }) })
      .run('hi').result;
    expect(model.requests[0]!.messages[0]!.content).toContainEqual({ type: 'text', text: 'Project uses pnpm.' });
    const lines = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.hook_event_name, l.source ?? l.status])).toEqual([
      ['SessionStart', 'startup'],
      ['SessionEnd', 'completed'],
    ]);
    model.assertComplete();
  });
});

describe('options', () => {
  it('bad options are a ConfigError', () => {
    const cases: unknown[] = [
      { command: '', events: ['PreToolUse'] },
      { command: 'x', events: [] },
      { command: 'x', events: ['BeforeEverything'] },
      { command: 'x', events: ['PreToolUse'], matcher: '(' },
      { command: 'x', events: ['PreToolUse'], timeoutMs: 0 },
      { command: 'x', events: ['PreToolUse'], args: 'a b' },
    ];
    for (const options of cases) {
      expect(() => commandHook(options as Parameters<typeof commandHook>[0])).toThrow(ConfigError);
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
