/**
 * One root, one boundary: the policy judges paths against the root the tools act on, refuses what lies
 * outside it (and its additional directories) at once with `WORKSPACE_ESCAPE` and no question, resolves
 * `link/..` as the kernel does, and never throws into a run. A scripted malicious model drives the real
 * stack (`createAgent` + `codingTools` + `createPolicy`) on real files and symlinks, in every mode.
 *
 * The tool result carries the decision's `errorCode`; the decisions are also checked through
 * `policy.decide` with the tools' sandbox.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicy, type PermissionCheck } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { createAgent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { gitInit, MODES, recordingApprover, runCalls, scratch, type Call } from './policy-harness.js';

let dir: Awaited<ReturnType<typeof scratch>>;
let root: string;
let outside: string;
const OUTSIDE_SECRET = 'OUTSIDE-SECRET-5d2e';
const ENV_SECRET = 'ENV-SECRET-c0de';

beforeEach(async () => {
  dir = await scratch();
  ({ root, outside } = dir);
  await mkdir(join(root, 'sub', 'dir'), { recursive: true });
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  await writeFile(join(root, '.env'), `TOKEN=${ENV_SECRET}\n`);
  await writeFile(join(outside, 'passwd'), `${OUTSIDE_SECRET}\n`);
  // `link/..` is `sub`, not the root: the kernel follows the link before it takes the `..`.
  await symlink('sub/dir', join(root, 'link'));
  await symlink('../outside', join(root, 'ext'));
  gitInit(root);
});
afterEach(() => dir.cleanup());

const bash = (command: string): Call => ({ name: 'bash', input: { command, description: 'x' } });

describe('outside the root: refused at once, never asked', () => {
  const calls = (): Call[] => [
    { name: 'read', input: { file_path: join(outside, 'passwd') } },
    { name: 'read', input: { file_path: '../outside/passwd' } },
    { name: 'read', input: { file_path: 'ext/passwd' } },
    { name: 'read', input: { file_path: 'link/../../../outside/passwd' } },
    { name: 'write', input: { file_path: join(outside, 'new.txt'), content: 'x' } },
    { name: 'write', input: { file_path: 'ext/new.txt', content: 'x' } },
    { name: 'grep', input: { pattern: 'SECRET', path: '../outside' } },
    { name: 'glob', input: { pattern: '*', path: 'ext' } },
    { name: 'list', input: { path: '..' } },
    bash(`cat ${join(outside, 'passwd')}`),
    bash('cat ext/passwd'),
    bash('cat link/../../../outside/passwd'),
    bash('echo x > ../outside/written.txt'),
    bash('grep -r SECRET ext/'),
    bash('cd .. && cat outside/passwd'),
  ];

  for (const mode of MODES) {
    it(`${mode}: reads and writes outside get WORKSPACE_ESCAPE, no permission request, nothing leaks`, async () => {
      const { asked, approve } = recordingApprover('allow');
      const policy = createPolicy({ mode, approve });
      const tools = codingTools({ root, exclude: ['web_fetch'] });
      const list = calls();
      const outcome = await runCalls({ tools, policy, calls: list });
      expect(outcome.status).toBe('completed');
      expect(outcome.requests).toEqual([]);
      expect(asked).toEqual([]);
      expect(outcome.results).toHaveLength(list.length);
      for (const result of outcome.results) {
        expect(result.isError).toBe(true);
        expect(result.errorCode).toBe('WORKSPACE_ESCAPE');
        expect(result.output).toMatch(/outside the workspace/);
      }
      expect(outcome.seen).not.toContain(OUTSIDE_SECRET);
      // No message names where a symlink leads (a path the model wrote itself may be echoed).
      outcome.results.forEach((result, i) => {
        if (!JSON.stringify(list[i]!.input).includes(outside)) expect(result.output).not.toContain(outside);
      });
      expect(existsSync(join(outside, 'new.txt'))).toBe(false);
      expect(existsSync(join(outside, 'written.txt'))).toBe(false);
      // The decisions themselves carry WORKSPACE_ESCAPE.
      const sandbox = tools[0]!.sandbox!;
      for (const call of list) {
        const decision = await policy.decide({ name: call.name, input: call.input as never, sandbox });
        expect(decision, JSON.stringify(call)).toMatchObject({ decision: 'deny', errorCode: 'WORKSPACE_ESCAPE' });
      }
    });
  }

  it('a symlink that leads outside is named as such, without its target', async () => {
    const policy = createPolicy();
    const decision = await policy.decide({
      name: 'read',
      input: { file_path: 'ext/passwd' } as never,
      sandbox: localSandbox({ root }),
    });
    expect(decision.reason).toMatch(/symlink that leads outside the workspace/);
    expect(decision.reason).not.toContain(outside);
  });
});

describe('`link/..` resolves like the kernel', () => {
  for (const mode of MODES) {
    it(`${mode}: a deny rule holds against link/../.. and cd link/..`, async () => {
      const { asked, approve } = recordingApprover('allow');
      const outcome = await runCalls({
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: createPolicy({ mode, deny: ['Read(./.env)'], approve }),
        calls: [
          { name: 'read', input: { file_path: 'link/../../.env' } },
          bash('cat link/../../.env'),
          bash('cd link/.. && cat ../.env'),
          bash('cd link && cat ../../.env'),
        ],
      });
      expect(asked).toEqual([]);
      expect(outcome.results.map((r) => r.errorCode)).toEqual(Array(4).fill('PERMISSION_DENIED'));
      expect(outcome.results.every((r) => r.output.includes('Read(./.env)'))).toBe(true);
      expect(outcome.seen).not.toContain(ENV_SECRET);
    });
  }
});

describe('one root', () => {
  it('codingTools({ root }) with no agent sandbox: the policy judges against that root', async () => {
    await writeFile(join(root, 'secret'), 'ROOT-SECRET\n');
    const { asked, approve } = recordingApprover('allow');
    const outcome = await runCalls({
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: createPolicy({ mode: 'read-only', deny: ['Read(./secret)'], approve }),
      calls: [
        { name: 'read', input: { file_path: 'secret' } },
        bash('cat secret'),
        { name: 'read', input: { file_path: 'src/a.ts' } },
        { name: 'write', input: { file_path: 'src/b.ts', content: 'x' } },
      ],
    });
    expect(asked).toEqual([]);
    expect(outcome.results.slice(0, 2).map((r) => [r.errorCode, r.output.includes('Read(./secret)')])).toEqual([
      ['PERMISSION_DENIED', true],
      ['PERMISSION_DENIED', true],
    ]);
    expect(outcome.results[2]).toMatchObject({ isError: false });
    expect(outcome.results[2]!.output).toContain('export const a');
    // Read-only mode, judged in the tools' root: the write is refused, not asked.
    expect(outcome.results[3]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(outcome.seen).not.toContain('ROOT-SECRET');
  });

  it('a createPolicy root that differs from the tools root is refused clearly, for every call', async () => {
    const { asked, approve } = recordingApprover('allow');
    const outcome = await runCalls({
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: createPolicy({ mode: 'full-access', root: outside, approve }),
      calls: [{ name: 'read', input: { file_path: 'src/a.ts' } }, bash('touch made.txt')],
    });
    expect(asked).toEqual([]);
    for (const result of outcome.results) {
      expect(result).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
      expect(result.output).toMatch(/policy's root .* is not the root the tools act on/);
    }
    expect(existsSync(join(root, 'made.txt'))).toBe(false);
    // The same root, spelled through a symlink, agrees.
    await symlink(root, join(dir.base, 'alias'));
    const same = createPolicy({ root: join(dir.base, 'alias') });
    const check: PermissionCheck = { name: 'read', input: { file_path: 'src/a.ts' }, sandbox: localSandbox({ root }) };
    expect((await same.decide(check)).decision).toBe('allow');
  });
});

describe('additionalDirectories', () => {
  let shared: string;
  let scratchDir: string;
  beforeEach(async () => {
    shared = join(dir.base, 'shared');
    scratchDir = join(dir.base, 'scratch');
    await mkdir(shared);
    await mkdir(scratchDir);
    await writeFile(join(shared, 'doc.md'), 'SHARED-DOC\n');
    await writeFile(join(shared, '.env'), 'SHARED-ENV\n');
  });

  it('gives the default sandbox the directories policy options grant, so the file tools reach them', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: join(shared, 'doc.md') } }] },
      { toolCalls: [{ name: 'write', input: { file_path: join(scratchDir, 'out.txt'), content: 'built' } }] },
      { toolCalls: [{ name: 'write', input: { file_path: join(shared, 'doc.md'), content: 'changed' } }] },
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider: model,
      tools: codingTools({ exclude: ['web_fetch', 'bash', 'bash_output', 'bash_kill'] }),
      policy: {
        mode: 'workspace-write',
        root,
        additionalDirectories: [shared, { path: scratchDir, access: 'read-write' }],
      },
    });
    const run = agent.run('go');
    const results = [];
    for await (const event of run) if (event.type === 'tool-result') results.push(event);
    expect((await run.result).status).toBe('completed');
    expect(results[0]).toMatchObject({ isError: false });
    expect(JSON.stringify(results[0]!.output)).toContain('SHARED-DOC');
    expect(results[1]).toMatchObject({ isError: false });
    expect(await readFile(join(scratchDir, 'out.txt'), 'utf8')).toBe('built');
    expect(results[2]).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    expect(await readFile(join(shared, 'doc.md'), 'utf8')).toBe('SHARED-DOC\n');
  });

  for (const mode of MODES) {
    it(`${mode}: read-only and read-write directories are judged like the workspace`, async () => {
      const { asked, approve } = recordingApprover('deny');
      const policy = createPolicy({
        mode,
        deny: ['Read(.env)'],
        approve,
        additionalDirectories: [shared, { path: scratchDir, access: 'read-write' }],
      });
      const outcome = await runCalls({
        // The tools' sandbox reaches the same directories the policy grants.
        tools: codingTools({
          root,
          exclude: ['web_fetch'],
          additionalDirectories: [shared, { path: scratchDir, access: 'read-write' }],
        }),
        policy,
        calls: [
          bash(`cat ${shared}/doc.md`),
          bash(`cat ${shared}/.env`),
          bash(`echo x > ${shared}/new.txt`),
          bash(`echo built > ${scratchDir}/out.txt`),
          bash(`mkdir -p ${scratchDir}/.git && echo x > ${scratchDir}/.git/config`),
        ],
      });
      const [read, env, readOnlyWrite, write, protectedWrite] = outcome.results;
      expect(read).toMatchObject({ isError: false });
      expect(read!.output).toContain('SHARED-DOC');
      expect(env).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
      expect(outcome.seen).not.toContain('SHARED-ENV');
      expect(readOnlyWrite!.output).toMatch(/read-only additional directory/);
      expect(existsSync(join(shared, 'new.txt'))).toBe(false);
      // A shell write: denied in read-only mode, asked in workspace-write (as inside the root), run in
      // full-access.
      if (mode === 'full-access') {
        expect(write).toMatchObject({ isError: false });
        expect(await readFile(join(scratchDir, 'out.txt'), 'utf8')).toBe('built\n');
      } else expect(write).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
      if (mode === 'workspace-write')
        expect(asked.map((request) => request.input)).toContainEqual({
          command: `echo built > ${scratchDir}/out.txt`,
          description: 'x',
        });
      expect(protectedWrite).toMatchObject({ isError: true });
      expect(existsSync(join(scratchDir, '.git', 'config'))).toBe(false);
      // No question about the granted directories is a pointless one about being outside.
      expect(asked.every((request) => !/outside/.test(request.reason))).toBe(true);
      // The file tools' decisions, with the tools' sandbox.
      const sandbox = localSandbox({ root });
      const decide = (check: Omit<PermissionCheck, 'sandbox'>) => policy.decide({ ...check, sandbox });
      expect((await decide({ name: 'read', input: { file_path: join(shared, 'doc.md') } })).decision).toBe('allow');
      expect(await decide({ name: 'write', input: { file_path: join(shared, 'doc.md'), content: 'x' } })).toMatchObject(
        {
          decision: 'deny',
          errorCode: 'WORKSPACE_ESCAPE',
        },
      );
      expect(
        (await decide({ name: 'write', input: { file_path: join(scratchDir, 'f'), content: 'x' } })).decision,
      ).toBe(mode === 'read-only' ? 'deny' : 'allow');
      expect(await decide({ name: 'read', input: { file_path: join(dir.base, 'elsewhere') } })).toMatchObject({
        errorCode: 'WORKSPACE_ESCAPE',
      });
    });
  }
});

describe('the policy never throws into the run', () => {
  for (const mode of MODES) {
    it(`${mode}: a symlink loop and an overlong name give one error result each`, async () => {
      await symlink('loop', join(root, 'loop'));
      const long = `${'a'.repeat(300)}/${'b'.repeat(5000)}`;
      const { asked, approve } = recordingApprover('allow');
      const outcome = await runCalls({
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: createPolicy({ mode, approve }),
        calls: [
          { name: 'read', input: { file_path: 'loop/x' } },
          { name: 'write', input: { file_path: 'loop/y', content: 'x' } },
          bash('cat loop/x'),
          { name: 'read', input: { file_path: long } },
          bash(`cat ${long}`),
          { name: 'read', input: { file_path: 'src/a.ts' } },
        ],
      });
      expect(outcome.status).toBe('completed');
      expect(asked).toEqual([]);
      expect(outcome.results).toHaveLength(6);
      for (const result of outcome.results.slice(0, 5)) {
        expect(result).toMatchObject({ isError: true });
        expect(result.output).toMatch(/symlink loop|name is too long/);
      }
      expect(outcome.results[5]).toMatchObject({ isError: false });
    });
  }

  it('a process flipping a directory and a symlink during decide: every call gets one result', async () => {
    await mkdir(join(root, 'flip'));
    await writeFile(join(root, 'flip', 'f.txt'), 'inside\n');
    await writeFile(join(outside, 'f.txt'), `${OUTSIDE_SECRET}\n`);
    // Swap `flip` between the real directory and a symlink to the outside, as fast as the shell can.
    const flipper = spawn(
      'bash',
      ['-c', 'while true; do mv flip flip.d; ln -s ../outside flip; rm flip; mv flip.d flip; done'],
      { cwd: root, stdio: 'ignore' },
    );
    try {
      const policy = createPolicy({ mode: 'workspace-write', deny: ['Read(./.env)'] });
      const sandbox = localSandbox({ root });
      const checks: PermissionCheck[] = [];
      for (let i = 0; i < 150; i++)
        checks.push(
          { name: 'read', input: { file_path: 'flip/f.txt' }, sandbox },
          { name: 'bash', input: { command: `cat flip/f.txt flip/../.env${i}` }, sandbox },
          { name: 'grep', input: { pattern: 'x', path: 'flip' }, sandbox },
        );
      const decisions = await Promise.all(checks.map((check) => policy.decide(check)));
      for (const decision of decisions) expect(['allow', 'ask', 'deny']).toContain(decision.decision);
      expect(decisions.every((decision) => !decision.reason.includes(outside))).toBe(true);
      // And a whole run: one result per call, never a failed run.
      const calls: Call[] = Array.from({ length: 20 }, (_, i) => ({
        name: i % 2 ? 'grep' : 'list',
        input: { pattern: `inside|${i}`, path: 'flip' },
      }));
      const outcome = await runCalls({ tools: codingTools({ root, exclude: ['web_fetch'] }), policy, calls });
      expect(outcome.status).toBe('completed');
      expect(outcome.results).toHaveLength(calls.length);
    } finally {
      flipper.kill('SIGKILL');
    }
  });
});
