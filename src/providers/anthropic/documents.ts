/**
 * File parts as Messages API `document` blocks: PDFs (inline or by URL) and plain text.
 *
 * @packageDocumentation
 */
import type { FilePart } from '../../model/message.js';
import { fileNameOf, fileText, isTextMediaType, unsupportedFile } from '../shared/file-parts.js';

/**
 * The `document` block of a file: a PDF as a `base64` or `url` source, a text file (any text type: the API
 * names them all `text/plain`) as a `text` source, titled with the file's name.
 *
 * @throws ConfigError for another type, or a text file by URL (the API fetches only PDFs).
 *
 * @example
 * ```ts
 * documentBlock({ type: 'file', mediaType: 'application/pdf', data: pdfBase64, filename: 'a.pdf' });
 * // { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: … }, title: 'a.pdf' }
 * ```
 */
export function documentBlock(part: FilePart): Record<string, unknown> {
  const title = part.filename !== undefined && part.filename !== '' ? { title: part.filename } : {};
  const type = part.mediaType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/pdf') {
    const source =
      part.data !== undefined
        ? { type: 'base64', media_type: 'application/pdf', data: part.data }
        : { type: 'url', url: part.url ?? '' };
    return { type: 'document', source, ...title };
  }
  if (isTextMediaType(type)) {
    const data = fileText('anthropic', part);
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data }, title: fileNameOf(part) };
  }
  throw unsupportedFile('anthropic', part, 'PDFs and text files');
}
