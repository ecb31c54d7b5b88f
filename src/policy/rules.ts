/**
 * Permission rules: `Tool` or `Tool(specifier)`, parsed once (a malformed rule is a `ConfigError`).
 */
import picomatch from 'picomatch';
import { ConfigError } from '../errors/config-error.js';

/** Which tools a rule's name stands for. */
export type RuleFamily = 'bash' | 'read' | 'edit' | 'webfetch' | 'mcp' | 'tool';

/** Where a path pattern is anchored. */
export type PathAnchor = 'root' | 'absolute' | 'home' | 'anywhere' | 'root-or-absolute';

/** A parsed path pattern. */
export interface PathPattern {
  readonly anchor: PathAnchor;
  /** The glob, relative to its anchor (no leading slash), or absolute for `absolute`. */
  readonly glob: string;
  /** Whether the specifier names a literal path (no glob characters): used for protected paths. */
  readonly literal: boolean;
}

/** A parsed bash specifier. */
export type BashPattern =
  | {
      readonly kind: 'exact';
      readonly tokens: readonly string[];
      /** The whole command it names, escapes removed. */ readonly raw: string;
    }
  | { readonly kind: 'prefix'; readonly tokens: readonly string[] }
  | {
      readonly kind: 'glob';
      readonly regex: RegExp;
      readonly trailingWildcard: boolean;
      /** The words the pattern spells out with no wildcard: only these may carry code. */
      readonly literals?: readonly string[];
    };

/** One rule, parsed. */
export interface ParsedRule {
  /** As written. */
  readonly source: string;
  readonly family: RuleFamily;
  /** The tool name as written, normalised (lower case; `_` and `-` removed except for MCP names). */
  readonly name: string;
  readonly specifier?: string;
  readonly bash?: BashPattern;
  readonly path?: PathPattern;
  readonly domain?: string;
  /** For `mcp__server__*` and `mcp__server`: the prefix tool names must start with. */
  readonly mcpPrefix?: string;
}

const FAMILIES: Record<string, RuleFamily> = {
  bash: 'bash',
  read: 'read',
  edit: 'edit',
  write: 'edit',
  multiedit: 'edit',
  applypatch: 'edit',
  webfetch: 'webfetch',
};

/** MCP tools (`mcp__server__tool`) and plugin tools (`plugin__name__tool`): names kept as written, prefix rules. */
const NAMESPACED = /^(?:mcp|plugin)__/;

/** Normalises a tool name for comparison: case-insensitive, `web_fetch` = `WebFetch`. */
export function normalizeToolName(name: string): string {
  const lower = name.toLowerCase();
  return NAMESPACED.test(lower) ? lower : lower.replace(/[_-]/g, '');
}

function fail(rule: string, why: string): never {
  throw new ConfigError(
    `Malformed permission rule ${JSON.stringify(rule)}: ${why}. Rules look like "Bash", "Bash(npm test:*)", "Read(./secrets/**)", "WebFetch(domain:example.com)" or "mcp__server__tool".`,
  );
}

/**
 * Splits a bash pattern into words the way the shell would (quotes and backslashes removed), keeping
 * unescaped `*` visible as a wildcard marker.
 */
function bashTokens(rule: string, text: string): { tokens: string[]; wildcards: number[][] } {
  const tokens: string[] = [];
  const wildcards: number[][] = [];
  let current = '';
  let stars: number[] = [];
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!))
        current += text[++i];
      else current += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) {
        tokens.push(current);
        wildcards.push(stars);
      }
      current = '';
      stars = [];
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') {
      if (i + 1 >= text.length) fail(rule, 'a trailing backslash');
      current += text[++i];
    } else if (ch === '*') {
      stars.push(current.length);
      current += '*';
    } else current += ch;
  }
  if (quote) fail(rule, 'an unterminated quote');
  if (inWord) {
    tokens.push(current);
    wildcards.push(stars);
  }
  return { tokens, wildcards };
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function parseBash(rule: string, specifier: string): BashPattern | undefined {
  let body = specifier.trim();
  if (body === '*') return undefined;
  let legacyPrefix = false;
  if (body.endsWith(':*') && !body.endsWith('\\:*')) {
    legacyPrefix = true;
    body = body.slice(0, -2).trimEnd();
  }
  const { tokens, wildcards } = bashTokens(rule, body);
  if (tokens.length === 0) fail(rule, 'an empty command pattern');
  if (legacyPrefix) {
    if (wildcards.some((w) => w.length > 0)) fail(rule, '":*" cannot be combined with other wildcards');
    return { kind: 'prefix', tokens };
  }
  const last = tokens.length - 1;
  const starCount = wildcards.reduce((n, w) => n + w.length, 0);
  if (starCount === 0) return { kind: 'exact', tokens, raw: body.replace(/\\(.)/gs, '$1') };
  // `npm run *`: a lone trailing `*` word is a word-boundary prefix that also matches no arguments.
  if (starCount === 1 && tokens[last] === '*' && last > 0) return { kind: 'prefix', tokens: tokens.slice(0, last) };
  // `*` elsewhere: a glob over the words joined by single spaces.
  const source = tokens
    .map((token, i) => {
      let out = '';
      let from = 0;
      for (const at of wildcards[i]!) {
        out += escapeRegex(token.slice(from, at)) + '.*';
        from = at + 1;
      }
      return out + escapeRegex(token.slice(from));
    })
    .join(' ');
  if (tokens[0]!.startsWith('*') && tokens.length === 1)
    fail(rule, 'a pattern that is only a wildcard; write "Bash" instead');
  const literals = tokens.filter((_, i) => wildcards[i]!.length === 0);
  return { kind: 'glob', regex: new RegExp(`^${source}$`, 's'), trailingWildcard: /\*$/.test(body), literals };
}

