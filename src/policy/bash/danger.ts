/**
 * Danger classes: commands that destroy data, exfiltrate, persist, change the system, exhaust resources,
 * or escalate privileges. `dangerous` is a second opinion on top of the read-only verdict: such a command
 * asks even in `full-access`, unless a rule allows that exact command. Options are resolved through the
 * program table, so abbreviations (`git reset --har`, `rm --recur`) are seen.
 */
import { GIT_EXEC_KEYS, isWipeTarget } from './danger-paths.js';
import { optionTable, parseArgs, type OptionTable, type ParsedArgs } from './options.js';
import { gitSubcommand, programSpec } from './programs/index.js';
import type { BashWord } from './words.js';

const text = (word: BashWord): string => word.value ?? word.text;

/** Git subcommands that can destroy work, with their full option lists (for abbreviations). */
const GIT_DANGER: Readonly<Record<string, OptionTable>> = {
  reset: optionTable({
    unsafe:
      'q|quiet no-quiet p|patch soft mixed N|intent-to-add hard merge keep recurse-submodules? no-recurse-submodules pathspec-from-file= pathspec-file-nul refresh no-refresh',
  }),
  clean: optionTable({ unsafe: 'd f|force i|interactive n|dry-run q|quiet e|exclude= x X' }),
  push: optionTable({
    unsafe:
      'v|verbose q|quiet repo= all branches mirror d|delete tags n|dry-run porcelain f|force force-with-lease? force-if-includes no-force-if-includes recurse-submodules= thin no-thin receive-pack= exec= u|set-upstream progress prune no-verify verify follow-tags no-follow-tags signed? no-signed atomic no-atomic o|push-option= 4|ipv4 6|ipv6',
  }),
  checkout: optionTable({
    unsafe:
      'q|quiet progress no-progress f|force ours theirs b= B= t|track? no-track guess no-guess l detach orphan= ignore-skip-worktree-bits m|merge conflict= p|patch ignore-other-worktrees overwrite-ignore no-overwrite-ignore recurse-submodules? no-recurse-submodules pathspec-from-file= pathspec-file-nul',
  }),
  restore: optionTable({
    unsafe:
      's|source= p|patch W|worktree S|staged q|quiet progress no-progress ours theirs m|merge conflict= ignore-unmerged ignore-skip-worktree-bits recurse-submodules? no-recurse-submodules overlay no-overlay pathspec-from-file= pathspec-file-nul',
  }),
  branch: optionTable({
    unsafe:
      'v|verbose q|quiet t|track? u|set-upstream-to= unset-upstream color? r|remotes contains? no-contains? abbrev? a|all d|delete D m|move M c|copy C l|list show-current create-reflog edit-description f|force merged? no-merged? column? sort= points-at= i|ignore-case recurse-submodules format=',
  }),
  'update-ref': optionTable({ unsafe: 'm= d|delete no-deref z stdin create-reflog' }),
  gc: optionTable({
    unsafe: 'aggressive auto prune? no-prune quiet force keep-largest-pack cruft no-cruft max-cruft-size=',
  }),
  prune: optionTable({ unsafe: 'n|dry-run v|verbose progress expire=' }),
  stash: optionTable({}),
  reflog: optionTable({}),
};

/** Destructive options of git subcommands, for abbreviations (`git push --forc`). A map: no inherited keys. */
const DESTRUCTIVE_GIT_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['reset', ['hard', 'merge', 'keep']],
  ['clean', ['force']],
  ['push', ['force', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'prune']],
  ['checkout', ['force']],
  ['branch', ['delete', 'force']],
  ['update-ref', ['delete']],
]);

