/**
 * The `apply_patch` tool: the Codex patch envelope, verified whole before anything is written.
 */
import { unlink } from 'node:fs/promises';
import { z } from 'zod';
import type { Sandbox } from '../../../sandbox/types.js';
import { tool } from '../../define-tool.js';
import type { SessionState, Tool, ToolAccess, ToolContext } from '../../tool.js';
import { compactDiff } from '../files/compact-diff.js';
import { commitText, displayPath, formatBytes, MAX_EDIT_BYTES } from '../files/file-access.js';
import { withFileLock } from '../files/file-tracker.js';
import { applyChunks } from './patch-apply.js';
import { parsePatch, type PatchOperation } from './patch-parser.js';
import { decodeText, looksBinary } from '../files/text-encoding.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { withAliases } from '../tool-input.js';

const input = withAliases(
  z.object({
    patch: z.string().min(1).describe('The patch, from "*** Begin Patch" to "*** End Patch".'),
  }),
  { input: 'patch', patchText: 'patch', patch_text: 'patch' },
);

type FileForm = { readonly bom: boolean; readonly lineEnding: '\n' | '\r\n' };

/** The planned state of one file after the patch: new text, or `null` for deleted. */
interface Planned {
  readonly absolute: string;
  readonly display: string;
  readonly before: string | null;
  after: string | null;
  form: FileForm;
}

/**
 * The `apply_patch` tool: adds, updates (with an optional move) and deletes files from one patch in the
 * Codex format. Every change of every file is checked against the current contents first; if any fails,
 * nothing is written and the error names the file and the change. `access` lists every path of the patch,
 * so one permission decision covers the whole call. Context lines are matched exactly, then ignoring
 * trailing whitespace, surrounding whitespace, then typographic punctuation. BOM and line endings of
 * updated files are kept. Unlike `edit`, no prior `read` is required: the context lines of each change
 * show the model saw the text, and they are checked against the file as it is now. Files it writes are
 * recorded as read, so `edit` can follow without another read. Updated and moved files count as read for
 * the policy; a file the policy does not let the model read (`ctx.canRead`) is never moved, and its diff is
 * not shown.
 *
 * @example
 * ```ts
 * await applyPatchTool({ root }).execute({ patch: '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch' }, ctx);
 * ```
 */
export function applyPatchTool(options: BuiltinToolOptions = {}): Tool<z.output<typeof input>> {
  return tool({
    ...boundSandbox(options),
    name: 'apply_patch',
    description: [
      'Applies a patch that adds, updates, moves or deletes files. Format:',
      '*** Begin Patch',
      '*** Add File: path/new.ts',
      '+every line of the new file, each prefixed with +',
      '*** Update File: path/old.ts',
      '*** Move to: path/renamed.ts   (optional)',
      '@@ a line near the change, e.g. the enclosing function signature (optional)',
      ' unchanged context line (3 lines around each change)',
      '-removed line',
      '+added line',
      '*** Delete File: path/gone.ts',
      '*** End Patch',
      'Every change is verified before any file is written; if one does not match, nothing is written.',
    ].join('\n'),
    input,
    access: (args) => patchAccess(args.patch),
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      const operations = parsePatch(args.patch);
      const paths = await Promise.all(
        operations
          .flatMap((op) => [op.path, ...(op.kind === 'update' && op.moveTo !== undefined ? [op.moveTo] : [])])
          .map((p) => sandbox.resolve(p, 'write')),
      );
      const unique = [...new Set(paths)].sort();
      const hidden = await unreadable(ctx, sandbox, operations);
      return lockAll(unique, () => applyOperations(sandbox, ctx.state, operations, hidden));
    },
  });
}

/**
 * What the patch touches, for the policy: every path is written; an updated file is also read (its text
 * is matched and shown in the diff), and a move reads its source and destination, so a `Read(…)` deny rule
 * on either refuses the whole patch.
 */
function patchAccess(patch: string): ToolAccess[] {
  let operations: PatchOperation[];
  try {
    operations = parsePatch(patch);
  } catch {
    // Unparseable: execute will refuse it; ask about the whole workspace rather than nothing.
    return [{ kind: 'write', path: '.' }];
  }
  return operations.flatMap((op): ToolAccess[] => {
    const paths = op.kind === 'update' ? [op.path, ...(op.moveTo !== undefined ? [op.moveTo] : [])] : [op.path];
    return paths.flatMap((path): ToolAccess[] =>
      op.kind === 'update'
        ? [
            { kind: 'read', path },
            { kind: 'write', path },
          ]
        : [{ kind: 'write', path }],
    );
  });
}

/**
 * The canonical paths of updated files the policy does not let the model read (an `ask` rule the user
 * approved): they are patched, but their text is never echoed. A move of such a file, or onto such a
 * place, is refused: it would carry a protected file's content where the rule does not reach.
 */
