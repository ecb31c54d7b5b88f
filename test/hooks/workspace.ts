/** A temporary workspace with the real coding tools, the real policy and a local sandbox, for hook tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type AgentOptions } from '../../src/index.js';
import { createPolicy, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

export interface Workspace {
  readonly root: string;
  /** An agent on the workspace; `policy` options are given to `createPolicy` with the root. */
  agent(
    options: Omit<AgentOptions, 'tools' | 'policy' | 'sandbox'> & { policy?: PolicyOptions },
  ): ReturnType<typeof createAgent>;
  remove(): Promise<void>;
}

export async function workspace(prefix = 'icode-hooks-'): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  return {
    root,
    agent: ({ policy, ...options }) =>
      createAgent({
        ...options,
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        sandbox: localSandbox({ root }),
        policy: createPolicy({ mode: 'workspace-write', ...policy, root }),
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
