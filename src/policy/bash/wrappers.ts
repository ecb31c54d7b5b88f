/**
 * Wrappers: programs that run another command given in their arguments (`timeout 5 CMD`, `env A=1 CMD`,
 * `sudo CMD`, `xargs CMD`). Each is parsed with its own options to find where the inner command starts, so
 * the inner command is judged like any other, and rules match what really runs.
 */
import { optionTable, parseArgs, type OptionTable, type ParsedArgs } from './options.js';
import type { BashWord } from './words.js';

/** How to see through one wrapper. */
export interface WrapperSpec {
  readonly options: OptionTable;
  /** Operands before the command (`timeout DURATION CMD`: 1). */
  readonly skip?: number;
  /**
   * The wrapper does not change what runs (`timeout`, `nice`, `time`, `stdbuf`, `command`): allow rules
   * also match the inner command alone.
   */
  readonly transparent?: boolean;
  /** Why the wrapper itself is not read-only (it detaches, writes, changes privileges…). */
  readonly notReadOnly?: string;
  /** Options after which no command runs (`command -v`, `ionice -p`). */
  readonly noCommand?: readonly string[];
  /** Options whose value is an inline shell script (`flock -c`, `script -c`, `su -c`). */
  readonly scriptOptions?: readonly string[];
  /** The command is the rest joined by spaces and run by `sh -c` (`watch`, `ssh`). */
  readonly joined?: boolean;
  /** The inner command is run with more arguments (`xargs`). */
  readonly openEnded?: boolean;
}

const HV = 'help version';
const w = (
  lists: Parameters<typeof optionTable>[0],
  spec: Omit<WrapperSpec, 'options'> = {},
  digits = false,
): WrapperSpec => ({
  options: optionTable(lists, { digits }),
  ...spec,
});

