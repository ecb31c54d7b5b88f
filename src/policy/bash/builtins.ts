/**
 * Shell builtins the judge knows by name without a program table: those that are harmless whatever their
 * arguments, and those that change the shell itself (never read-only).
 */

/**
 * Builtins that are read-only whatever their arguments.
 *
 * @example
 * HARMLESS_BUILTINS.has('exit'); // true
 */
export const HARMLESS_BUILTINS = new Set([
  'exit',
  'return',
  'shift',
  'break',
  'continue',
  'times',
  'jobs',
  'dirs',
  'caller',
  'wait',
  'help',
  'logout',
]);

/**
 * Builtins that change the shell or run code the analysis cannot see.
 *
 * @example
 * SHELL_CHANGERS.has('set'); // true
 */
export const SHELL_CHANGERS = new Set([
  'let',
  'read',
  'mapfile',
  'readarray',
  'shopt',
  'set',
  'hash',
  'fc',
  'history',
  'bind',
  'complete',
  'compgen',
  'compopt',
  'enable',
  'unalias',
  'declare',
  'typeset',
  'export',
  'local',
  'readonly',
  'unset',
  'getopts',
  'ulimit',
  'umask',
  'disown',
  'suspend',
  'kill',
  'select',
]);
