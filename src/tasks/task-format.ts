/**
 * How tasks read for the model: one line per task in a list, the details of one, and its output with a
 * status line that says plainly whether it is still running.
 */
import type { TaskRecord } from '../stores/types.js';
import type { TaskSnapshot } from './task-manager.js';

/** What a task runs, in a few words: `agent explorer` or `$ npm test`. */
function subject(record: TaskRecord): string {
  return record.kind === 'agent' ? `agent ${record.agent ?? '?'}` : `$ ${record.command ?? ''}`;
}

/** A time for the model: ISO 8601 in UTC. */
const at = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

/** One line of `task_list`. */
export function taskLine(record: TaskRecord): string {
  return `${record.id} [${record.status}] ${record.description} (${subject(record)})`;
}

/** The error for an id the session has no task with: what the model can do instead. */
export function unknownTask(id: string, known: readonly TaskRecord[]): Error {
  return new Error(
    `No task "${id}" in this session. ${known.length > 0 ? `Its tasks: ${known.map((t) => t.id).join(', ')}.` : 'Start one with task_create.'}`,
  );
}

/** The status sentence of a task: where it is and what to do next. */
export function statusLine(record: TaskRecord): string {
  switch (record.status) {
    case 'pending':
      return `Status: pending (waiting for a free slot; created ${at(record.createdAt)}).`;
    case 'running':
      return `Status: running (since ${at(record.startedAt ?? record.createdAt)}). Call task_output again to wait for it, or task_stop to stop it.`;
    case 'completed':
      return `Status: completed at ${at(record.endedAt)}${record.exitCode === undefined ? '' : ` (exit code ${record.exitCode})`}.`;
    default:
      return `Status: ${record.status}${record.endedAt === undefined ? '' : ` at ${at(record.endedAt)}`}. ${record.error ?? ''}`.trimEnd();
  }
}

/** Everything `task_get` shows, output excepted (its size only). */
export function taskDetails(snapshot: TaskSnapshot): string {
  const { record } = snapshot;
  const lines = [
    `Task ${record.id}: ${record.description}`,
    statusLine(record),
    record.kind === 'agent' ? `Agent: ${record.agent ?? '?'}` : `Command: ${record.command ?? ''}`,
    record.kind === 'agent' && record.prompt !== undefined ? `Prompt: ${record.prompt}` : '',
    record.cwd === undefined ? '' : `Directory: ${record.cwd}`,
    record.runSessionId === undefined ? '' : `Session of the sub-agent: ${record.runSessionId}`,
    record.notes === undefined ? '' : `Notes: ${record.notes}`,
    `Output: ${snapshot.output.length} characters so far (read it with task_output).`,
    snapshot.writeError === undefined ? '' : `Warning: the task's record could not be saved: ${snapshot.writeError}`,
  ];
  return lines.filter(Boolean).join('\n');
}

/** What `task_output` returns: the output so far (or the final result) and the status. */
export function taskOutput(snapshot: TaskSnapshot, waitedOut: boolean): string {
  const { record, output } = snapshot;
  const lines = [
    `Task ${record.id} (${subject(record)}): ${record.description}`,
    statusLine(record),
    waitedOut ? 'The wait timed out before the task ended; this is its output so far.' : '',
    output === '' ? '(no output yet)' : output.replace(/\n$/, ''),
  ];
  return lines.filter(Boolean).join('\n');
}
