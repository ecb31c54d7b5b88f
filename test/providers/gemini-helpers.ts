/** Helpers shared by the Gemini adapter tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ModelCallOptions, ModelRequest, ModelStreamPart, LanguageModel } from '../../src/model/language-model.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

/** Runs a model call to the end: every part, and the error that ended it, if any. */
export async function drain(
  model: LanguageModel,
  request: ModelRequest,
  options?: ModelCallOptions,
  onPart?: (part: ModelStreamPart) => void,
): Promise<{ parts: ModelStreamPart[]; error?: unknown }> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of model.stream(request, options)) {
      parts.push(part);
      onPart?.(part);
    }
    return { parts };
  } catch (error) {
    return { parts, error };
  }
}

/** A user request with one text message. */
export function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools: [], ...extra };
}

/** A tool with a JSON Schema made from zod, as an agent's tools are. */
export const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: toJsonSchema(z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() })),
};

/** A one-route HTTP server on 127.0.0.1 answering with `handler`, for failures the mock wire server does not script. */
export async function rawServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