function gitDanger(args: readonly BashWord[]): string[] {
  const sub = gitSubcommand(args);
  if (!sub) return [];
  const reasons: string[] = [];
  const table = Object.hasOwn(GIT_DANGER, sub.name) ? GIT_DANGER[sub.name] : undefined;
  const parsed = table ? parseArgs(table, sub.rest) : undefined;
  const has = (...names: string[]): boolean => parsed?.options.some((o) => names.includes(o.def.name)) === true;
  const ops = parsed?.operands.map((o) => text(o.word)) ?? [];
  // An ambiguous abbreviation of a destructive option (`git push --forc`) is flagged too.
  const destructive = DESTRUCTIVE_GIT_OPTIONS.get(sub.name) ?? [];
  const abbreviated = sub.rest.some((w) => {
    const name = /^--([a-z-]{2,})/.exec(w.value ?? '')?.[1];
    return name !== undefined && destructive.some((option) => option.startsWith(name));
  });
  if (abbreviated && sub.name !== 'branch') reasons.push(`git ${sub.name} with an abbreviated destructive option`);
  switch (sub.name) {
    case 'reset':
      if (has('hard', 'merge', 'keep')) reasons.push('git reset --hard discards work');
      break;
    case 'clean':
      if (has('force') && !has('dry-run')) reasons.push('git clean -f deletes untracked files');
      break;
    case 'push':
      if (has('force', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'prune'))
        reasons.push('git push --force/--delete rewrites the remote');
      if (ops.some((op) => op.startsWith('+') || op.startsWith(':') || /^\S*\+/.test(op.split(':')[0] ?? '')))
        reasons.push('git push +refspec forces or deletes a remote ref');
      break;
    case 'checkout':
    case 'restore':
      if (has('force') || ops.includes('.') || ops.includes(':/') || ops.some((op) => op === '*'))
        reasons.push(`git ${sub.name} discards changes`);
      break;
    case 'branch':
      if (has('D') || (has('delete') && has('force')) || has('M', 'C'))
        reasons.push('git branch -D deletes an unmerged branch');
      break;
    case 'stash':
      if (['drop', 'clear'].includes(text(sub.rest[0] ?? { value: '', text: '', glob: false, brace: false })))
        reasons.push('git stash drop/clear loses work');
      break;
    case 'reflog':
      if (['expire', 'delete'].includes(sub.rest[0]?.value ?? ''))
        reasons.push('git reflog expire/delete loses history');
      break;
    case 'update-ref':
      if (has('delete')) reasons.push('git update-ref -d deletes a ref');
      break;
    case 'gc':
    case 'prune':
      if (
        parsed?.options.some(
          (o) => (o.def.name === 'prune' || o.def.name === 'expire') && /^(now|all)$/.test(o.value?.value ?? ''),
        ) ||
        sub.name === 'prune'
      )
        reasons.push(`git ${sub.name} --prune=now loses unreachable history`);
      break;
    case 'filter-branch':
    case 'filter-repo':
      reasons.push(`git ${sub.name} rewrites history`);
      break;
    case 'config': {
      const key = sub.rest.find((w) => w.value !== undefined && !w.value.startsWith('-'));
      const writes = sub.rest.filter((w) => !(w.value ?? '').startsWith('-')).length >= 2;
      if (key && writes && GIT_EXEC_KEYS.test(key.value!))
        reasons.push(`git config ${key.value} sets a program git runs`);
      break;
    }
  }
  // `git -c core.fsmonitor=…` runs the program at once.
  for (let i = 0; i < args.length && i < sub.at; i++)
    if (args[i]!.value === '-c' && GIT_EXEC_KEYS.test(args[i + 1]?.value ?? ''))
      reasons.push(`git -c ${args[i + 1]!.value} runs a program`);
  return reasons;
}

const LOOSE = optionTable({});

/** Parses with the program's own table (so abbreviations resolve), or loosely. */
function parseFor(name: string, args: readonly BashWord[]): ParsedArgs {
  const spec = programSpec(name);
  return parseArgs(spec?.options ?? LOOSE, args);
}

const has = (parsed: ParsedArgs, ...names: string[]): boolean => parsed.options.some((o) => names.includes(o.def.name));

