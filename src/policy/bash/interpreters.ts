/**
 * Interpreters and package runners: where their code comes from (`-c`, `-e`, a script file, a module,
 * `--require`, npm configuration), so rules do not cover code they do not spell out, and inline shell
 * scripts can be analysed.
 */
import type { BashWord } from './words.js';

/** Shells: `-c SCRIPT` is analysed as a nested command. */
export const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'ash',
  'yash',
  'posh',
  'rbash',
]);

/** Interpreters and code runners: never read-only. */
export const INTERPRETERS: ReadonlySet<string> = new Set([
  ...SHELLS,
  'fish',
  'csh',
  'tcsh',
  'python',
  'python2',
  'python3',
  'pypy',
  'pypy3',
  'node',
  'nodejs',
  'deno',
  'bun',
  'perl',
  'ruby',
  'php',
  'lua',
  'luajit',
  'tclsh',
  'wish',
  'osascript',
  'pwsh',
  'powershell',
  'Rscript',
  'R',
  'julia',
  'groovy',
  'jshell',
  'scala',
  'kotlin',
  'elixir',
  'erl',
  'ghci',
  'runghc',
  'irb',
  'swift',
  'expect',
  'gdb',
  'vim',
  'vi',
  'nvim',
  'emacs',
  'ed',
  'ex',
]);

/** Options whose value is inline code, per interpreter (short letters may be clustered: `perl -ne`). */
const INLINE: Readonly<Record<string, { short: string; long: readonly string[] }>> = {
  python: { short: 'c', long: [] },
  node: { short: 'ep', long: ['--eval', '--print'] },
  deno: { short: '', long: ['eval'] },
  bun: { short: 'e', long: ['--eval', '--print'] },
  perl: { short: 'eE', long: [] },
  ruby: { short: 'e', long: [] },
  php: { short: 'rRBE', long: ['--run'] },
  lua: { short: 'e', long: [] },
  Rscript: { short: 'e', long: [] },
  osascript: { short: 'e', long: [] },
  pwsh: { short: 'c', long: ['-Command', '-command', '-EncodedCommand', '-e'] },
  expect: { short: 'c', long: [] },
  gdb: { short: '', long: ['-ex', '--ex', '-eval-command', '--eval-command', '-x', '--command'] },
  vim: { short: 'c', long: ['--cmd', '-S'] },
};

/** Options whose value loads code (a module, a library, a preload). */
const LOADERS =
  /^--?(r|m|M|I|require|import|loader|experimental-loader|env-file|preload|include|load|init-file|rcfile|config|rc)$/;

/** Options (any program outside the table) whose value or attached text carries code or loads programs. */
const CODE_OPTION =
  /^--?(require|import|loader|experimental-loader|node-options|eval|exec|execdir|exec-batch|pre|config|config-file|userconfig|globalconfig|rcfile|init-file|setup-files|setupFiles|global-setup|globalSetup|preload|plugin|plugins|toolexec|upload-pack|receive-pack|open-files-in-pager|pager|editor|shell|script-shell|command|rustc-wrapper|with|python|interpreter|env-file|ext-diff|textconv|hostname-bin|compress-program|filter|to-command|use-compress-program|rsh-command|info-script|checkpoint-action|strip-program|upload-file)(=|$)/;

/** npm (and yarn, pnpm) options that only change output. */
const NPM_SAFE =
  /^(-s|--silent|-q|--quiet|-d|--loglevel(=.*)?|--if-present|--ignore-scripts|--json|--parseable|--long|-l|--no-color|--color(=.*)?|-ws|--workspaces|--workspace=[^=]*|-w|--include-workspace-root|--no-audit|--no-fund|--no-progress|--prefer-offline|--offline|--dry-run|--frozen-lockfile|--immutable|--recursive|-r|--filter=.*|--bail|--run|--watch=false|--coverage|--verbose|--no-save|--save-dev|-D|--save|-E|--save-exact|--reporter(=.*)?|--update|-u|--passWithNoTests|--ci)$/;

