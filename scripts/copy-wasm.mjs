#!/usr/bin/env node
// Copies the WebAssembly files the shell parser loads into `assets/` of the package (run by `npm run build`):
// the bash grammar of tree-sitter-bash and the release runtime of web-tree-sitter, each with its license. Both
// packages are development dependencies, so an install of icode gets these two files (1.5 MB), not the
// grammar's C sources and native prebuilds (20 MB) nor web-tree-sitter's debug builds and source maps.
//
// Usage: node scripts/copy-wasm.mjs [package-dir]   (default: this checkout)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(resolve(process.argv[2] ?? checkout), 'assets');
const require = createRequire(join(checkout, 'package.json'));

/** The files taken from each package: its `.wasm` and its license. */
const SOURCES = [
  { name: 'tree-sitter-bash', wasm: 'tree-sitter-bash.wasm' },
  { name: 'web-tree-sitter', wasm: 'web-tree-sitter.wasm' },
];

mkdirSync(target, { recursive: true });
const notice = [
  '# Third-party files',
  '',
  'Copied from their npm packages at build time by `scripts/copy-wasm.mjs`; the JavaScript of web-tree-sitter',
  'is bundled into `dist/`. Each is under the MIT license, whose text is in the `.LICENSE` file of its name.',
  '',
];
for (const { name, wasm } of SOURCES) {
  // Through the `.wasm` itself: web-tree-sitter's "exports" do not expose its package.json.
  const pkgDir = dirname(require.resolve(`${name}/${wasm}`));
  const { version, license } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  copyFileSync(join(pkgDir, wasm), join(target, wasm));
  copyFileSync(join(pkgDir, 'LICENSE'), join(target, `${name}.LICENSE`));
  notice.push(`- \`${wasm}\`: ${name} ${version} (${license})`);
}
writeFileSync(join(target, 'README.md'), `${notice.join('\n')}\n`);
