/**
 * Which workspace a call is judged in: the root the tools act on (the sandbox's), with the additional
 * directories of the options, canonical. A policy `root` that differs from the sandbox's is a
 * configuration error the user must see at once: every call is denied saying so, never judged against a
 * second root.
 */
import type { Sandbox } from '../sandbox/types.js';
import { canonicalDirectory, nodeHelpers } from './paths.js';
import type { AdditionalDirectorySpec, Workspace } from './workspace.js';

/** A workspace, or why none can be used. */
export type WorkspaceOrMismatch = Workspace | { readonly mismatch: string };

/**
 * Makes the resolver of a policy: canonical roots and directories are computed once per root and cached
 * (a sandbox's root is canonical already).
 */
export function workspaceResolver(
  optionRoot: string | undefined,
  specs: readonly AdditionalDirectorySpec[],
): (sandbox: Sandbox | undefined) => Promise<WorkspaceOrMismatch> {
  let canonicalOptionRoot: Promise<string> | undefined;
  const cwdRoots = new Map<string, Promise<string>>();
  const workspaces = new Map<string, Promise<Workspace>>();

  const build = async (root: string): Promise<Workspace> => {
    const node = await nodeHelpers();
    const additional = await Promise.all(
      specs.map(async (spec) => {
        const path = spec.path;
        const absolute =
          path === '~' || path.startsWith('~/')
            ? `${node.home}${path.slice(1)}`
            : path.startsWith('/')
              ? path
              : `${root}/${path}`;
        return { path: await canonicalDirectory(absolute), write: spec.write };
      }),
    );
    return { root, additional };
  };
  const workspaceOf = (root: string): Promise<Workspace> => {
    let workspace = workspaces.get(root);
    if (!workspace) {
      workspace = build(root);
      workspaces.set(root, workspace);
    }
    return workspace;
  };

  return async (sandbox) => {
    if (optionRoot !== undefined) canonicalOptionRoot ??= canonicalDirectory(optionRoot);
    if (sandbox) {
      const root = sandbox.root;
      if (optionRoot !== undefined) {
        const own = await canonicalOptionRoot!;
        if (own !== root && own !== (await canonicalDirectory(root)))
          return {
            mismatch: `The policy's root (${optionRoot}) is not the root the tools act on (${root}). Give createPolicy the same root as the sandbox or the tools (codingTools({ root })), or leave it out: the policy judges paths against the tools' root.`,
          };
      }
      return workspaceOf(root);
    }
    if (canonicalOptionRoot) return workspaceOf(await canonicalOptionRoot);
    const cwd = process.cwd();
    let root = cwdRoots.get(cwd);
    if (!root) {
      root = canonicalDirectory(cwd);
      cwdRoots.set(cwd, root);
    }
    return workspaceOf(await root);
  };
}
