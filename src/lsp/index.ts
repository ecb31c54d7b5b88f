/**
 * `icode/lsp`: language servers as tools for an agent (Node only). `lspTools({ root, servers })` gives the
 * model diagnostics, hover, definitions, references and symbols from real language servers, and appends
 * the errors each edit introduced to the edit's result.
 *
 * @packageDocumentation
 */
export { lspTools } from './lsp-tools.js';
export type {
  LspEvent,
  LspFeedbackOptions,
  LspServerConfig,
  LspServerState,
  LspToolCall,
  LspToolset,
  LspToolsOptions,
} from './types.js';
