/**
 * Text decoding for the file tools: binary detection, UTF-8 BOM and line-ending bookkeeping, so an edit
 * writes a file back the way it found it.
 */

const UTF8_BOM = '\uFEFF';
/** How much of a file is sampled for binary detection: enough to catch headers, cheap on big files. */
const SAMPLE_BYTES = 8192;

/** A text file as the tools see it: content with `\n` line endings, plus how to write it back. */
export interface DecodedText {
  /** Content without BOM; `\r\n` turned into `\n` when every line ends that way. */
  readonly text: string;
  readonly bom: boolean;
  /** `'\r\n'` for a file that is CRLF throughout: `text` is written back with it. */
  readonly lineEnding: '\n' | '\r\n';
}

/**
 * Whether bytes look binary: a NUL byte in the sample, or more than 10 % of the sample is not valid UTF-8
 * or is a control character other than tab, newline, carriage return and form feed.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  if (sample.length === 0) return false;
  if (sample.includes(0)) return true;
  let suspicious = 0;
  for (const byte of sample) {
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12) suspicious++;
  }
  // A sample cut in the middle of a multi-byte sequence is fine; `fatal: false` counts replacement chars.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  const cut = sample.length === SAMPLE_BYTES ? 1 : 0;
  let replacements = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replacements++;
  suspicious += Math.max(0, replacements - cut);
  return suspicious / sample.length > 0.1;
}

/** Decodes UTF-8 bytes, noting the BOM and the line ending, and normalising line endings to `\n`. */
export function decodeText(bytes: Uint8Array): DecodedText {
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const bom = text.startsWith(UTF8_BOM);
  if (bom) text = text.slice(1);
  const crlf = countOf(text, '\r\n');
  const lf = countOf(text, '\n') - crlf;
  // Only a file that is CRLF throughout is normalised. A file with mixed endings is kept as it is, so an
  // edit changes the lines it changes and not the ending of every other line.
  if (crlf > 0 && lf === 0) return { text: text.replaceAll('\r\n', '\n'), bom, lineEnding: '\r\n' };
  return { text, bom, lineEnding: '\n' };
}

/** Turns `\n` text back into the file's form: its line ending and its BOM. */
export function encodeText(text: string, form: { readonly bom: boolean; readonly lineEnding: '\n' | '\r\n' }): string {
  const body = form.lineEnding === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
  return form.bom ? UTF8_BOM + body : body;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}
