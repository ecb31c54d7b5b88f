/**
 * Commands that destroy data, take over the machine or open it to others. `dangerous` is a second opinion
 * on top of read-only analysis: such a command asks even in `full-access`, unless a rule allows that exact
 * command.
 */
import { hasFlag, operands } from './args.js';
import type { BashWord } from './words.js';

/** Targets of a recursive `rm`/`chmod`/`chown` that wipe a whole tree. */
function isWipeTarget(word: BashWord): boolean {
  const raw = (word.value ?? word.text).replace(/^["']|["']$/g, '');
  const collapsed = raw.replace(/\/+/g, '/').replace(/(\/\.)+\/?$/, '/');
  if (/^\/\*?$/.test(collapsed) || /^\/\.{0,2}\/?\*?$/.test(collapsed)) return true;
  if (/^(~|\$HOME|\$\{HOME\})\/?\*?$/.test(collapsed)) return true;
  if (/^(\.|\.\.|\*|\.\/\*|\.\.\/\*|\.\/|\.\.\/|\.\*)$/.test(collapsed)) return true;
  // The repository's history.
  if (/^(\.\/)?\.git\/?$/.test(collapsed)) return true;
  return false;
}

/** Shell rc files and other files whose change runs code later or grants access. */
export function isDangerousWritePath(path: string): boolean {
  const normal = path.replace(/\/+/g, '/');
  const base = normal.slice(normal.lastIndexOf('/') + 1);
  if (
    /^\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|cshrc|tcshrc|kshrc|mkshrc)$/.test(
      base,
    )
  )
    return true;
  if (base === 'authorized_keys' || base === 'authorized_keys2') return true;
  if (/(^|\/)\.config\/fish\/config\.fish$/.test(normal)) return true;
  if (
    /^\/etc\/(profile|bash\.bashrc|zshrc|environment|sudoers|passwd|shadow|group|crontab|ld\.so\.preload)/.test(normal)
  )
    return true;
  if (/^\/etc\/(cron\.|sudoers\.d|profile\.d|systemd\/)/.test(normal) || normal.startsWith('/var/spool/cron'))
    return true;
  if (/^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|loop|mapper\/)/.test(normal)) return true;
  if (/^\/(boot|proc\/sys|sys)\//.test(normal)) return true;
  return false;
}

/** Programs that download or decode code. */
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

/** Whether a simple command decodes data (`base64 -d`, `xxd -r`, `openssl … -d`, `gunzip`). */
export function isDecoder(name: string, args: readonly BashWord[]): boolean {
  if ((name === 'base64' || name === 'base32' || name === 'basenc') && hasFlag(args, ['--decode'], 'dD')) return true;
  if (name === 'xxd' && hasFlag(args, ['-r', '-revert'], 'r')) return true;
  if (name === 'openssl' && args.some((word) => ['-d', 'base64', 'enc'].includes(word.value ?? ''))) return true;
  if (name === 'xz' || name === 'zstd') return hasFlag(args, ['--decompress'], 'd');
  return ['gunzip', 'zcat', 'bunzip2', 'bzcat', 'unxz', 'xzcat', 'uudecode', 'zstdcat', 'unzstd'].includes(name);
}

/** Why a single simple command (already unwrapped: no `sudo`, `timeout`, `env` in front) is dangerous. */
export function dangerousReasons(name: string, args: readonly BashWord[]): string[] {
  const reasons: string[] = [];
  const ops = operands(args);
  const base = name.slice(name.lastIndexOf('/') + 1);
  switch (base) {
    case 'find': {
      const starts = args.filter((word, i) =>
        args.slice(0, i + 1).every((w) => !(w.value ?? '').startsWith('-') && w.value !== '(' && w.value !== '!'),
      );
      // Only an unfiltered delete: `find . -name '*.tmp' -delete` is a targeted clean-up.
      const expression = args.slice(starts.length).map((w) => w.value ?? '');
      const unfiltered = expression.every(
        (w, i) =>
          ['-delete', '-depth', '-xdev', '-mount', '-maxdepth', '-mindepth'].includes(w) ||
          (/^\d+$/.test(w) && ['-maxdepth', '-mindepth'].includes(expression[i - 1] ?? '')),
      );
      if (hasFlag(args, ['-delete']) && unfiltered && starts.some(isWipeTarget))
        reasons.push('find -delete over a whole tree');
      break;
    }
    case 'mv':
      if (ops.length > 1 && ops.slice(0, -1).some(isWipeTarget))
        reasons.push(`mv of ${ops[0]?.text ?? 'a whole tree'} moves a whole tree away`);
      break;
    case 'rm': {
      const recursive = hasFlag(args, ['--recursive'], 'rR');
      if (hasFlag(args, ['--no-preserve-root'])) reasons.push('rm --no-preserve-root');
      if (recursive && ops.some(isWipeTarget))
        reasons.push(
          `rm -r of ${ops
            .filter(isWipeTarget)
            .map((w) => w.text)
            .join(' ')} wipes a whole tree`,
        );
      break;
    }
    case 'chmod':
    case 'chown':
    case 'chgrp':
      if (hasFlag(args, ['--recursive'], 'R') && ops.some(isWipeTarget)) reasons.push(`${base} -R on a whole tree`);
      break;
    case 'git': {
      const sub = gitSubcommand(args);
      if (!sub) break;
      const rest = sub.rest;
      if (sub.name === 'reset' && hasFlag(rest, ['--hard', '--merge', '--keep']))
        reasons.push('git reset --hard discards work');
      if (sub.name === 'clean' && hasFlag(rest, ['--force'], 'f')) reasons.push('git clean -f deletes untracked files');
      if (sub.name === 'push') {
        if (
          hasFlag(
            rest,
            ['--force', '--force-with-lease', '--force-if-includes', '--mirror', '--delete', '--prune'],
            'fd',
          )
        )
          reasons.push('git push --force/--delete rewrites the remote');
        if (
          operands(rest).some((word) => (word.value ?? word.text).startsWith('+') || (word.value ?? '').startsWith(':'))
        )
          reasons.push('git push +refspec forces or deletes a remote ref');
      }
      if (
        (sub.name === 'checkout' || sub.name === 'restore') &&
        (hasFlag(rest, ['--force'], 'f') || operands(rest).some((w) => w.value === '.'))
      )
        reasons.push(`git ${sub.name} discards changes`);
      if (sub.name === 'branch' && hasFlag(rest, [], 'D')) reasons.push('git branch -D deletes an unmerged branch');
      if (sub.name === 'stash' && ['drop', 'clear'].includes(rest[0]?.value ?? ''))
        reasons.push('git stash drop/clear loses work');
      if (sub.name === 'filter-branch' || sub.name === 'filter-repo') reasons.push(`git ${sub.name} rewrites history`);
      break;
    }
    case 'dd':
      for (const word of args) {
        const value = word.value ?? word.text;
        if (value.startsWith('of=') && (value.slice(3).startsWith('/dev/') || isDangerousWritePath(value.slice(3))))
          reasons.push(`dd ${value} overwrites a device`);
      }
      break;
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
      reasons.push(`${base} stops the machine`);
      break;
    case 'init':
    case 'telinit':
      if (['0', '6'].includes(ops[0]?.value ?? '')) reasons.push(`${base} ${ops[0]?.value} stops the machine`);
      break;
    case 'systemctl':
      if (['poweroff', 'reboot', 'halt', 'kexec', 'suspend', 'hibernate'].includes(ops[0]?.value ?? ''))
        reasons.push(`systemctl ${ops[0]?.value} stops the machine`);
      break;
    case 'sudo':
    case 'su':
    case 'doas':
    case 'pkexec':
    case 'run0':
      reasons.push(`${base} runs with other privileges`);
      break;
    case 'crontab':
      if (!(args.length === 1 && args[0]?.value === '-l')) reasons.push('crontab installs scheduled commands');
      break;
    case 'nc':
    case 'ncat':
    case 'netcat':
      if (hasFlag(args, ['--exec', '--sh-exec', '--lua-exec'], 'ec'))
        reasons.push(`${base} -e serves a shell (reverse shell)`);
      break;
    case 'socat':
      if (args.some((word) => /(^|[,:])\s*(exec|system)\s*:/i.test(word.value ?? word.text)))
        reasons.push('socat exec: serves a program (reverse shell)');
      break;
    case 'kill':
    case 'pkill':
    case 'killall':
      if (
        ops.some((word) => word.value === '-1') ||
        (base === 'kill' && args.some((w) => w.value === '-1') && args.length > 1)
      )
        reasons.push('kill -1 signals every process');
      if (base !== 'kill' && ops.length === 0 && hasFlag(args, ['--user'], 'u'))
        reasons.push(`${base} -u kills every process of a user`);
      break;
    case 'mkswap':
    case 'wipefs':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'shred':
    case 'mke2fs':
      reasons.push(`${base} destroys data on a device`);
      break;
    case 'iptables':
    case 'ip6tables':
    case 'nft':
    case 'ufw':
      if (hasFlag(args, ['--flush', 'flush', 'disable', 'reset'], 'F')) reasons.push(`${base} flushes the firewall`);
      break;
    default:
      if (/^mkfs(\..+)?$/.test(base)) reasons.push(`${base} formats a filesystem`);
  }
  // Arguments of any program that name a raw network socket or a device.
  for (const word of args) {
    const value = word.value ?? word.text;
    if (/\/dev\/(tcp|udp)\//.test(value)) reasons.push(`${value} opens a network connection (reverse shell)`);
  }
  return reasons;
}

/** The subcommand of `git [global options] sub …`, skipping options that take a value. */
export function gitSubcommand(args: readonly BashWord[]): { name: string; rest: readonly BashWord[] } | undefined {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === undefined) return undefined;
    if (
      ['-c', '-C', '--git-dir', '--work-tree', '--namespace', '--config-env', '--exec-path', '--super-prefix'].includes(
        value,
      )
    ) {
      i++;
      continue;
    }
    if (value.startsWith('-')) continue;
    return { name: value, rest: args.slice(i + 1) };
  }
  return undefined;
}
