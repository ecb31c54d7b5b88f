/**
 * Lazy loader of the tree-sitter bash grammar (WASM). The parser is made once per process, on the first
 * analysis, so importing `icode/policy` loads neither WebAssembly nor Node-only modules.
 */
import type { Parser as TsParser } from 'web-tree-sitter';

let parserPromise: Promise<TsParser> | undefined;
let loaded: TsParser | undefined;

async function loadParser(): Promise<TsParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  // `createRequire` finds the grammar inside the installed tree-sitter-bash package, wherever npm put it.
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  loaded = parser;
  return parser;
}

/** The shared bash parser if it is loaded already (so a caller need not wait for a settled promise). */
export function loadedBashParser(): TsParser | undefined {
  return loaded;
}

/**
 * The shared bash parser, initialised on first use. A failed initialisation is not cached, so a later call
 * can try again.
 */
export function bashParser(): Promise<TsParser> {
  if (!parserPromise) {
    parserPromise = loadParser().catch((error: unknown) => {
      parserPromise = undefined;
      throw error;
    });
  }
  return parserPromise;
}
