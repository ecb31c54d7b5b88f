/**
 * File parts of user messages, where a provider has no native input for them: text files sent as text, and
 * the `ConfigError` for a type the provider cannot read at all.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { FilePart } from '../../model/message.js';

/** Media types outside `text/*` that are text all the same. */
const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/javascript',
  'application/typescript',
  'application/x-sh',
  'application/sql',
  'application/csv',
]);

/**
 * Whether a media type is text a model can read as it is: `text/*`, JSON, XML, YAML and the other types of
 * source files, and any `+json` / `+xml` type.
 *
 * @example
 * ```ts
 * isTextMediaType('text/markdown'); // true
 * isTextMediaType('application/pdf'); // false
 * ```
 */
export function isTextMediaType(mediaType: string): boolean {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || TEXT_APPLICATION_TYPES.has(type) || /\+(json|xml)$/.test(type);
}

/** The file's own name, or one made of its media type, for providers that want a name. */
export function fileNameOf(part: FilePart): string {
  if (part.filename !== undefined && part.filename !== '') return part.filename;
  const subtype = part.mediaType.split(/[/;+]/)[1] ?? 'bin';
  return `file.${subtype.trim() || 'bin'}`;
}

/**
 * The UTF-8 text of an inline text file.
 *
 * @throws ConfigError when the file is given by URL (nothing to read here) or its data is not base64 of
 * UTF-8 text.
 */
export function fileText(provider: string, part: FilePart): string {
  if (part.data === undefined) {
    throw new ConfigError(
      `${provider}: the text file ${fileNameOf(part)} is given by URL, which ${provider} cannot fetch; pass its content as base64 \`data\`.`,
    );
  }
  try {
    const binary = atob(part.data);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ConfigError(
      `${provider}: the file ${fileNameOf(part)} (${part.mediaType}) is not base64-encoded UTF-8 text.`,
      { cause },
    );
  }
}

/**
 * A text file as a text block the model reads like the file: its name and type, then its content, fenced
 * by a `<file>` element so the model sees where the file ends.
 *
 * @example
 * ```ts
 * fileAsText('openai', { type: 'file', mediaType: 'text/plain', data: btoa('hi'), filename: 'a.txt' });
 * // '<file name="a.txt" media-type="text/plain">\nhi\n</file>'
 * ```
 */
export function fileAsText(provider: string, part: FilePart): string {
  const name = fileNameOf(part).replaceAll('"', "'");
  return `<file name="${name}" media-type="${part.mediaType}">\n${fileText(provider, part)}\n</file>`;
}

/**
 * The error for a file a provider cannot take, thrown before anything is sent.
 *
 * @example
 * ```ts
 * throw unsupportedFile('ollama', part, 'text files');
 * ```
 */
export function unsupportedFile(provider: string, part: FilePart, accepted: string): ConfigError {
  const how = part.url !== undefined ? ' by URL' : '';
  return new ConfigError(
    `${provider}: cannot send the file ${fileNameOf(part)} (${part.mediaType})${how}; ${provider} takes ${accepted}.`,
  );
}
