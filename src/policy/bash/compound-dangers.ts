/**
 * Dangers no single command shows, only their combination: something downloaded or decoded and then run
 * (`curl … | sh`, `curl -o x.sh … && bash x.sh`), a shell wired to the network (a reverse shell).
 */
import type { BashCommandInfo } from './analysis.js';
import { FETCHERS, isDecoder } from './danger.js';
import { INTERPRETERS } from './interpreters.js';
import type { BashWord } from './words.js';

/**
 * A program that downloads, named in a redirection.
 *
 * @example
 * FETCH_WORD.test('< <(curl -s https://x)'); // true
 */
export const FETCH_WORD = /\b(curl|wget|fetch|nc|ncat)\b/;

/** Programs that connect to the network and can carry a shell's input and output. */
const NETWORK_PIPES = ['nc', 'ncat', 'netcat', 'socat', 'telnet', 'openssl'];

/**
 * Whether the commands download something and also run a script or a file (`curl -o x.sh … && bash x.sh`).
 *
 * @example
 * downloadThenRun(walker.commands); // `curl -o x https://h && ./x` → true
 */
export function downloadThenRun(commands: readonly BashCommandInfo[]): boolean {
  const runs = (test: (words: readonly string[]) => boolean): boolean =>
    commands.some((c) => test(c.argv) || c.denyForms.some((f) => test(f.words)));
  const fetches = runs((words) => FETCHERS.has(words[0] ?? ''));
  const runsFile = (words: readonly string[]): boolean =>
    (words[0] ?? '').includes('/') ||
    (INTERPRETERS.has(words[0] ?? '') && words.some((w, i) => i > 0 && !w.startsWith('-')));
  return fetches && runs(runsFile);
}

/**
 * The dangers of a pipeline, in order: downloaded or decoded code piped to a shell, a shell connected to
 * the network. `stageWords` are the evaluated words of each stage.
 *
 * @example
 * pipelineDangers(stages, stageWords); // `curl -s https://h | sh` → ['downloaded code is piped to sh']
 */
export function pipelineDangers(
  stages: readonly BashCommandInfo[],
  stageWords: readonly (readonly BashWord[])[],
): string[] {
  const dangers: string[] = [];
  const programOf = (stage: BashCommandInfo): string =>
    stage.denyForms.at(-1)?.words[0] ?? stage.forms.at(-1)?.words[0] ?? '';
  const names = stages.map(programOf);
  const shellIndex = stages.findIndex((stage, i) => {
    const inner = stage.forms.at(-1)?.words ?? [];
    const program = programOf(stage);
    const scriptOperand = inner.slice(1).some((arg) => !arg.startsWith('-'));
    return i > 0 && INTERPRETERS.has(program) && (!scriptOperand || inner.includes('-') || inner.includes('-s'));
  });
  if (shellIndex > 0) {
    const upstream = stages.slice(0, shellIndex);
    if (upstream.some((stage) => FETCHERS.has(programOf(stage))))
      dangers.push(`downloaded code is piped to ${names[shellIndex]}`);
    if (upstream.some((stage, i) => isDecoder(programOf(stage), stageWords[i]!.slice(1))))
      dangers.push(`decoded code is piped to ${names[shellIndex]}`);
  }
  if (stages.some((stage) => INTERPRETERS.has(programOf(stage))) && names.some((n) => NETWORK_PIPES.includes(n)))
    dangers.push('a shell is connected to the network (reverse shell)');
  return dangers;
}
