/**
 * Lazy loader of the tree-sitter bash grammar (WASM). The parser is made once per process, on the first
 * analysis, so importing `icode/policy` loads neither WebAssembly nor Node-only modules.
 *
 * The package ships only what runs: the grammar's `.wasm` and web-tree-sitter's release `.wasm` in its
 * `assets/` folder (copied there by `scripts/copy-wasm.mjs` at build time), and web-tree-sitter's JavaScript
 * bundled into a chunk of `dist/` that only this loader imports (the build bundles development dependencies).
 * The two npm packages would bring 24 MB: C sources, native prebuilds, debug builds.
 */
import type { Parser as TsParser } from 'web-tree-sitter';

/** The WebAssembly files the parser needs, by their name in `assets/` and in their own npm package. */
const WASM = {
  grammar: { asset: 'tree-sitter-bash.wasm', devPackage: 'tree-sitter-bash/tree-sitter-bash.wasm' },
  runtime: { asset: 'web-tree-sitter.wasm', devPackage: 'web-tree-sitter/web-tree-sitter.wasm' },
} as const;

let parserPromise: Promise<TsParser> | undefined;
let loaded: TsParser | undefined;

async function loadParser(): Promise<TsParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  const runtime = await wasmPath(WASM.runtime);
  const grammar = await wasmPath(WASM.grammar);
  await Parser.init({ locateFile: () => runtime });
  const language = await Language.load(grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  loaded = parser;
  return parser;
}

/**
 * Where a WebAssembly file is: in the `assets/` folder of the package this module belongs to (the nearest
 * folder above it with a `package.json`: the installed package, or a checkout), else, in a checkout where the
 * copy script has not run, in the development dependency it is copied from.
 */
async function wasmPath(file: { asset: string; devPackage: string }): Promise<string> {
  const { access } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(await exists(join(dir, 'package.json'))) && dirname(dir) !== dir) dir = dirname(dir);
  const shipped = join(dir, 'assets', file.asset);
  if (await exists(shipped)) return shipped;
  const { createRequire } = await import('node:module');
  try {
    return createRequire(import.meta.url).resolve(file.devPackage);
  } catch {
    throw new Error(`The shell parser's ${file.asset} is missing from ${shipped}: reinstall icode.`);
  }
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
