/**
 * Reading a command hook's answer in detail: each way a process can end, stdout that is plain text, JSON
 * that is not a hook answer (with the exact reason), and the fields read from a valid answer.
 */
import { describe, expect, it } from 'vitest';
import { readReply } from '../../src/hooks/hook-reply.js';

const exit = (code: number, stdout = '', stderr = '') => ({ kind: 'exit', code, stdout, stderr }) as const;

describe('readReply: how the process ended', () => {
  it('fails a guard on a timeout, an abort or a crash, with stderr noted when there is some', () => {
    expect(readReply({ kind: 'timeout' }, 1500)).toEqual({
      kind: 'failed',
      message: 'timed out after 1500 ms and was killed',
      guardFails: true,
    });
    expect(readReply({ kind: 'aborted' }, 1)).toEqual({
      kind: 'failed',
      message: 'was stopped: the run was aborted',
      guardFails: true,
    });
    expect(readReply({ kind: 'crashed', message: 'spawn ENOENT', stderr: '  \n' }, 1)).toEqual({
      kind: 'failed',
      message: 'crashed (spawn ENOENT)',
      guardFails: true,
    });
    expect(readReply({ kind: 'crashed', message: 'killed', stderr: ' out of memory\n' }, 1)).toEqual({
      kind: 'failed',
      message: 'crashed (killed): out of memory',
      guardFails: true,
    });
  });

  it('blocks on exit 2 with stderr trimmed as the reason', () => {
    expect(readReply(exit(2, '{"continue": true}', '  rm -rf is not allowed \n'), 1)).toEqual({
      kind: 'block',
      reason: 'rm -rf is not allowed',
    });
  });

  it('reports another exit code as a non-blocking error, with stderr cut at 500 characters', () => {
    expect(readReply(exit(1, '', ''), 1)).toEqual({ kind: 'failed', message: 'exited with code 1', guardFails: false });
    expect(readReply(exit(127, '', 'sh: hook.sh: not found\n'), 1)).toEqual({
      kind: 'failed',
      message: 'exited with code 127: sh: hook.sh: not found',
      guardFails: false,
    });
    const exact = 'e'.repeat(500);
    expect(readReply(exit(3, '', exact), 1)).toMatchObject({ message: `exited with code 3: ${exact}` });
    expect(readReply(exit(3, '', `${exact}TAIL`), 1)).toMatchObject({ message: `exited with code 3: ${exact}…` });
  });
});

describe('readReply: what exit 0 said', () => {
  it('takes empty output as nothing, and plain text as text', () => {
    expect(readReply(exit(0, ' \n '), 1)).toEqual({ kind: 'ok', output: {} });
    expect(readReply(exit(0, '  Remember the style guide.\n'), 1)).toEqual({
      kind: 'ok',
      output: {},
      text: 'Remember the style guide.',
    });
    expect(readReply(exit(0, 'ok {"decision": "block"}'), 1)).toEqual({
      kind: 'ok',
      output: {},
      text: 'ok {"decision": "block"}',
    });
  });

  it('fails a guard on output that starts like JSON but does not parse', () => {
    let parserMessage = '';
    try {
      JSON.parse('{"decision": ');
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    expect(readReply(exit(0, '{"decision": '), 1)).toEqual({
      kind: 'failed',
      message: `answered invalid JSON (${parserMessage})`,
      guardFails: true,
    });
  });

  it.each<[string, string]>([
    ['[1, 2]', 'expected a JSON object'],
    ['{"hookSpecificOutput": 3}', '`hookSpecificOutput` must be an object'],
    ['{"hookSpecificOutput": []}', '`hookSpecificOutput` must be an object'],
    ['{"continue": "no"}', '`continue` has an invalid value "no"'],
    ['{"decision": "allow"}', '`decision` has an invalid value "allow"'],
    ['{"hookSpecificOutput": {"permissionDecision": "block"}}', '`permissionDecision` has an invalid value "block"'],
    ['{"hookSpecificOutput": {"updatedInput": [1]}}', '`updatedInput` has an invalid value [1]'],
    ['{"updatedInput": "rm"}', '`updatedInput` has an invalid value "rm"'],
    ['{"updatedInput": null}', '`updatedInput` has an invalid value null'],
    ['{"stopReason": 1}', '`stopReason` has an invalid value 1'],
    ['{"reason": false}', '`reason` has an invalid value false'],
    ['{"hookSpecificOutput": {"permissionDecisionReason": {}}}', '`permissionDecisionReason` has an invalid value {}'],
    ['{"hookSpecificOutput": {"additionalContext": ["a"]}}', '`additionalContext` has an invalid value ["a"]'],
  ])('refuses %s', (stdout, problem) => {
    expect(readReply(exit(0, stdout), 1)).toEqual({
      kind: 'failed',
      message: `answered JSON that is not a hook answer: ${problem}`,
      guardFails: true,
    });
  });

  it('reads every field of a valid answer, and only those given', () => {
    const answer = {
      continue: false,
      stopReason: 'enough',
      decision: 'block',
      reason: 'because',
      ignored: 'x',
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'ask',
        permissionDecisionReason: 'check it',
        updatedInput: { command: 'ls' },
        additionalContext: 'note',
      },
    };
    expect(readReply(exit(0, JSON.stringify(answer)), 1)).toEqual({
      kind: 'ok',
      output: {
        continue: false,
        stopReason: 'enough',
        decision: 'block',
        reason: 'because',
        permissionDecision: 'ask',
        permissionDecisionReason: 'check it',
        updatedInput: { command: 'ls' },
        additionalContext: 'note',
      },
    });
    for (const value of [true, false]) {
      expect(readReply(exit(0, JSON.stringify({ continue: value })), 1)).toEqual({
        kind: 'ok',
        output: { continue: value },
      });
    }
    for (const decision of ['block', 'approve']) {
      expect(readReply(exit(0, JSON.stringify({ decision })), 1)).toEqual({ kind: 'ok', output: { decision } });
    }
    for (const permissionDecision of ['allow', 'deny', 'ask']) {
      const reply = readReply(exit(0, JSON.stringify({ hookSpecificOutput: { permissionDecision } })), 1);
      expect(reply).toEqual({ kind: 'ok', output: { permissionDecision } });
    }
    // The top-level updatedInput counts when the specific one is absent; the specific one wins.
    expect(readReply(exit(0, '{"updatedInput": {"a": 1}}'), 1)).toEqual({
      kind: 'ok',
      output: { updatedInput: { a: 1 } },
    });
    expect(
      readReply(exit(0, '{"updatedInput": {"a": 1}, "hookSpecificOutput": {"updatedInput": {"b": 2}}}'), 1),
    ).toEqual({
      kind: 'ok',
      output: { updatedInput: { b: 2 } },
    });
    expect(readReply(exit(0, '  {}  '), 1)).toEqual({ kind: 'ok', output: {} });
    expect(readReply(exit(0, '{"hookSpecificOutput": null}'), 1)).toEqual({ kind: 'ok', output: {} });
  });
});