async function unreadable(
  ctx: Pick<ToolContext, 'canRead'>,
  sandbox: Sandbox,
  operations: readonly PatchOperation[],
): Promise<ReadonlySet<string>> {
  const hidden = new Set<string>();
  const canRead = ctx.canRead;
  if (!canRead) return hidden;
  for (const op of operations) {
    if (op.kind !== 'update') continue;
    const source = await sandbox.resolve(op.path, 'write');
    const sourceOk = await canRead(source).catch(() => false);
    if (!sourceOk) hidden.add(source);
    if (op.moveTo === undefined) continue;
    const destination = await sandbox.resolve(op.moveTo, 'write');
    if (!sourceOk || !(await canRead(destination).catch(() => false)))
      throw new Error(
        `apply_patch refused: moving ${op.path} to ${op.moveTo} is not allowed, because the policy does not let you read ${sourceOk ? op.moveTo : op.path}. Nothing was written.`,
      );
  }
  return hidden;
}

async function lockAll<T>(paths: readonly string[], task: () => Promise<T>): Promise<T> {
  const [first, ...rest] = paths;
  if (first === undefined) return task();
  return withFileLock(first, () => lockAll(rest, task));
}

async function applyOperations(
  sandbox: Sandbox,
  state: SessionState,
  operations: readonly PatchOperation[],
  hidden: ReadonlySet<string>,
): Promise<string> {
  const planned = new Map<string, Planned>();
  const load = async (path: string): Promise<Planned> => {
    const absolute = await sandbox.resolve(path, 'write');
    const known = planned.get(absolute);
    if (known) return known;
    const display = displayPath(sandbox, absolute);
    const info = await sandbox.stat(absolute);
    let before: string | null = null;
    let form: FileForm = { bom: false, lineEnding: '\n' };
    if (info) {
      if (info.type !== 'file')
        throw new Error(`apply_patch verification failed: ${display} is not a regular file. Nothing was written.`);
      if (info.size > MAX_EDIT_BYTES)
        throw new Error(
          `apply_patch verification failed: ${display} is ${formatBytes(info.size)}, too large to patch. Nothing was written.`,
        );
      const bytes = await sandbox.readFile(absolute);
      if (looksBinary(bytes))
        throw new Error(`apply_patch verification failed: ${display} is a binary file. Nothing was written.`);
      const decoded = decodeText(bytes);
      before = decoded.text;
      form = decoded;
    }
    const entry: Planned = { absolute, display, before, after: before, form };
    planned.set(absolute, entry);
    return entry;
  };
  const fail = (message: string): never => {
    throw new Error(`apply_patch verification failed: ${message} Nothing was written.`);
  };

  const summary: string[] = [];
  for (const op of operations) {
    const file = await load(op.path);
    if (op.kind === 'add') {
      if (file.after !== null)
        fail(`${file.display} already exists, so it cannot be added. Use "*** Update File: ${op.path}" to change it.`);
      file.after = op.content;
      summary.push(`A ${file.display}`);
    } else if (op.kind === 'delete') {
      if (file.after === null) fail(`${file.display} does not exist, so it cannot be deleted.`);
      file.after = null;
      summary.push(`D ${file.display}`);
    } else {
      if (file.after === null)
        fail(`${file.display} does not exist, so it cannot be updated. Use "*** Add File: ${op.path}" to create it.`);
      let text = file.after ?? '';
      if (op.chunks.length > 0) {
        try {
          text = applyChunks(text, op.chunks, file.display);
        } catch (error) {
          fail(`${(error as Error).message}`);
        }
      }
      if (op.moveTo === undefined) {
        file.after = text;
        summary.push(`M ${file.display}`);
      } else {
        const destination = await load(op.moveTo);
        if (destination.absolute !== file.absolute) {
          if (destination.after !== null)
            fail(`cannot move ${file.display} to ${destination.display}: it already exists.`);
          destination.after = text;
          destination.form = file.form;
          file.after = null;
        } else file.after = text;
        summary.push(`M ${file.display} -> ${destination.display}`);
      }
    }
  }

  // Verified: now write. New and changed files first, deletions last, so a move never loses its source first.
  const changed = [...planned.values()].filter((file) => file.after !== file.before);
  for (const file of changed)
    if (file.after !== null) await commitText(sandbox, state, file.absolute, file.after, file.form);
  for (const file of changed) if (file.after === null) await unlink(file.absolute);

  const diffs = changed
    .filter((file) => file.before !== null && file.after !== null)
    .map((file) =>
      hidden.has(file.absolute)
        ? `${file.display}\n(diff not shown: the policy does not let you read this file)`
        : `${file.display}\n${compactDiff(file.before ?? '', file.after ?? '', { maxLines: 80 }).text}`,
    );
  return [`Success. Updated the following files:`, ...summary, ...(diffs.length > 0 ? ['', ...diffs] : [])].join('\n');
}