/** Commands that change the system, whatever their arguments (beyond a read-only verb). */
const SYSTEM: Readonly<Record<string, RegExp | null>> = {
  shutdown: null,
  reboot: null,
  halt: null,
  poweroff: null,
  kexec: null,
  mkswap: null,
  wipefs: null,
  fdisk: null,
  sfdisk: null,
  parted: null,
  mke2fs: null,
  shred: null,
  blkdiscard: null,
  sudo: null,
  su: null,
  doas: null,
  pkexec: null,
  run0: null,
  killall: null,
  killall5: null,
  nc: null,
  ncat: null,
  netcat: null,
  socat: null,
  telnet: null,
  useradd: null,
  userdel: null,
  usermod: null,
  groupadd: null,
  groupdel: null,
  passwd: null,
  chpasswd: null,
  visudo: null,
  adduser: null,
  deluser: null,
  hostnamectl: /^(status|--help|--version|hostname|)$/,
  timedatectl: /^(status|show|list-timezones|timesync-status|--help|)$/,
  systemctl: /^(status|show|cat|list-\S+|is-\S+|help|--version|--help|)$/,
  service: /^(--status-all|)$/,
  mount: /^$/,
  umount: null,
  swapon: /^(--show|-s|)$/,
  swapoff: null,
  modprobe: null,
  insmod: null,
  rmmod: null,
  iptables: /^(-L|-S|--list|--list-rules|-nL|-vnL|-nvL)$/,
  ip6tables: /^(-L|-S|--list|--list-rules)$/,
  nft: /^(list)$/,
  ufw: /^(status)$/,
  launchctl: /^(list|print)$/,
  at: /^(-l)$/,
  batch: null,
  atrm: null,
  'systemd-run': null,
  fallocate: null,
  truncate: null,
  crontab: /^-l$/,
  chattr: null,
  setcap: null,
  losetup: /^(-l|-a|--list|)$/,
  cryptsetup: /^(status|)$/,
};

/** Package managers: installing or removing system packages. */
const PACKAGE_VERBS =
  /^(install|reinstall|remove|purge|erase|autoremove|upgrade|dist-upgrade|full-upgrade|update|downgrade|add|del|uninstall|-S\w*|-R\w*|-U\w*|in|rm|up|dup)$/;
const PACKAGE_MANAGERS = new Set([
  'apt',
  'apt-get',
  'aptitude',
  'dpkg',
  'dnf',
  'yum',
  'rpm',
  'pacman',
  'zypper',
  'apk',
  'snap',
  'flatpak',
  'emerge',
  'port',
  'brew',
]);

