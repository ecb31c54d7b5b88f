/**
 * Hover contents as plain text: markdown code fences are dropped (the code stays), blank runs collapsed.
 */
import type { Hover, MarkedString } from './protocol.js';

/** Characters of hover text kept: documentation comments can be long. */
const MAX_HOVER_CHARS = 4000;

/** The text of a hover answer, or `''` when it has none. */
export function hoverText(hover: Hover | null | undefined): string {
  if (!hover || hover.contents === undefined || hover.contents === null) return '';
  const contents = hover.contents;
  const parts: string[] = Array.isArray(contents)
    ? contents.map(markedText)
    : typeof contents === 'object' && 'kind' in contents
      ? [contents.value]
      : [markedText(contents as MarkedString)];
  const text = parts
    .join('\n\n')
    .split('\n')
    .filter((line) => !/^\s*```/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > MAX_HOVER_CHARS ? `${text.slice(0, MAX_HOVER_CHARS)}…` : text;
}

function markedText(value: MarkedString): string {
  return typeof value === 'string' ? value : value.value;
}
