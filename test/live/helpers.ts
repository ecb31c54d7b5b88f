/** Helpers and cases the live tests of every provider share. */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { LanguageModel, ModelRequest, ModelStreamPart } from '../../src/model/language-model.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

/** Every part of a stream, in order; rejects with what the stream threw. */
export async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** A request with one user message and no tools. */
export const say = (text: string): ModelRequest => ({
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  tools: [],
});

/** The text of the text deltas. */
export const textOf = (parts: readonly ModelStreamPart[]): string =>
  parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');

/**
 * A tool with an optional argument (strict OpenAI schemas send it as nullable, and the adapter drops a null
 * again).
 */
export const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: toJsonSchema(z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() })),
};

/** Asks for "pong": the answer says it, with usage and a `stop` finish. */
export function itStreamsAShortAnswer(model: LanguageModel): void {
  it('streams a short answer with usage and a stop', async () => {
    const parts = await collect(model.stream(say('Reply with the single word: pong')));
    expect(textOf(parts).toLowerCase()).toContain('pong');
    expect(parts.find((p) => p.type === 'usage')).toBeDefined();
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  }, 60_000);
}

/** A model made with `badKey` fails with an `auth` ProviderError whose message does not show the key. */
export function itRejectsABadKey(badKey: string, withKey: (apiKey: string) => LanguageModel): void {
  it('rejects a bad key as auth without showing it', async () => {
    const error = await collect(withKey(badKey).stream(say('hi'))).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).not.toContain(badKey);
  }, 60_000);
}
