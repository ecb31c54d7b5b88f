/**
 * Reading a command hook's answer as in the Claude Code hook contract: the exit code, and on exit 0 the
 * JSON on stdout (or plain text, which some events take as context).
 */
import type { JsonValue } from '../model/message.js';
import type { HookProcessResult } from './spawn-hook.js';

/** The fields of a hook's JSON answer that icode reads; all optional. */
export interface HookOutput {
  readonly continue?: boolean;
  readonly stopReason?: string;
  readonly decision?: 'block' | 'approve';
  readonly reason?: string;
  readonly permissionDecision?: 'allow' | 'deny' | 'ask';
  readonly permissionDecisionReason?: string;
  readonly updatedInput?: JsonValue;
  readonly additionalContext?: string;
}

/** What a hook answered, read. */
export type HookReply =
  /** Exit 0: its JSON answer, or its plain text. */
  | { readonly kind: 'ok'; readonly output: HookOutput; readonly text?: string }
  /** Exit 2: block, with stderr as the reason. */
  | { readonly kind: 'block'; readonly reason: string }
  /** Any other way it ended: another exit code, a timeout, a crash, an answer that is not hook JSON. */
  | { readonly kind: 'failed'; readonly message: string; readonly guardFails: boolean };

/**
 * Reads a hook's result. `guardFails` is set for what a guard must not take as a pass: a timeout, a crash
 * and output that looks like JSON but is not a valid answer. An exit code other than 0 and 2 is, as in the
 * contract, a non-blocking error.
 */
export function readReply(result: HookProcessResult, timeoutMs: number): HookReply {
  switch (result.kind) {
    case 'timeout':
      return { kind: 'failed', message: `timed out after ${timeoutMs} ms and was killed`, guardFails: true };
    case 'aborted':
      return { kind: 'failed', message: 'was stopped: the run was aborted', guardFails: true };
    case 'crashed':
      return { kind: 'failed', message: `crashed (${result.message})${stderrNote(result.stderr)}`, guardFails: true };
    case 'exit':
      break;
  }
  if (result.code === 2) return { kind: 'block', reason: result.stderr.trim() };
  if (result.code !== 0) {
    return {
      kind: 'failed',
      message: `exited with code ${result.code}${stderrNote(result.stderr)}`,
      guardFails: false,
    };
  }
  if (result.truncated) {
    // The answer was cut at the cap: what is left (blank space, the start of a JSON answer) is not what the
    // hook said, and a deny past the cut must not read as a pass.
    return { kind: 'failed', message: 'answered more output than a hook may (1 MiB)', guardFails: true };
  }
  const text = result.stdout.trim();
  if (!/^[[{]/.test(text)) return text === '' ? { kind: 'ok', output: {} } : { kind: 'ok', output: {}, text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'failed', message: `answered invalid JSON (${(error as Error).message})`, guardFails: true };
  }
  const output = hookOutput(json);
  return typeof output === 'string'
    ? { kind: 'failed', message: `answered JSON that is not a hook answer: ${output}`, guardFails: true }
    : { kind: 'ok', output };
}

function stderrNote(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? '' : `: ${text.length > 500 ? `${text.slice(0, 500)}…` : text}`;
}

/** The answer's fields, checked; a string says what is wrong. */
function hookOutput(json: unknown): HookOutput | string {
  if (!isObject(json)) return 'expected a JSON object';
  const specific = json.hookSpecificOutput ?? {};
  if (!isObject(specific)) return '`hookSpecificOutput` must be an object';
  const fields: Record<string, unknown> = {
    continue: json.continue,
    stopReason: json.stopReason,
    decision: json.decision,
    reason: json.reason,
    permissionDecision: specific.permissionDecision,
    permissionDecisionReason: specific.permissionDecisionReason,
    updatedInput: specific.updatedInput ?? json.updatedInput,
    additionalContext: specific.additionalContext,
  };
  const problem =
    check(fields, 'continue', (v) => typeof v === 'boolean') ??
    check(fields, 'decision', (v) => v === 'block' || v === 'approve') ??
    check(fields, 'permissionDecision', (v) => v === 'allow' || v === 'deny' || v === 'ask') ??
    check(fields, 'updatedInput', isObject) ??
    ['stopReason', 'reason', 'permissionDecisionReason', 'additionalContext']
      .map((key) => check(fields, key, (v) => typeof v === 'string'))
      .find((found) => found !== undefined);
  if (problem !== undefined) return problem;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as HookOutput;
}

function check(fields: Record<string, unknown>, key: string, valid: (value: unknown) => boolean): string | undefined {
  const value = fields[key];
  return value === undefined || valid(value) ? undefined : `\`${key}\` has an invalid value ${JSON.stringify(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