/** Where each word comes from: indexes of words that carry code or load programs. */
export function interpreterCodeArgs(
  program: string,
  args: readonly BashWord[],
): { code: number[]; inline: number | undefined; fromInput: boolean } {
  const code: number[] = [];
  let inline: number | undefined;
  const family = program
    .replace(/[0-9.]+$/, '')
    .replace(/^nodejs$/, 'node')
    .replace(/^pypy$/, 'python');
  const spec = INLINE[family] ?? (SHELLS.has(program) ? { short: 'c', long: [] } : { short: '', long: [] });
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === undefined) {
      code.push(i);
      if (inline === undefined && !SHELLS.has(program)) inline = i;
      break;
    }
    if (value === '--') {
      if (args[i + 1]) code.push(i + 1);
      break;
    }
    const eq = value.indexOf('=');
    if (spec.long.includes(eq < 0 ? value : value.slice(0, eq))) {
      const at = eq < 0 ? i + 1 : i;
      code.push(i, at);
      inline = at;
      if (eq < 0) i++;
      continue;
    }
    if (LOADERS.test(eq < 0 ? value : value.slice(0, eq)) || /^-[rmMI]./.test(value)) {
      code.push(i);
      if (eq < 0 && !/^-[rmMI]./.test(value) && value.length > 2) code.push(++i);
      else if (eq < 0 && value.length === 2) code.push(++i);
      continue;
    }
    if (
      /^-[A-Za-z]+$/.test(value) &&
      !value.startsWith('--') &&
      [...value.slice(1)].some((c) => spec.short.includes(c))
    ) {
      const letter = [...value.slice(1)].find((c) => spec.short.includes(c))!;
      const rest = value.slice(value.indexOf(letter) + 1);
      code.push(i);
      if (rest === '' || SHELLS.has(program)) {
        code.push(i + 1);
        inline = i + 1;
        i++;
      } else inline = i;
      if (SHELLS.has(program)) break;
      continue;
    }
    if (value.startsWith('-')) continue;
    // The first operand is the script (or, for deno/bun, a subcommand followed by the script).
    if ((family === 'deno' || family === 'bun') && ['run', 'x', 'exec', 'test', 'task'].includes(value)) {
      code.push(i + 1);
      break;
    }
    code.push(i);
    break;
  }
  const fromInput = args.length === 0 || args.some((w) => w.value === '-' || w.value === '-s');
  return { code: [...new Set(code)].filter((i) => i < args.length), inline, fromInput };
}

/** Code-carrying words of a package runner call (`npm test --node-options=…`, `npx -c '…'`, `make X=y`). */
export function runnerCodeArgs(program: string, args: readonly BashWord[]): number[] {
  const code: number[] = [];
  let afterDashDash = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === undefined) {
      code.push(i);
      continue;
    }
    if (value === '--') {
      afterDashDash = true;
      continue;
    }
    if (program === 'make' || program === 'gmake') {
      if (
        /^[A-Za-z_][A-Za-z0-9_.]*[:+?]?=/.test(value) ||
        /^-(f|C|I|E|-eval|-file|-makefile|-directory|-include-dir)/.test(value)
      ) {
        code.push(i);
        if (/^-[fCIE]$/.test(value)) code.push(i + 1);
      }
      continue;
    }
    if (!afterDashDash && value.startsWith('-') && !NPM_SAFE.test(value)) {
      code.push(i);
      // `--userconfig x`, `-c 'cmd'`: the value too.
      if (!value.includes('=') && args[i + 1]?.value !== undefined && !args[i + 1]!.value!.startsWith('-')) {
        if (
          /^(-c|--call|-p|--package|--userconfig|--globalconfig|--node-options|--script-shell|--prefix|--cache|--registry|-C|--dir)$/.test(
            value,
          )
        )
          code.push(++i);
      }
      continue;
    }
    if (
      (afterDashDash && CODE_OPTION.test(value.split('=')[0]! + (value.includes('=') ? '=' : ''))) ||
      (afterDashDash && /^-(r|c|e|p)$/.test(value))
    ) {
      code.push(i);
      if (!value.includes('=')) code.push(i + 1);
    }
  }
  return [...new Set(code)].filter((i) => i < args.length);
}

/** Package runners and build tools whose arguments may carry code. */
export const RUNNERS: ReadonlySet<string> = new Set([
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'pnpx',
  'bunx',
  'make',
  'gmake',
  'corepack',
]);

/** Code-carrying words of any other program: options named like loaders, configs, pagers, hooks. */
export function genericCodeArgs(args: readonly BashWord[]): number[] {
  const code: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === undefined) continue;
    if (value === '--') break;
    const eq = value.indexOf('=');
    if (CODE_OPTION.test(eq < 0 ? value : `${value.slice(0, eq)}=`)) {
      code.push(i);
      if (eq < 0 && args[i + 1]) code.push(i + 1);
    }
  }
  return code;
}
