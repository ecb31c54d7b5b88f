/**
 * Danger classes: commands that destroy data, exfiltrate, persist, change the system, exhaust resources,
 * or escalate privileges. `dangerous` is a second opinion on top of the read-only verdict: such a command
 * asks even in `full-access`, unless a rule allows that exact command. Options are resolved through the
 * program table, so abbreviations (`git reset --har`, `rm --recur`) are seen.
 */
import { PROGRAM_DANGERS } from './danger-programs.js';
import type { BashWord } from './words.js';

const text = (word: BashWord): string => word.value ?? word.text;

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

/** {@link SYSTEM} as a map (no inherited keys). */
const SYSTEM_COMMANDS: ReadonlyMap<string, RegExp | null> = new Map(Object.entries(SYSTEM));

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

/** Lookups whose name argument, only known at run time, can carry data out (DNS exfiltration). */
const NAME_LOOKUPS = new Set(['dig', 'nslookup', 'host', 'ping', 'ping6', 'drill', 'delv', 'traceroute']);

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
  if (CHECKED.has(base)) namedDangers(base, args, stdin, reasons);
  else if (base.startsWith('mkfs') && /^mkfs(\..+)?$/.test(base)) reasons.push(`${base} formats a filesystem`);
  for (const word of args) {
    const value = text(word);
    if (value.includes('/dev/') && /\/dev\/(tcp|udp)\//.test(value))
      reasons.push(`${value} opens a network connection (reverse shell)`);
  }
  return reasons;
}

/** The checks of a program that has some (see {@link CHECKED}). */
function namedDangers(base: string, args: readonly BashWord[], stdin: string, reasons: string[]): void {
  const words = args.map(text);
  const check = PROGRAM_DANGERS.get(base);
  if (check) check({ base, args, words, stdin, reasons });
  else if (/^mkfs(\..+)?$/.test(base)) reasons.push(`${base} formats a filesystem`);
  const allowed = SYSTEM_COMMANDS.get(base);
  if (allowed !== undefined && base !== 'crontab') {
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
  if (NAME_LOOKUPS.has(base) && args.some((w) => w.value === undefined))
    reasons.push(`${base} looks up a name only known when it runs (DNS exfiltration)`);
}

/** Every program name with a check above: the others (most) cost one lookup. */
const CHECKED: ReadonlySet<string> = new Set([
  ...PROGRAM_DANGERS.keys(),
  ...SYSTEM_COMMANDS.keys(),
  ...PACKAGE_MANAGERS,
  ...DATABASES,
  ...CLOUD_TOOLS,
  ...LOOKUPS,
  ...NAME_LOOKUPS,
]);

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
