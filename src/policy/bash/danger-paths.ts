/**
 * Paths whose writing is dangerous: it runs code later (shell startup files, git hooks, crontabs,
 * systemd units, autostart entries, git and ssh configuration) or grants access (`authorized_keys`), or
 * overwrites a device.
 */

/** Targets of a recursive `rm`/`chmod`/`chown` that wipe a whole tree. */
export function isWipeTarget(value: string): boolean {
  const raw = value.replace(/^["']|["']$/g, '');
  const collapsed = raw.replace(/\/+/g, '/').replace(/(\/\.)+\/?$/, '/');
  if (/^\/\*?$/.test(collapsed) || /^\/\.{0,2}\/?\*?$/.test(collapsed)) return true;
  if (/^(~|\$HOME|\$\{HOME\})\/?\*?$/.test(collapsed)) return true;
  if (/^(\.|\.\.|\*|\.\/\*|\.\.\/\*|\.\/|\.\.\/|\.\*)$/.test(collapsed)) return true;
  // The repository's history, and top-level system directories.
  if (/^(\.\/)?\.git\/?$/.test(collapsed)) return true;
  if (/^\/(bin|boot|dev|etc|home|lib|lib64|opt|root|sbin|srv|usr|var)\/?\*?$/.test(collapsed)) return true;
  return false;
}

/**
 * Whether writing this path persists code or access, or destroys a device.
 *
 * @example
 * ```ts
 * isDangerousWritePath('~/.bashrc');            // true
 * isDangerousWritePath('.git/hooks/pre-commit'); // true
 * isDangerousWritePath('src/a.ts');             // false
 * ```
 */
export function isDangerousWritePath(path: string): boolean {
  const normal = path.replace(/^\$\{?HOME\}?/, '~').replace(/\/+/g, '/');
  const base = normal.slice(normal.lastIndexOf('/') + 1);
  if (
    /^\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|cshrc|tcshrc|kshrc|mkshrc|inputrc|bash_aliases|xprofile|xinitrc|xsession|pam_environment)$/.test(
      base,
    )
  )
    return true;
  if (base === 'authorized_keys' || base === 'authorized_keys2') return true;
  if (/(^|\/)\.git\/hooks(\/|$)/.test(normal)) return true;
  if (/(^|\/)\.(ssh|gnupg)(\/|$)/.test(normal)) return true;
  if (
    /(^|\/)\.gitconfig$|(^|\/)\.config\/git\/|(^|\/)\.config\/(autostart|systemd|fish|environment\.d)(\/|$)/.test(
      normal,
    )
  )
    return true;
  if (/(^|\/)\.local\/share\/systemd\//.test(normal)) return true;
  if (
    /^\/etc\/(profile|bash\.bashrc|zshrc|zsh\/|environment|sudoers|passwd|shadow|group|crontab|ld\.so\.preload|ld\.so\.conf|rc\.local|hosts$|resolv\.conf|ssh\/|pam\.d\/|security\/|init\.d\/|xdg\/autostart\/|apt\/|yum\.repos\.d\/|modprobe\.d\/|sysctl)/.test(
      normal,
    )
  )
    return true;
  if (
    /^\/etc\/(cron|sudoers\.d|profile\.d|systemd\/|udev\/)/.test(normal) ||
    /^\/(var\/spool\/cron|usr\/lib\/systemd|lib\/systemd)/.test(normal)
  )
    return true;
  if (/^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|loop|mapper\/|mem|kmem|port)/.test(normal)) return true;
  if (/^\/(boot|proc\/sys|sys)\//.test(normal)) return true;
  if (/^\/(bin|sbin|usr\/bin|usr\/sbin|usr\/local\/bin|usr\/lib|lib|lib64)\//.test(normal)) return true;
  return false;
}

/** Git configuration keys whose value is a program git runs later. */
export const GIT_EXEC_KEYS =
  /^(core\.(fsmonitor|pager|editor|hookspath|sshcommand|askpass|gitproxy|attributesfile|excludesfile)|alias\.|diff\.external|diff\..*\.(textconv|command)|merge\..*\.driver|filter\.|credential\.|sequence\.editor|gpg\.|pager\.|uploadpack\.|receivepack\.|include\.|includeif\.|http\..*proxy|url\.|remote\..*\.(uploadpack|receivepack|proxy)|protocol\.|safe\.|init\.templatedir|commit\.gpgsign)/i;
