/**
 * Parser for the Codex patch envelope used by `apply_patch`:
 *
 * ```text
 * *** Begin Patch
 * *** Add File: path          then lines starting with "+"
 * *** Delete File: path
 * *** Update File: path
 * *** Move to: new/path       (optional)
 * @@ optional context line    then lines starting with " ", "-" or "+"; "*** End of File" anchors at the end
 * *** End Patch
 * ```
 */

/** One change block of an update: lines to find (`oldLines`) and what replaces them. */
export interface PatchChunk {
  /** Text after `@@`: a line (e.g. a function signature) to seek before looking for `oldLines`. */
  readonly context?: string;
  readonly oldLines: readonly string[];
  readonly newLines: readonly string[];
  /** The chunk's lines in order: `' '` context, `'-'` removed, `'+'` added. */
  readonly lines: readonly { readonly op: ' ' | '-' | '+'; readonly text: string }[];
  /** `*** End of File` followed the chunk: its lines must be the last of the file. */
  readonly endOfFile: boolean;
}

/** One file operation of a patch. */
export type PatchOperation =
  | { readonly kind: 'add'; readonly path: string; readonly content: string }
  | { readonly kind: 'delete'; readonly path: string }
  | {
      readonly kind: 'update';
      readonly path: string;
      readonly moveTo?: string;
      readonly chunks: readonly PatchChunk[];
    };

/** A patch that does not follow the format; the message says which line and what was expected. */
export class PatchParseError extends Error {
  constructor(message: string) {
    super(`Invalid patch: ${message}`);
    this.name = 'PatchParseError';
  }
}

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARK = '*** End of File';

/**
 * Parses a patch. Tolerates what models add around it: surrounding blank lines, a heredoc wrapper
 * (`apply_patch <<'EOF'` … `EOF`), CRLF line endings, and a first update chunk without `@@`.
 *
 * @example
 * ```ts
 * parsePatch('*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch');
 * // [{ kind: 'add', path: 'a.txt', content: 'hi\n' }]
 * ```
 * @throws PatchParseError with the offending line number.
 */
export function parsePatch(text: string): PatchOperation[] {
  let lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines[0] !== undefined && /<<\s*['"]?\w+['"]?\s*$/.test(lines[0]) && !lines[0].startsWith('***')) {
    lines = lines.slice(1);
    if (lines.length > 0 && /^\s*['"]?\w+['"]?\s*$/.test(lines[lines.length - 1] ?? '')) lines = lines.slice(0, -1);
  }
  lines = lines.map((line, i) => (i === 0 || i === lines.length - 1 ? line.trim() : line));
  if (lines[0] !== BEGIN) throw new PatchParseError(`the first line must be "${BEGIN}".`);
  if (lines[lines.length - 1] !== END) throw new PatchParseError(`the last line must be "${END}".`);

  const operations: PatchOperation[] = [];
  let i = 1;
  const last = lines.length - 1;
  const where = (): string => `line ${i + 1}`;
  while (i < last) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith(ADD)) {
      const path = requirePath(line.slice(ADD.length), where());
      i++;
      const content: string[] = [];
      while (i < last && !isHeader(lines[i] ?? '')) {
        const body = lines[i] ?? '';
        if (!body.startsWith('+'))
          throw new PatchParseError(
            `${where()}: every line of "*** Add File: ${path}" must start with "+", got ${JSON.stringify(body)}.`,
          );
        content.push(body.slice(1));
        i++;
      }
      operations.push({ kind: 'add', path, content: content.length > 0 ? `${content.join('\n')}\n` : '' });
    } else if (line.startsWith(DELETE)) {
      operations.push({ kind: 'delete', path: requirePath(line.slice(DELETE.length), where()) });
      i++;
    } else if (line.startsWith(UPDATE)) {
      const path = requirePath(line.slice(UPDATE.length), where());
      i++;
      let moveTo: string | undefined;
      if ((lines[i] ?? '').startsWith(MOVE)) {
        moveTo = requirePath((lines[i] ?? '').slice(MOVE.length), where());
        i++;
      }
      const chunks: PatchChunk[] = [];
      while (i < last && !isHeader(lines[i] ?? '')) {
        const header = lines[i] ?? '';
        let context: string | undefined;
        if (header.startsWith('@@')) {
          const rest = header.slice(2).trim();
          if (rest !== '') context = rest;
          i++;
        } else if (chunks.length > 0) {
          throw new PatchParseError(
            `${where()}: expected "@@" to start the next change of "${path}", got ${JSON.stringify(header)}.`,
          );
        }
        const oldLines: string[] = [];
        const newLines: string[] = [];
        const chunkLines: { op: ' ' | '-' | '+'; text: string }[] = [];
        let endOfFile = false;
        while (i < last) {
          const body = lines[i] ?? '';
          if (body.startsWith('@@') || isHeader(body)) break;
          if (body === EOF_MARK) {
            endOfFile = true;
            i++;
            break;
          }
          const marker = body[0];
          const text = body.slice(1);
          if (body === '' || marker === ' ') {
            oldLines.push(text);
            newLines.push(text);
            chunkLines.push({ op: ' ', text });
          } else if (marker === '-') {
            oldLines.push(text);
            chunkLines.push({ op: '-', text });
          } else if (marker === '+') {
            newLines.push(text);
            chunkLines.push({ op: '+', text });
          } else
            throw new PatchParseError(
              `${where()}: a change line must start with " ", "-" or "+", got ${JSON.stringify(body)}.`,
            );
          i++;
        }
        if (oldLines.length === 0 && newLines.length === 0) {
          throw new PatchParseError(
            `${where()}: the change ${context ? `"@@ ${context}" ` : ''}of "${path}" has no lines.`,
          );
        }
        chunks.push({
          ...(context === undefined ? {} : { context }),
          oldLines,
          newLines,
          lines: chunkLines,
          endOfFile,
        });
      }
      if (chunks.length === 0 && moveTo === undefined)
        throw new PatchParseError(`"*** Update File: ${path}" has no changes.`);
      operations.push({ kind: 'update', path, ...(moveTo === undefined ? {} : { moveTo }), chunks });
    } else {
      throw new PatchParseError(
        `${where()}: expected "*** Add File:", "*** Update File:" or "*** Delete File:", got ${JSON.stringify(line)}.`,
      );
    }
  }
  if (operations.length === 0) throw new PatchParseError('the patch changes no files.');
  return operations;
}

function isHeader(line: string): boolean {
  return line.startsWith(ADD) || line.startsWith(DELETE) || line.startsWith(UPDATE) || line === END;
}

function requirePath(raw: string, where: string): string {
  const path = raw.trim();
  if (path === '') throw new PatchParseError(`${where}: missing file path.`);
  return path;
}
