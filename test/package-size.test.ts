/**
 * The published package: what `npm pack` ships, what installing it costs, and that the packed bundle runs.
 * The package is built into a temporary folder and packed from there (the checkout's `dist/` is left alone);
 * the dependencies' sizes are read from this project's node_modules, since an install needs the network.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const checkout = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;
/** Installed size of icode and every package it depends on (zod, a peer, aside). */
const INSTALL_BUDGET = 10 * MB;

interface PackedFile {
  path: string;
  size: number;
}
interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

let work: string;
let installed: string;
let packed: { unpackedSize: number; files: PackedFile[] };
let manifest: Manifest;

/** Bytes of every file under `dir` (what `du --apparent-size` counts). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(full) : statSync(full).size;
  }
  return total;
}

/** The folder of package `name` as Node finds it from `from`: the nearest `node_modules` above that has it. */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Every package an install of `names` brings, with its size: the dependencies, followed transitively (and
 * the optional ones where they are installed here), as npm lays them out.
 */
function installedPackages(names: readonly string[], withOptional: boolean): Map<string, number> {
  const sizes = new Map<string, number>();
  const visit = (name: string, from: string, optional: boolean): void => {
    const dir = findPackage(name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} is a dependency but is not installed in this checkout`);
    }
    if (sizes.has(dir)) return;
    sizes.set(dir, treeBytes(dir));
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    if (withOptional) for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, checkout, withOptional);
  return sizes;
}

const sum = (sizes: Map<string, number>): number => [...sizes.values()].reduce((a, b) => a + b, 0);

beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-pack-')));
  // The package folder npm packs: the manifest and notices of this checkout, a fresh build, the WASM assets.
  const stage = path.join(work, 'stage');
  mkdirSync(stage);
  for (const file of ['package.json', 'README.md', 'LICENSE'])
    cpSync(path.join(checkout, file), path.join(stage, file));
  execFileSync(
    process.execPath,
    [path.join(checkout, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', path.join(stage, 'dist'), '--silent'],
    {
      cwd: checkout,
      stdio: 'pipe',
    },
  );
  execFileSync(process.execPath, [path.join(checkout, 'scripts/copy-wasm.mjs'), stage], { stdio: 'pipe' });
  const out = execFileSync('npm', ['pack', stage, '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: work,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out) as [{ filename: string; unpackedSize: number; files: PackedFile[] }];
  packed = info;
  manifest = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8')) as Manifest;

  // An install laid out by hand, outside this checkout (so nothing resolves from its node_modules): the
  // tarball unpacked as node_modules/icode, and links to the declared dependencies and the zod peer.
  installed = path.join(work, 'app');
  const icode = path.join(installed, 'node_modules', 'icode');
  mkdirSync(icode, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, info.filename), '-C', icode, '--strip-components=1']);
  for (const name of [...Object.keys(manifest.dependencies ?? {}), 'zod']) {
    const link = path.join(installed, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(findPackage(name, checkout)!, link, 'dir');
  }
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships the WebAssembly the shell parser loads, with its licenses, and no parser package', () => {
    const paths = packed.files.map((file) => file.path);
    for (const file of [
      'tree-sitter-bash.wasm',
      'web-tree-sitter.wasm',
      'tree-sitter-bash.LICENSE',
      'web-tree-sitter.LICENSE',
    ])
      expect(paths).toContain(`assets/${file}`);
    // The grammar's package brings C sources and native prebuilds; web-tree-sitter's JS is bundled instead.
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('tree-sitter-bash');
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('web-tree-sitter');
    expect(paths.filter((p) => /\.(c|h|cc|node|gyp)$/.test(p))).toEqual([]);
  });

  it(`installs in at most ${INSTALL_BUDGET / MB} MB with its dependencies (zod aside)`, () => {
    const dependencies = installedPackages(Object.keys(manifest.dependencies ?? {}), false);
    const total = packed.unpackedSize + sum(dependencies);
    const withOptional = total + sum(installedPackages(Object.keys(manifest.optionalDependencies ?? {}), true));
    console.log(
      `icode ${(packed.unpackedSize / MB).toFixed(2)} MB + dependencies ${(sum(dependencies) / MB).toFixed(2)} MB = ` +
        `${(total / MB).toFixed(2)} MB; with the optional dependencies installed here: ${(withOptional / MB).toFixed(2)} MB`,
    );
    expect(total).toBeLessThanOrEqual(INSTALL_BUDGET);
  });

  it('runs the shell analysis and a bash tool call from the packed bundle, with the packed grammar', () => {
    const script = path.join(installed, 'smoke.mjs');
    writeFileSync(script, SMOKE_SCRIPT);
    const output = execFileSync(process.execPath, [script], { cwd: installed, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(output) as {
      devGrammar: boolean;
      analysis: { readOnly: boolean; dangerous: boolean; commands: string[][] };
      status: string;
      toolOutput: string;
    };
    // Nothing outside the package could have provided the grammar.
    expect(report.devGrammar).toBe(false);
    expect(report.analysis).toMatchObject({
      readOnly: false,
      dangerous: true,
      commands: [
        ['cat', 'notes.txt'],
        ['rm', '-rf', '/'],
      ],
    });
    expect(report.status).toBe('completed');
    expect(report.toolOutput).toContain('from the packed bundle');
  });
});

/** Runs in the unpacked install: imports icode by name, as an application does. */
const SMOKE_SCRIPT = `
import { createRequire } from 'node:module';
import { createAgent } from 'icode';
import { analyzeBash } from 'icode/policy';
import { localSandbox } from 'icode/sandbox';
import { mockProvider } from 'icode/testing';
import { codingTools } from 'icode/tools';

let devGrammar = true;
try {
  createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
} catch {
  devGrammar = false;
}
const analysis = await analyzeBash('cat notes.txt | rm -rf /');
const provider = mockProvider([
  { toolCalls: [{ id: 'c1', name: 'bash', input: { command: 'echo from the packed bundle | tr a-z A-Z | tr A-Z a-z' } }] },
  { text: 'done' },
]);
const sandbox = localSandbox({ root: process.cwd() });
const agent = createAgent({ provider, sandbox, tools: codingTools({ sandbox, exclude: ['web_fetch'] }) });
const run = agent.run('echo something');
let toolOutput = '';
for await (const event of run) if (event.type === 'tool-result') toolOutput = JSON.stringify(event.output);
const result = await run.result;
provider.assertComplete();
process.stdout.write(JSON.stringify({ devGrammar, analysis, status: result.status, toolOutput }));
`;
