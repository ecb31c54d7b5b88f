/**
 * Reads one config file: JSONC (comments and trailing commas allowed), validated against the schema, every
 * problem a {@link ConfigFileError} with the file, the JSON path, and the line and column.
 *
 * @packageDocumentation
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ConfigFileError } from './config-file-error.js';
import { formatJsonPath } from './json-path.js';
import { configFileSchema, type ConfigFile } from './schema.js';

/** Config files are small; a bigger one is a mistake (or an attack on memory). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A file's text and where its values are, for error positions. */
export interface ParsedConfigFile {
  readonly file: string;
  readonly settings: ConfigFile;
  /** The line and column of the value at `path`, when it is in the file. */
  locate(path: readonly (string | number)[]): { line: number; column: number } | Record<string, never>;
}

/**
 * Reads and validates `file`; `undefined` when it does not exist.
 *
 * @throws ConfigFileError for a file that is not a regular file, is too big, is not valid JSONC, or does
 *   not match the schema.
 */
export async function readConfigFile(file: string): Promise<ParsedConfigFile | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  const settings = parseConfigText(file, text);
  return { file, settings, locate: (path) => locate(text, parseTree(text), path) };
}

/**
 * Parses and validates the text of a config file.
 *
 * @throws ConfigFileError naming the file, the JSON path and the position of the first problem.
 */
export function parseConfigText(file: string, text: string): ConfigFile {
  if (text.trim() === '') throw new ConfigFileError({ file, path: '' }, 'the file is empty; write {} for no settings.');
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const [syntax] = errors;
  if (syntax) {
    throw new ConfigFileError(
      { file, path: '', ...position(text, syntax.offset) },
      `invalid JSONC: ${printParseErrorCode(syntax.error)}.`,
    );
  }
  if (!tree) throw new ConfigFileError({ file, path: '' }, 'the file holds no value; write {} for no settings.');
  const parsed = configFileSchema.safeParse(nodeValue(tree));
  if (parsed.success) return parsed.data;
  const [issue, ...more] = parsed.error.issues;
  // An unknown key is reported at the key itself, not at the object holding it.
  const path: PropertyKey[] = [...issue!.path];
  if (issue!.code === 'unrecognized_keys' && issue!.keys.length > 0) path.push(issue!.keys[0]!);
  const at = locate(text, tree, path.filter((key) => typeof key !== 'symbol') as (string | number)[]);
  const others = more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? '' : 's'})` : '';
  throw new ConfigFileError({ file, path: formatJsonPath(path), ...at }, `${describe(issue!)}${others}.`);
}

function describe(issue: { code: string; message: string; keys?: readonly string[] }): string {
  if (issue.code === 'unrecognized_keys') return `unknown setting ${JSON.stringify(issue.keys?.[0])}`;
  return issue.message.replace(/\.$/, '');
}

/** The value of a parse tree; `getNodeValue` keeps duplicate keys' last value, as JSON.parse does. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      // A null-prototype object, so a `__proto__` key is data, never a prototype.
      const value: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const property of node.children ?? []) {
        const [key, child] = property.children ?? [];
        if (key && child) value[String(key.value)] = nodeValue(child);
      }
      return { ...value };
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function locate(
  text: string,
  tree: Node | undefined,
  path: readonly (string | number)[],
): { line: number; column: number } | Record<string, never> {
  const node = tree && findNodeAtLocation(tree, [...path]);
  return node ? position(text, node.parent?.type === 'property' ? node.parent.offset : node.offset) : {};
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    start = index + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Reads a regular file without blocking on a FIFO or a device, capped at {@link MAX_CONFIG_BYTES}. */
async function readText(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigFileError({ file, path: '' }, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigFileError({ file, path: '' }, 'is not a regular file.');
    if (stat.size > MAX_CONFIG_BYTES)
      throw new ConfigFileError(
        { file, path: '' },
        `is ${stat.size} bytes; config files are limited to ${MAX_CONFIG_BYTES}.`,
      );
    const text = await handle.readFile('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}
