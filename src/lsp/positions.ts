/**
 * Where in a file the model means: a 1-based line and column, a symbol name on a given line, or a symbol
 * name alone (found in the document's symbols, else as the first whole word in the text).
 */
import { flattenSymbols } from './format-symbols.js';
import type { FileSession } from './lsp-client.js';
import type { DocumentSymbol, Position, SymbolInformation } from './protocol.js';
import type { LspWorkspace } from './workspace.js';

/** A position as the model gives it. */
export interface PositionInput {
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column (characters from the start of the line). */
  readonly column?: number;
  /** A symbol name (`add`, `Parser.parse`). */
  readonly symbol?: string;
}

/**
 * The 0-based LSP position of `input` in the session's document.
 *
 * @throws Error with advice when the position is outside the file or the symbol is not found.
 */
export async function resolvePosition(
  workspace: LspWorkspace,
  session: FileSession,
  input: PositionInput,
  signal?: AbortSignal,
): Promise<Position> {
  const { document } = session;
  const display = workspace.display(document.path);
  const lines = document.text.split('\n');
  if (input.line !== undefined) {
    if (input.line > lines.length) {
      throw new Error(`line ${input.line} is past the end of ${display}, which has ${lines.length} lines.`);
    }
    const text = lines[input.line - 1] ?? '';
    if (input.column !== undefined) {
      if (input.column > text.length + 1) {
        throw new Error(
          `column ${input.column} is past the end of line ${input.line} of ${display} (${text.length} characters): ${text.trim()}`,
        );
      }
      return { line: input.line - 1, character: input.column - 1 };
    }
    if (input.symbol !== undefined) {
      const at = wordIndex(text, lastSegment(input.symbol));
      if (at < 0) throw new Error(`"${input.symbol}" is not on line ${input.line} of ${display}: ${text.trim()}`);
      return { line: input.line - 1, character: at };
    }
    throw new Error('Give column (1-based) or symbol together with line.');
  }
  if (input.symbol !== undefined) {
    const found = (await fromSymbols(session, input.symbol, lines, signal)) ?? fromText(lines, input.symbol);
    if (found) return found;
    throw new Error(
      `No symbol "${input.symbol}" in ${display}. Check the name with lsp_symbols, or give line and column.`,
    );
  }
  throw new Error('Give the position: line and column (1-based), or symbol (a name in the file).');
}

async function fromSymbols(
  session: FileSession,
  symbol: string,
  lines: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Position | undefined> {
  if (!session.server.capabilities().documentSymbolProvider) return undefined;
  const answer = await session.server
    .request<(DocumentSymbol | SymbolInformation)[] | null>(
      'textDocument/documentSymbol',
      { textDocument: { uri: session.document.uri } },
      signal,
    )
    .catch(() => null);
  const all = flattenSymbols(answer ?? []);
  const match = all.find((entry) => entry.name === symbol) ?? all.find((entry) => entry.name.endsWith(`.${symbol}`));
  if (!match) return undefined;
  const { symbol: found } = match;
  if ('selectionRange' in found) return found.selectionRange.start;
  // A flat symbol's range covers its whole declaration: point at the name within it.
  const start = found.location.range?.start;
  if (!start) return undefined;
  for (let line = start.line; line < Math.min(lines.length, start.line + 50); line++) {
    const at = wordIndex(lines[line] ?? '', found.name, line === start.line ? start.character : 0);
    if (at >= 0) return { line, character: at };
  }
  return start;
}

function fromText(lines: readonly string[], symbol: string): Position | undefined {
  const name = lastSegment(symbol);
  for (let line = 0; line < lines.length; line++) {
    const at = wordIndex(lines[line] ?? '', name);
    if (at >= 0) return { line, character: at };
  }
  return undefined;
}

function lastSegment(symbol: string): string {
  return symbol.split('.').filter(Boolean).at(-1) ?? symbol;
}

/** The index of `word` as a whole identifier in `text` from `from`, or -1. */
function wordIndex(text: string, word: string, from = 0): number {
  if (word === '') return -1;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?<![\\p{L}\\p{N}_$])${escaped}(?![\\p{L}\\p{N}_$])`, 'u').exec(text.slice(from));
  return match ? from + match.index : -1;
}
