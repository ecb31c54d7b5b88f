/**
 * Live tests against a real Ollama server. They run only when one answers at OLLAMA_HOST (default
 * http://127.0.0.1:11434) with at least one model pulled, so a machine without Ollama skips them; the
 * mock wire tests in test/providers cover the same paths offline. Model: OLLAMA_MODEL, else the first
 * model the server lists (tool calling needs a model that supports tools, for example qwen3 or llama3.1).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ollama } from '../../src/providers/ollama/index.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';
import { collect, say } from './helpers.js';

const host = process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';

async function firstModel(): Promise<string | undefined> {
  try {
    const base = host.includes('://') ? host : `http://${host}`;
    const response = await fetch(`${base.replace(/\/$/, '')}/api/tags`, { signal: AbortSignal.timeout(1500) });
    if (!response.ok) return undefined;
    const tags = (await response.json()) as { models?: { name: string }[] };
    return process.env.OLLAMA_MODEL ?? tags.models?.[0]?.name;
  } catch {
    return undefined;
  }
}

const modelId = await firstModel();

// Skipped unless an Ollama server answers with a model: CI machines have none, and pulling one is slow.
describe.skipIf(modelId === undefined)('ollama (live)', () => {
  // The suite body is still collected when skipped, so the factory must not see an empty model name.
  const model = ollama({ model: modelId ?? 'unavailable', host, idleTimeoutMs: 120_000 });

  it('streams an answer with usage and a stop', async () => {
    const parts = await collect(model.stream(say('Reply with the single word: pong')));
    expect(parts.some((p) => p.type === 'text-delta')).toBe(true);
    expect(parts.find((p) => p.type === 'usage')).toMatchObject({ usage: { outputTokens: expect.any(Number) } });
    expect(parts.at(-1)?.type).toBe('finish');
  }, 180_000);

  it('calls a tool when asked to', async () => {
    const tool = {
      name: 'get_weather',
      description: 'Current weather for a city',
      inputSchema: toJsonSchema(z.object({ city: z.string() })),
    };
    const parts = await collect(
      model.stream({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Call get_weather.' }] },
        ],
        tools: [tool],
      }),
    );
    const call = parts.find((p) => p.type === 'tool-call');
    expect(call).toMatchObject({ name: 'get_weather' });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  }, 180_000);

  it('reports a model that is not pulled as model-not-found', async () => {
    const missing = ollama({ model: 'icode-no-such-model:0b', host });
    const error = await collect(missing.stream(say('hi'))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'model-not-found', status: 404 });
  }, 30_000);
});
