/**
 * The part of the Language Server Protocol (3.17) this client speaks, as plain types. Positions are 0-based
 * with UTF-16 character offsets, which is what JavaScript string indices are.
 */

/** A 0-based line and UTF-16 character offset. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface Location {
  readonly uri: string;
  readonly range: Range;
}

export interface LocationLink {
  readonly targetUri: string;
  readonly targetRange: Range;
  readonly targetSelectionRange: Range;
}

/** 1 error, 2 warning, 3 information, 4 hint. */
export type DiagnosticSeverity = 1 | 2 | 3 | 4;

export interface Diagnostic {
  readonly range: Range;
  readonly severity?: DiagnosticSeverity;
  readonly code?: number | string;
  readonly source?: string;
  readonly message: string;
}

export interface PublishDiagnosticsParams {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** A `textDocument/diagnostic` answer: `full` carries the items, `unchanged` means "as last time". */
export type DocumentDiagnosticReport =
  | { readonly kind: 'full'; readonly resultId?: string; readonly items: readonly Diagnostic[] }
  | { readonly kind: 'unchanged'; readonly resultId: string };

export interface DocumentSymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: number;
  readonly range: Range;
  readonly selectionRange: Range;
  readonly children?: readonly DocumentSymbol[];
}

/** The flat form of document and workspace symbols; `location.range` may be absent for a workspace symbol. */
export interface SymbolInformation {
  readonly name: string;
  readonly kind: number;
  readonly containerName?: string;
  readonly location: { readonly uri: string; readonly range?: Range };
}

export interface MarkupContent {
  readonly kind: 'markdown' | 'plaintext';
  readonly value: string;
}

/** The legacy hover content forms servers still send. */
export type MarkedString = string | { readonly language: string; readonly value: string };

export interface Hover {
  readonly contents: MarkupContent | MarkedString | readonly MarkedString[];
  readonly range?: Range;
}

/** The capabilities this client looks at. */
export interface ServerCapabilities {
  /** A number (TextDocumentSyncKind) or options with a `change` kind: 1 full, 2 incremental. */
  readonly textDocumentSync?: number | { readonly openClose?: boolean; readonly change?: number };
  readonly hoverProvider?: unknown;
  readonly definitionProvider?: unknown;
  readonly referencesProvider?: unknown;
  readonly documentSymbolProvider?: unknown;
  readonly workspaceSymbolProvider?: unknown;
  /** Present when the server answers `textDocument/diagnostic` (pull diagnostics). */
  readonly diagnosticProvider?: unknown;
}

export interface InitializeResult {
  readonly capabilities: ServerCapabilities;
  readonly serverInfo?: { readonly name: string; readonly version?: string };
}

/** Names of LSP's SymbolKind numbers, as the model reads them. */
export const SYMBOL_KINDS: readonly string[] = [
  '',
  'file',
  'module',
  'namespace',
  'package',
  'class',
  'method',
  'property',
  'field',
  'constructor',
  'enum',
  'interface',
  'function',
  'variable',
  'constant',
  'string',
  'number',
  'boolean',
  'array',
  'object',
  'key',
  'null',
  'enum member',
  'struct',
  'event',
  'operator',
  'type parameter',
];

/** The name of a SymbolKind number. */
export function symbolKindName(kind: number): string {
  return SYMBOL_KINDS[kind] || 'symbol';
}
