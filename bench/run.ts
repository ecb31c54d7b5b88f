/**
 * `npm run bench`: every benchmark of the project, each against a hand-written floor measured in the same
 * run. Benchmarks are not tests: they print figures and never fail on them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const suites = [
  'core',
  'tools',
  'policy',
  'stores',
  'sandbox',
  'snapshots',
  'memory-store',
  'sessions',
  'mcp',
  'lsp',
  'otel',
  'subagent',
  'durable',
];

console.log(
  `# icode benchmarks\n\nNode ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`,
);
for (const name of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) continue;
  const mod = (await import(file)) as { bench: () => Promise<void> };
  await mod.bench();
}
