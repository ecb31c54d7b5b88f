/** Helpers shared by the structured output and file tests. */
import type { ModelStreamPart, OutputFormat } from '../../src/model/language-model.js';

/** A closed object schema every API's structured output takes as it is (strict on OpenAI). */
export const verdict: OutputFormat = {
  name: 'verdict',
  description: 'Whether the change is safe',
  schema: {
    type: 'object',
    properties: { ok: { type: 'boolean' }, reason: { type: 'string' } },
    required: ['ok', 'reason'],
    additionalProperties: false,
  },
};

/** The answer the scripted model gives, and its JSON text. */
export const answer = { ok: true, reason: 'Only comments changed.' };
export const answerJson = JSON.stringify(answer);

/** The text deltas of a stream. */
export const deltas = (parts: readonly ModelStreamPart[]): string[] =>
  parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));

/** The finish reason of a stream. */
export const finishOf = (parts: readonly ModelStreamPart[]): string | undefined =>
  parts.flatMap((part) => (part.type === 'finish' ? [part.reason] : [])).at(-1);

/** Base64 of a string. */
export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A minimal PDF, as base64. */
export const PDF = b64('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
