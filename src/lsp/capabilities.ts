/**
 * What this client tells a server it supports in `initialize`. Each capability is one the client uses or
 * answers: servers pick their behaviour from it (markdown hovers, hierarchical outlines, pull diagnostics).
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/** The `capabilities` of the `initialize` request. */
export const CLIENT_CAPABILITIES = {
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true, showMessage: {} },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: false,
    symbol: { dynamicRegistration: false, resolveSupport: { properties: ['location.range'] } },
    diagnostics: { refreshSupport: true },
    didChangeConfiguration: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false, willSave: false, willSaveWaitUntil: false },
    publishDiagnostics: { relatedInformation: false, versionSupport: true, codeDescriptionSupport: false },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
    definition: { dynamicRegistration: false, linkSupport: true },
    references: { dynamicRegistration: false },
    documentSymbol: { dynamicRegistration: false, hierarchicalDocumentSymbolSupport: true },
  },
} as const;

/**
 * The params of `initialize` for a workspace at `root`. `processId` lets the server exit by itself when
 * this process dies without closing it (servers poll it).
 */
export function initializeParams(root: string, initializationOptions: unknown): Record<string, unknown> {
  const uri = pathToFileURL(root).href;
  return {
    processId: process.pid,
    clientInfo: { name: 'icode' },
    rootUri: uri,
    rootPath: root,
    workspaceFolders: [{ uri, name: path.basename(root) || root }],
    capabilities: CLIENT_CAPABILITIES,
    ...(initializationOptions === undefined ? {} : { initializationOptions }),
  };
}
