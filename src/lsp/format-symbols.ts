/**
 * Symbols as the model reads them: a document's outline, indented by nesting, and workspace search
 * results, each with a 1-based position.
 */
import { symbolKindName, type DocumentSymbol, type SymbolInformation } from './protocol.js';

/** Outline lines shown at most. */
export const MAX_OUTLINE_LINES = 400;

/** A document's symbols as an indented outline: `kind name  line:column`. */
export function formatOutline(symbols: readonly (DocumentSymbol | SymbolInformation)[]): string[] {
  const out: string[] = [];
  const visit = (symbol: DocumentSymbol | SymbolInformation, depth: number): void => {
    if (out.length >= MAX_OUTLINE_LINES) return;
    const range = 'selectionRange' in symbol ? symbol.selectionRange : symbol.location.range;
    const where = range ? `  ${range.start.line + 1}:${range.start.character + 1}` : '';
    const detail = 'detail' in symbol && symbol.detail ? ` ${symbol.detail}` : '';
    out.push(`${'  '.repeat(depth)}${symbolKindName(symbol.kind)} ${symbol.name}${detail}${where}`);
    if ('children' in symbol) for (const child of symbol.children ?? []) visit(child, depth + 1);
  };
  for (const symbol of symbols) visit(symbol, 0);
  return out;
}

/** Depth-first list of a document's symbols with their dotted names (`Class.method`). */
export function flattenSymbols(
  symbols: readonly (DocumentSymbol | SymbolInformation)[],
): { readonly name: string; readonly symbol: DocumentSymbol | SymbolInformation }[] {
  const out: { name: string; symbol: DocumentSymbol | SymbolInformation }[] = [];
  const visit = (symbol: DocumentSymbol | SymbolInformation, prefix: string): void => {
    const container = 'containerName' in symbol && symbol.containerName ? `${symbol.containerName}.` : '';
    const name = `${prefix || container}${symbol.name}`;
    out.push({ name, symbol });
    if ('children' in symbol) for (const child of symbol.children ?? []) visit(child, `${name}.`);
  };
  for (const symbol of symbols) visit(symbol, '');
  return out;
}