/** Database clients whose statements are checked. */
const DATABASES = new Set([
  'psql',
  'mysql',
  'mariadb',
  'sqlite3',
  'sqlcmd',
  'mongo',
  'mongosh',
  'cockroach',
  'clickhouse-client',
  'duckdb',
  'pgcli',
  'mycli',
  'litecli',
]);
const DESTRUCTIVE_SQL =
  /\b(drop\s+(database|table|schema|collection|index|user)|truncate\b|dropdatabase\s*\(|\.drop\s*\(|delete\s+from\s+\w+\s*(;|$)|flushall|flushdb)/i;

/** The programs {@link cloudDanger} looks at. */
const CLOUD_TOOLS = new Set([
  'aws',
  'gcloud',
  'gsutil',
  'az',
  'doctl',
  'heroku',
  'flyctl',
  'vercel',
  'kubectl',
  'oc',
  'helm',
  'terraform',
  'tofu',
  'terragrunt',
  'pulumi',
  'docker',
  'podman',
  'nerdctl',
]);

/** Cloud and cluster tools: verbs that delete. */
function cloudDanger(name: string, args: readonly BashWord[]): string | undefined {
  if (!CLOUD_TOOLS.has(name)) return undefined;
  const words = args.map(text);
  const joined = words.join(' ');
  switch (name) {
    case 'aws':
      if (/\bs3 (rm|rb)\b|\bs3api delete-|\bdelete-|\bterminate-|\bremove-|\bderegister-/.test(joined))
        return `aws ${joined} deletes cloud resources`;
      break;
    case 'gcloud':
    case 'gsutil':
    case 'az':
    case 'doctl':
    case 'heroku':
    case 'flyctl':
    case 'vercel':
      if (words.some((w) => /^(delete|destroy|rm|rb|remove|purge|apps:destroy)$/.test(w)))
        return `${name} ${joined} deletes cloud resources`;
      break;
    case 'kubectl':
    case 'oc':
      if (
        ['delete', 'drain', 'replace'].includes(words.find((w) => !w.startsWith('-')) ?? '') ||
        (words.includes('replace') && words.includes('--force'))
      )
        return `${name} ${words.find((w) => !w.startsWith('-'))} deletes cluster resources`;
      break;
    case 'helm':
      if (/^(uninstall|delete|del|un)$/.test(words.find((w) => !w.startsWith('-')) ?? ''))
        return 'helm uninstall deletes a release';
      break;
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
    case 'pulumi':
      if (words.includes('destroy') || words.includes('-destroy') || /\bstate (rm|replace-provider)\b/.test(joined))
        return `${name} destroys infrastructure`;
      break;
    case 'docker':
    case 'podman':
    case 'nerdctl':
      return containerDanger(name, words);
  }
  return undefined;
}

function containerDanger(name: string, words: readonly string[]): string | undefined {
  const verb = words.find((w) => !w.startsWith('-'));
  const joined = words.join(' ');
  if (/\b(system|volume|container|image|network|builder|buildx) prune\b/.test(joined))
    return `${name} prune deletes data`;
  if (verb === 'volume' && /\bvolume (rm|remove)\b/.test(joined)) return `${name} volume rm deletes data`;
  if (
    verb === 'run' ||
    verb === 'create' ||
    verb === 'exec' ||
    (verb === 'container' && /\b(run|create|exec)\b/.test(joined))
  ) {
    if (words.some((w) => /^--privileged(=true)?$/.test(w))) return `${name} --privileged gives the container the host`;
    if (
      words.some(
        (w, i) =>
          /^(-v|--volume|--mount)$/.test(words[i - 1] ?? '') &&
          /^(\/|\/(etc|root|home|var|proc|sys|dev|run)\b[^:]*)?:|source=\/(,|$)|^\/var\/run\/docker\.sock/.test(w),
      ) ||
      words.some((w) => /^(-v|--volume)=?\/(:|var\/run\/docker\.sock)/.test(w))
    )
      return `${name} mounts the host's root or the container socket`;
    if (
      words.some(
        (w) =>
          /^--(pid|ipc|userns|uts|cgroupns)=host$|^--cap-add(=|$)|^--device(=|$)|^--security-opt(=|$)/.test(w) ||
          w === 'SYS_ADMIN' ||
          w === 'ALL',
      )
    )
      return `${name} ${verb} breaks the container's isolation`;
  }
  return undefined;
}

/** DNS and network probes that leak data through their arguments. */
const LOOKUPS = new Set([
  'dig',
  'nslookup',
  'host',
  'ping',
  'ping6',
  'traceroute',
  'tracepath',
  'whois',
  'drill',
  'delv',
  'getent',
  'resolvectl',
  'mtr',
  'arping',
  'nping',
  'curl',
  'wget',
  'http',
  'https',
  'xh',
  'aria2c',
  'openssl',
]);

/** Shell-looking strings inside inline code of another language (`os.system("rm -rf ~")`). */
export function inlineCodeDanger(code: string): { reasons: string[]; strings: string[] } {
  const reasons: string[] = [];
  if (
    /\b(shutil\.rmtree|rm_rf|rm_r|remove_dir_all|rmtree|FileUtils\.rm|rmSync|rmdirSync|fs\.rm\b|fs\.promises\.rm|Deno\.remove|File\.delete|unlink\s*\(|os\.remove|os\.unlink|os\.rmdir|removedirs|truncate\s*\(|fork\s*\(|os\.fork|while\s*\(?\s*(1|true|True)\s*\)?\s*:?\s*(os\.)?fork)/.test(
      code,
    )
  )
    reasons.push('inline code deletes files or forks processes');
  if (
    /\b(socket|urlopen|requests\.(post|put)|http\.request|fetch\s*\(|net\.connect|Net::HTTP|LWP|IO::Socket|XMLHttpRequest|smtplib|ftplib|paramiko)\b/.test(
      code,
    )
  )
    reasons.push('inline code opens network connections');
  const strings = [...code.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)]
    .map((m) => (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'))
    .filter((s) => /\s/.test(s) || s.includes('/'));
  // `subprocess.run(["rm", "-rf", "/"])`: list elements joined.
  for (const list of code.matchAll(/\[((?:\s*(?:"[^"]*"|'[^']*')\s*,?)+)\]/g))
    strings.push([...list[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '').join(' '));
  return { reasons, strings };
}

/**
 * Why one simple command (at one level of unwrapping: no `sudo`, `timeout`, `env` in front) is dangerous.
 * `stdin` is the text of its here-documents and here-strings (SQL fed to `psql`).
 */
export function dangerousReasons(name: string, args: readonly BashWord[], stdin = ''): string[] {
  const reasons: string[] = [];
  const base = name.slice(name.lastIndexOf('/') + 1);
  const words = args.map(text);
  switch (base) {
    case 'rm': {
      const parsed = parseFor('rm', args);
      const targets = parsed.operands.map((o) => text(o.word));
      if (has(parsed, 'no-preserve-root')) reasons.push('rm --no-preserve-root');
      if (has(parsed, 'recursive') && targets.some(isWipeTarget))
        reasons.push(`rm -r of ${targets.filter(isWipeTarget).join(' ')} wipes a whole tree`);
      break;
    }
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const parsed = parseFor(base, args);
      const targets = parsed.operands.slice(1).map((o) => text(o.word));
      if (has(parsed, 'recursive') && targets.some(isWipeTarget)) reasons.push(`${base} -R on a whole tree`);
      if (
        base === 'chmod' &&
        /^(0?777|a\+rwx|u\+s|\+s|[0-7]?4[0-7]{3})$/.test(
          text(parsed.operands[0]?.word ?? args[0] ?? { value: '', text: '', glob: false, brace: false }),
        ) &&
        targets.some((t) => t.startsWith('/'))
      )
        reasons.push('chmod opens up or sets setuid on a system path');
      break;
    }
    case 'mv': {
      const ops = parseFor('mv', args).operands.map((o) => text(o.word));
      if (ops.length > 1 && ops.slice(0, -1).some(isWipeTarget))
        reasons.push(`mv of ${ops[0]} moves a whole tree away`);
      break;
    }
    case 'find': {
      const starts = words.filter((_, i) =>
        words.slice(0, i + 1).every((w) => !w.startsWith('-') && w !== '(' && w !== '!'),
      );
      const expression = words.slice(starts.length);
      const unfiltered = expression.every(
        (w, i) =>
          ['-delete', '-depth', '-xdev', '-mount', '-maxdepth', '-mindepth'].includes(w) ||
          (/^\d+$/.test(w) && ['-maxdepth', '-mindepth'].includes(expression[i - 1] ?? '')),
      );
      if (expression.includes('-delete') && unfiltered && starts.some(isWipeTarget))
        reasons.push('find -delete over a whole tree');
      break;
    }
    case 'git':
      reasons.push(...gitDanger(args));
      break;
    case 'dd':
      if (words.some((w) => w.startsWith('of='))) reasons.push('dd of= overwrites a file or device');
      if (words.some((w) => /^if=\/dev\/(zero|u?random)$/.test(w)))
        reasons.push('dd from /dev/zero or /dev/urandom fills the disk');
      break;
    case 'date': {
      const parsed = parseFor('date', args);
      if (has(parsed, 'set') || parsed.operands.some((o) => !text(o.word).startsWith('+')))
        reasons.push('date sets the clock');
      break;
    }
    case 'hostname': {
      const parsed = parseFor('hostname', args);
      if (parsed.operands.length > 0 || has(parsed, 'file', 'boot')) reasons.push('hostname sets the host name');
      break;
    }
    case 'sysctl':
      if (words.some((w) => /^(-w|--write|-p|--load.*|--system)$/.test(w) || (/=/.test(w) && !w.startsWith('-'))))
        reasons.push('sysctl changes the kernel');
      break;
    case 'kill': {
      // `kill -9 -1`, `kill -- -1`, `kill -s KILL -1`: -1 as a process id is every process.
      let i = 0;
      if (words[0] === '-s' || words[0] === '-n') i = 2;
      else if (words[0]?.startsWith('-') && words.length > 1 && words[0] !== '--') i = 1;
      if (words[i] === '--') i++;
      if (words.slice(i).includes('-1')) reasons.push('kill -1 signals every process');
      break;
    }
    case 'pkill':
      if (
        words.some((w) => /^-[a-zA-Z]*f/.test(w) || w === '--full') ||
        words.some((w) => /^-[a-zA-Z]*u/.test(w) || w === '--euid' || w === '--uid')
      )
        reasons.push('pkill -f/-u kills matching processes broadly');
      break;
    case 'yes':
      break;
    case 'pip':
    case 'pip3':
      if (
        words.includes('install') &&
        words.some(
          (w) =>
            w === '--user' || w.startsWith('--target') || w.startsWith('--prefix') || w === '--break-system-packages',
        )
      )
        reasons.push('pip install --user changes programs outside the workspace');
      if (words.includes('uninstall')) reasons.push('pip uninstall removes packages');
      break;
    case 'npm':
    case 'pnpm':
    case 'yarn':
      if (
        words.some((w) => /^(i|install|add|uninstall|remove|rm|link|update|up)$/.test(w)) &&
        words.some((w) => /^(-g|--global|--location=global)$/.test(w) || w === 'global')
      )
        reasons.push(`${base} global install changes programs outside the workspace`);
      break;
    case 'redis-cli':
      if (words.some((w) => /^(flushall|flushdb|shutdown|debug|config)$/i.test(w)) || /flushall|flushdb/i.test(stdin))
        reasons.push('redis-cli flushes or reconfigures the database');
      break;
    case 'scp':
    case 'sftp':
      break;
    case 'ssh':
      if (
        words.some(
          (w, i) =>
            /ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand/i.test(w) &&
            (words[i - 1] === '-o' || w.startsWith('-o')),
        )
      )
        reasons.push('ssh -o ProxyCommand runs a local program');
      break;
    case 'crontab':
      if (!(words.length === 1 && words[0] === '-l')) reasons.push('crontab installs or removes scheduled commands');
      break;
    default:
      if (/^mkfs(\..+)?$/.test(base)) reasons.push(`${base} formats a filesystem`);
  }
  if (Object.hasOwn(SYSTEM, base) && base !== 'crontab') {
    const allowed = SYSTEM[base];
    const verb = words.find((w) => !w.startsWith('-') || allowed?.test(w)) ?? '';
    if (!allowed || !allowed.test(words.length === 0 ? '' : verb)) reasons.push(`${base} changes the system`);
  }
  if (PACKAGE_MANAGERS.has(base) && words.some((w) => PACKAGE_VERBS.test(w)))
    reasons.push(`${base} installs or removes system packages`);
  if (DATABASES.has(base) && (DESTRUCTIVE_SQL.test(words.join(' ')) || DESTRUCTIVE_SQL.test(stdin)))
    reasons.push(`${base} drops or truncates data`);
  const cloud = cloudDanger(base, args);
  if (cloud) reasons.push(cloud);
  if (LOOKUPS.has(base) && args.some((w) => /\$\(|`|<\(/.test(w.text)))
    reasons.push(`${base} sends the output of a command substitution over the network`);
  if (
    ['dig', 'nslookup', 'host', 'ping', 'ping6', 'drill', 'delv', 'traceroute'].includes(base) &&
    args.some((w) => w.value === undefined)
  )
    reasons.push(`${base} looks up a name only known when it runs (DNS exfiltration)`);
  for (const word of args) {
    const value = text(word);
    if (/\/dev\/(tcp|udp)\//.test(value)) reasons.push(`${value} opens a network connection (reverse shell)`);
  }
  return reasons;
}

/** Whether a simple command decodes data (`base64 -d`, `xxd -r`, `openssl … -d`, `gunzip`). */
export function isDecoder(name: string, args: readonly BashWord[]): boolean {
  const words = args.map((w) => w.value ?? '');
  if (['base64', 'base32', 'basenc'].includes(name))
    return words.some((w) => /^(-[a-zA-Z]*[dD][a-zA-Z]*|--decode|--de?c?o?d?e?)$/.test(w) && w !== '--');
  if (name === 'xxd') return words.some((w) => /^-[a-z]*r/.test(w) || w === '-revert');
  if (name === 'openssl') return words.some((w) => ['-d', 'base64', 'enc'].includes(w));
  if (name === 'xz' || name === 'zstd') return words.some((w) => /^-[a-zA-Z]*d|^--decompress/.test(w));
  return ['gunzip', 'zcat', 'bunzip2', 'bzcat', 'unxz', 'xzcat', 'uudecode', 'zstdcat', 'unzstd', 'rev', 'tr'].includes(
    name,
  );
}

/** Programs that download (the upstream side of `curl … | sh`). */
export const FETCHERS: ReadonlySet<string> = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'ftp',
  'tftp',
  'scp',
  'ssh',
  'lwp-download',
  'http',
  'https',
  'xh',
]);