/** The wrappers. */
export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  timeout: w(
    { safe: `preserve-status foreground k|kill-after= s|signal= v|verbose ${HV}` },
    { skip: 1, transparent: true },
  ),
  nice: w({ safe: `n|adjustment= ${HV}` }, { transparent: true }, true),
  ionice: w(
    { safe: 'c|class= n|classdata= t|ignore h|help V|version', unsafe: 'p|pid= P|pgid= u|uid=' },
    { transparent: true, noCommand: ['pid', 'pgid', 'uid'] },
  ),
  stdbuf: w({ safe: `i|input= o|output= e|error= ${HV}` }, { transparent: true }),
  time: w(
    { safe: 'p|portability v|verbose q|quiet f|format= help version', write: 'o|output=', unsafe: 'a|append' },
    { transparent: true },
  ),
  command: w({ safe: 'p v V' }, { transparent: true, noCommand: ['v', 'V'] }),
  builtin: w({}),
  noglob: w({}, { transparent: true }),
  nohup: w({ safe: HV }, { notReadOnly: 'nohup writes nohup.out and keeps the command running' }),
  setsid: w({ safe: 'c|ctty f|fork w|wait h|help V|version' }, { notReadOnly: 'setsid detaches the command' }),
  exec: w({ safe: 'c l', unsafe: 'a=' }, { notReadOnly: 'exec replaces the shell' }),
  flock: w(
    {
      safe: 's|shared x|e|exclusive u|unlock n|nb|nonblock w|wait|timeout= o|close E|conflict-exit-code= F|no-fork v|verbose h|help V|version',
      code: 'c|command=',
    },
    { skip: 1, notReadOnly: 'flock creates a lock file', scriptOptions: ['command'] },
  ),
  chrt: w(
    {
      safe: 'a|all-tasks b|batch d|deadline f|fifo i|idle o|other r|rr R|reset-on-fork T|sched-runtime= P|sched-period= D|sched-deadline= m|max v|verbose h|help V|version',
      unsafe: 'p|pid',
    },
    { skip: 1, notReadOnly: 'chrt changes scheduling', noCommand: ['pid', 'max'] },
  ),
  taskset: w(
    { safe: 'a|all-tasks c|cpu-list h|help V|version', unsafe: 'p|pid' },
    { skip: 1, notReadOnly: 'taskset changes CPU affinity', noCommand: ['pid'] },
  ),
  unbuffer: w({ safe: 'p' }, { notReadOnly: 'unbuffer runs the command under expect' }),
  script: w(
    {
      safe: 'a|append e|return f|flush q|quiet E|echo= t|timing? T|log-timing= I|log-in= O|log-out= B|log-io= m|logging-format= h|help V|version',
      code: 'c|command=',
    },
    { notReadOnly: 'script records a session into a file', scriptOptions: ['command'], noCommand: [] },
  ),
  watch: w(
    {
      safe: 'b|beep c|color C|no-color d|differences? e|errexit g|chgexit n|interval= p|precise t|no-title w|no-wrap x|exec q|equexit= h|help v|version',
    },
    { notReadOnly: 'watch runs the command repeatedly', joined: true },
  ),
  sudo: w(
    {
      unsafe:
        'u|user= g|group= C|close-from= D|chdir= h|host= p|prompt= r|role= t|type= U|other-user= T|command-timeout= R|chroot= A|askpass b|background E|preserve-env? H|set-home i|login K|remove-timestamp k|reset-timestamp l|list n|non-interactive P|preserve-groups S|stdin s|shell V|version v|validate e|edit B|bell N|no-update',
    },
    { notReadOnly: 'sudo runs the command with other privileges' },
  ),
  doas: w({ unsafe: 'n s u= C= L' }, { notReadOnly: 'doas runs the command with other privileges' }),
  run0: w(
    {
      unsafe:
        'u|user= g|group= D|chdir= setenv= nice= background= unit= property= description= slice= slice-inherit pty pipe machine= via-shell',
    },
    { notReadOnly: 'run0 runs the command with other privileges' },
  ),
  coproc: w({}, { notReadOnly: 'coproc runs the command in the background' }),
  busybox: w({}, { notReadOnly: 'busybox applets differ from the programs the table knows' }),
  xargs: w(
    {
      safe: '0|null d|delimiter= E= e|eof? I= i|replace? L|max-lines= l? n|max-args= P|max-procs= process-slot-var= r|no-run-if-empty s|max-chars= show-limits t|verbose x|exit help version',
      list: 'a|arg-file=',
      unsafe: 'o|open-tty p|interactive',
    },
    { openEnded: true },
  ),
  ssh: w(
    {
      safe: '4 6 A a C f G g K k M N n q s T t V v X x Y y',
      unsafe: 'B= b= c= D= E= e= I= i= J= L= l= m= O= P= p= Q= R= S= W= w=',
      code: 'o= F=',
    },
    { notReadOnly: 'ssh runs the command on another host', skip: 1, joined: true },
  ),
};

/** Where the inner command of a wrapper call starts, and what the wrapper's own options did. */
export interface Unwrapped {
  readonly parsed: ParsedArgs;
  /** Index (in the wrapper's arguments) of the inner command; `undefined` when none runs. */
  readonly start: number | undefined;
  /** Inline scripts given by option (`flock -c '…'`): the value words and their indexes. */
  readonly scripts: { readonly word: BashWord; readonly index: number }[];
}

/** Parses a wrapper's options and finds the inner command. */
export function unwrap(name: string, spec: WrapperSpec, args: readonly BashWord[]): Unwrapped {
  const parsed = parseArgs(spec.options, args, { stopAtOperand: true, label: name });
  const scripts = parsed.options
    .filter((o) => (spec.scriptOptions ?? []).includes(o.def.name) && o.value)
    .map((o) => ({ word: o.value!, index: o.valueIndex ?? o.index }));
  if (parsed.options.some((o) => (spec.noCommand ?? []).includes(o.def.name)) || scripts.length > 0)
    return { parsed, start: undefined, scripts };
  const first = parsed.operands[spec.skip ?? 0];
  return { parsed, start: first?.index, scripts };
}
