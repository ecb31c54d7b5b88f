/**
 * Diagnostics as the model reads them: one line each, `path:line:column severity code: message`, with
 * 1-based positions and workspace-relative paths.
 */
import type { Diagnostic } from './protocol.js';

const SEVERITIES = ['', 'error', 'warning', 'info', 'hint'] as const;
/** Characters kept of one message: type errors can quote whole types. */
const MAX_MESSAGE_CHARS = 600;

/** `error`, `warning`, `info` or `hint` (a diagnostic without severity counts as an error). */
export function severityName(diagnostic: Diagnostic): string {
  return SEVERITIES[diagnostic.severity ?? 1] ?? 'error';
}

/** Whether a diagnostic is an error (the severity feedback is about). */
export function isError(diagnostic: Diagnostic): boolean {
  return (diagnostic.severity ?? 1) === 1;
}

/** The code as people know it: `TS2345` for TypeScript, `source(code)` for others. */
function codeOf(diagnostic: Diagnostic): string {
  if (diagnostic.code === undefined || diagnostic.code === '') return diagnostic.source ? `${diagnostic.source}` : '';
  if (diagnostic.source === 'typescript' || diagnostic.source === 'ts') return `TS${diagnostic.code}`;
  return diagnostic.source ? `${diagnostic.source}(${diagnostic.code})` : String(diagnostic.code);
}

/** One diagnostic on one line (a multi-line message keeps its lines, indented). */
export function formatDiagnostic(display: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  const code = codeOf(diagnostic);
  let message = diagnostic.message.trim();
  if (message.length > MAX_MESSAGE_CHARS) message = `${message.slice(0, MAX_MESSAGE_CHARS)}…`;
  const body = message.replace(/\n\s*/g, '\n    ');
  return `${display}:${line + 1}:${character + 1} ${severityName(diagnostic)}${code ? ` ${code}` : ''}: ${body}`;
}

/** Diagnostics in reading order: by line, then column. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** `1 error`, `3 warnings`: counts of a list by severity, most severe first. */
export function countBySeverity(diagnostics: readonly Diagnostic[]): string {
  const counts = new Map<string, number>();
  for (const diagnostic of diagnostics)
    counts.set(severityName(diagnostic), (counts.get(severityName(diagnostic)) ?? 0) + 1);
  return SEVERITIES.filter((name) => counts.has(name))
    .map((name) => `${counts.get(name)} ${name}${counts.get(name) === 1 ? '' : name === 'info' ? '' : 's'}`)
    .join(', ');
}
