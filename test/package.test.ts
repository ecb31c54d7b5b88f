import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};

/** The source barrel behind a subpath, from the tsconfig paths the tests already use. */
const tsconfig = JSON.parse(readFileSync(resolve(here, '../tsconfig.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const sourceOf = (subpath: string): string =>
  resolve(here, '..', tsconfig.compilerOptions.paths[subpath === '.' ? 'icode' : `icode/${subpath.slice(2)}`]![0]!);

/** Every module the file imports statically, followed through relative imports. */
function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    // Static `import … from` and `export … from`, not `import type` (erased) and not dynamic `import()`.
    for (const match of code.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      const spec = (match[1] ?? match[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('package shape', () => {
  it('has an entry point for every subpath of the design', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(
      [
        '.',
        './lsp',
        './package.json',
        './policy',
        './providers/anthropic',
        './providers/gemini',
        './providers/ollama',
        './providers/openai',
        './sandbox',
        './stores/postgres',
        './stores/sqlite',
        './testing',
        './testing/vitest',
        './tools',
        './mcp',
        './otel',
        './config',
        './plugins',
        './durable',
      ].sort(),
    );
  });

  it('keeps the root entry runtime-neutral: no Node-only module, no SDK, no driver', () => {
    const { packages } = staticImports(sourceOf('.'));
    // picomatch (the policy's path rules) is plain JavaScript with no Node built-ins.
    expect([...packages].sort()).toEqual(['p-queue', 'picomatch', 'zod']);
  });

  it('keeps provider SDKs out of every entry point but their own, loaded lazily', () => {
    for (const subpath of Object.keys(pkg.exports).filter((s) => s !== './package.json')) {
      const { packages } = staticImports(sourceOf(subpath));
      const sdks = [...packages].filter((p) =>
        /^(@anthropic-ai\/sdk|openai|@google\/genai|ollama|pg|better-sqlite3|vitest)$/.test(p),
      );
      expect(sdks, subpath).toEqual([]);
    }
  });

  it('exports the contract names from the root', () => {
    for (const name of [
      'createAgent',
      'tool',
      'memoryStore',
      'AgentError',
      'ProviderError',
      'WorkspaceEscapeError',
      'StoreConflictError',
      'ConfigError',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
  });

  it('brands every exported error class so isInstance works across copies of icode', () => {
    const errors = Object.entries(root).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(errors.length).toBeGreaterThan(8);
    for (const [name, ErrorClass] of errors) {
      expect(Object.hasOwn(ErrorClass as object, 'brand'), name).toBe(true);
      expect(String((ErrorClass as unknown as { brand: symbol }).brand)).toBe(`Symbol(icode.error.${name})`);
    }
    // An error made by "another copy" (a plain object with the brand) is recognised.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('icode.error.ProviderError')]: true,
      [Symbol.for('icode.error.AgentError')]: true,
    });
    expect(root.ProviderError.isInstance(foreign)).toBe(true);
    expect(root.AgentError.isInstance(foreign)).toBe(true);
    expect(root.StoreError.isInstance(foreign)).toBe(false);
  });
});
