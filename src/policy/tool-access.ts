/**
 * What a tool call touches, for tools that do not say it themselves (`check.access`): the built-in tools
 * are known by name and their contract fields.
 */
import type { JsonValue } from '../model/message.js';
import type { ToolAccess } from '../tools/tool.js';
import type { PermissionCheck } from './types.js';

/**
 * Built-in tools that run in every mode (when the check does not say otherwise): readers, the todo list
 * (session state only) and `bash_kill`, which only stops a job the agent itself started.
 */
export const BUILTIN_READ_ONLY: ReadonlySet<string> = new Set([
  'read',
  'grep',
  'glob',
  'list',
  'bash_output',
  'bash_kill',
  'todo_write',
]);

/** Built-in tools covered by `Read(…)` rules. */
export const READ_TOOLS: ReadonlySet<string> = new Set(['read', 'grep', 'glob', 'list']);

/** Built-in tools covered by `Edit(…)` rules. */
export const EDIT_TOOLS: ReadonlySet<string> = new Set(['edit', 'multi_edit', 'apply_patch', 'write']);

const field = (input: JsonValue, name: string): string | undefined => {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const value = (input as Record<string, JsonValue>)[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * What an `apply_patch` envelope touches: every path is written; updated files and move destinations are
 * also read (their text is matched and echoed), so `Read(…)` rules bind them.
 */
export function patchAccesses(patch: string): ToolAccess[] {
  const accesses: ToolAccess[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const match = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/.exec(line.trimEnd());
    if (!match) continue;
    const path = match[2]!.trim();
    if (match[1] === 'Update File' || match[1] === 'Move to') accesses.push({ kind: 'read', path });
    accesses.push({ kind: 'write', path });
  }
  return accesses;
}

/**
 * The accesses of a call: `check.access` when given, else derived from a built-in tool's input. `undefined`
 * means the tool is unknown and says nothing (it is then judged by `readOnly` alone). A built-in tool whose
 * input lacks its path field gets an `unknown` marker, so it is never allowed by path rules.
 */
export function accessesOf(check: PermissionCheck): readonly ToolAccess[] | undefined {
  if (check.access) return check.access;
  const name = check.name.toLowerCase();
  const input = check.input;
  switch (name) {
    case 'read':
    case 'write':
    case 'edit':
    case 'multi_edit': {
      const path = field(input, 'file_path') ?? field(input, 'filePath') ?? field(input, 'path');
      return [{ kind: name === 'read' ? 'read' : 'write', path: path ?? '\0unknown' }];
    }
    case 'grep':
    case 'glob':
    case 'list':
      return [{ kind: 'read', path: field(input, 'path') ?? '.' }];
    case 'apply_patch': {
      const patch = field(input, 'patch') ?? field(input, 'input');
      const accesses = patch === undefined ? [] : patchAccesses(patch);
      return accesses.length > 0 ? accesses : [{ kind: 'write', path: '\0unknown' }];
    }
    case 'bash': {
      const command = field(input, 'command');
      return [{ kind: 'exec', command: command ?? '' }];
    }
    case 'web_fetch': {
      const url = field(input, 'url');
      return [{ kind: 'fetch', url: url ?? '' }];
    }
    default:
      return undefined;
  }
}