function parsePath(rule: string, specifier: string): PathPattern {
  let spec = specifier.trim();
  if (spec === '') fail(rule, 'an empty path pattern');
  if (spec.includes('\0')) fail(rule, 'a NUL character in the path');
  let anchor: PathAnchor;
  if (spec.startsWith('//')) {
    anchor = 'absolute';
    spec = spec.slice(1);
  } else if (spec === '~' || spec.startsWith('~/')) {
    anchor = 'home';
    spec = spec.slice(2);
  } else if (spec.startsWith('/')) {
    // Claude Code reads `/x` as relative to the settings file; here that is the workspace root. Deny and ask
    // rules also match it as an absolute path, so a rule meant either way still protects (see createPolicy).
    anchor = 'root-or-absolute';
    spec = spec.slice(1);
  } else if (spec.startsWith('./')) {
    anchor = 'root';
    spec = spec.slice(2);
  } else if (spec.startsWith('~')) {
    fail(rule, '"~user" paths are not supported; use "~/" or "//abs/path"');
  } else {
    // gitignore: a pattern with a slash (other than a trailing one) is anchored at the root; one without
    // matches at any depth.
    anchor = spec.replace(/\/+$/, '').includes('/') ? 'root' : 'anywhere';
  }
  spec = spec.replace(/\/+$/, '');
  if (spec === '' || spec === '.') spec = anchor === 'absolute' ? '/' : '**';
  if (anchor === 'absolute' && !spec.startsWith('/')) spec = `/${spec}`;
  if (spec.split('/').includes('..')) fail(rule, '".." in a path pattern');
  try {
    picomatch.makeRe(spec, { dot: true });
  } catch (error) {
    throw new ConfigError(`Malformed permission rule ${JSON.stringify(rule)}: invalid glob`, { cause: error });
  }
  return { anchor, glob: spec, literal: !/[*?[\]{}()!+@]/.test(spec) };
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^\[[0-9a-f:.]+\]$/;

/**
 * Parses a rule string; throws `ConfigError` when it is malformed.
 *
 * @example
 * ```ts
 * parseRule('Bash(npm test:*)');   // { family: 'bash', bash: { kind: 'prefix', tokens: ['npm', 'test'] }, … }
 * parseRule('Read(./secrets/**)'); // { family: 'read', path: { anchor: 'root', glob: 'secrets/**' }, … }
 * parseRule('Bash(rm -rf');        // throws ConfigError
 * ```
 */
export function parseRule(rule: string): ParsedRule {
  if (typeof rule !== 'string') throw new ConfigError(`A permission rule must be a string, got ${typeof rule}.`);
  const source = rule.trim();
  if (source === '') fail(rule, 'an empty rule');
  const open = source.indexOf('(');
  const rawName = open < 0 ? source : source.slice(0, open);
  if (!/^[A-Za-z][A-Za-z0-9_-]*(\*)?$/.test(rawName)) fail(rule, `"${rawName}" is not a tool name`);
  let specifier: string | undefined;
  if (open >= 0) {
    if (!source.endsWith(')')) fail(rule, 'a missing closing parenthesis');
    specifier = source.slice(open + 1, -1);
    if (specifier.trim() === '') fail(rule, 'empty parentheses; write the bare tool name');
  }
  const name = normalizeToolName(rawName);
  if (NAMESPACED.test(name)) {
    const [kind, owner] = name.startsWith('mcp__') ? ['mcp', 'server'] : ['plugin', 'name'];
    if (specifier !== undefined) fail(rule, `${kind} rules take no parentheses`);
    const parts = name.split('__');
    if (parts.length < 2 || parts.length > 3 || parts.some((part, i) => i > 0 && part === ''))
      fail(rule, `${kind} rules look like ${kind}__${owner} or ${kind}__${owner}__tool`);
    const tool = parts[2];
    if (tool === undefined || tool === '*') return { source, family: 'mcp', name, mcpPrefix: `${kind}__${parts[1]}__` };
    if (tool.includes('*')) fail(rule, `only a whole "*" tool part is supported in ${kind} rules`);
    return { source, family: 'mcp', name };
  }
  if (rawName.includes('*'))
    fail(rule, '"*" is only supported in MCP and plugin rules (mcp__server__*, plugin__name__*)');
  const family = (Object.hasOwn(FAMILIES, name) ? FAMILIES[name] : undefined) ?? 'tool';
  if (specifier === undefined) return { source, family, name };
  switch (family) {
    case 'bash': {
      const bash = parseBash(rule, specifier);
      return bash ? { source, family, name, specifier, bash } : { source, family, name };
    }
    case 'webfetch': {
      const match = /^domain:(.+)$/.exec(specifier.trim());
      if (!match) fail(rule, 'WebFetch rules take "domain:host"');
      const domain = match[1]!.toLowerCase().replace(/\.$/, '');
      if (!HOST.test(domain)) fail(rule, `"${domain}" is not a host name`);
      return { source, family, name, specifier, domain };
    }
    default:
      if (specifier.trim().startsWith('domain:')) fail(rule, '"domain:" only applies to WebFetch');
      return { source, family, name, specifier, path: parsePath(rule, specifier) };
  }
}

/** The words of one simple command, as rules see them. */
export interface CommandForm {
  readonly words: readonly string[];
  /** Run with more arguments added at run time (`xargs`, `find -exec`): only prefix rules match. */
  readonly openEnded: boolean;
  /**
   * Indexes of words that carry code or load programs (`-c` scripts, `--node-options=…`, `find -exec …`).
   * When absent, the indexes the shell analysis recorded for these words are used.
   */
  readonly codeArgs?: readonly number[];
}

/**
 * Whether a bash pattern matches one simple command. An exact rule names the whole command, code and
 * all; a prefix or wildcard allow rule covers only what it spells out: a code-carrying word (`form.codeArgs`) in the
 * part a wildcard stands for (`npm test --node-options=…` under `Bash(npm test:*)`) makes it not match. Deny
 * and ask rules are matched without `codeArgs`, so they cover a program's code as well.
 *
 * @example
 * ```ts
 * matchBash(parseRule('Bash(npm test:*)').bash!, { words: ['npm', 'test', '--', '--run'], openEnded: false }); // true
 * matchBash(parseRule('Bash(awk:*)').bash!, { words: ['awk', 'BEGIN{system("id")}'], openEnded: false, codeArgs: [1] }); // false
 * ```
 */
export function matchBash(pattern: BashPattern, form: CommandForm): boolean {
  // Only allow rules pass `codeArgs`: a deny or ask rule that names the program covers its code too.
  const code = form.codeArgs ?? [];
  switch (pattern.kind) {
    case 'exact':
      return (
        !form.openEnded &&
        form.words.length === pattern.tokens.length &&
        pattern.tokens.every((t, i) => form.words[i] === t)
      );
    case 'prefix':
      return (
        form.words.length >= pattern.tokens.length &&
        pattern.tokens.every((t, i) => form.words[i] === t) &&
        code.every((i) => i < pattern.tokens.length)
      );
    case 'glob':
      return (
        (!form.openEnded || pattern.trailingWildcard) &&
        pattern.regex.test(form.words.join(' ')) &&
        code.every((i) => (pattern.literals ?? []).includes(form.words[i] ?? ''))
      );
  }
}

/** Escapes a command so that `Bash(…)` matches exactly it (no `*`, no `:*`, no stray backslashes). */
export function escapeBashPattern(command: string): string {
  return command.replace(/[\\*'"]/g, '\\$&');
}

/** Escapes glob characters of a path so that `Read(…)`/`Edit(…)` names exactly it. */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}
