/**
 * `elicitation/create`: a server asks the user for input. Forwarded to `onElicitation`; declined when
 * there is none, so a server that asks in a headless run learns at once that nobody will answer.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpElicitationResult, McpServersOptions } from './options.js';

const ACTIONS = new Set(['accept', 'decline', 'cancel']);

/**
 * Answers one elicitation through the callback.
 *
 * @throws Error when the callback answers something that is not an elicitation result (the server gets it
 * as the request's error).
 */
export async function answerElicitation(
  server: string,
  params: ElicitRequest['params'],
  onElicitation: McpServersOptions['onElicitation'],
  signal: AbortSignal,
): Promise<ElicitResult> {
  if (!onElicitation) return { action: 'decline' };
  const mode = params.mode === 'url' ? 'url' : 'form';
  const answer: McpElicitationResult = await onElicitation({
    server,
    mode,
    message: params.message,
    ...('requestedSchema' in params && params.requestedSchema
      ? { requestedSchema: params.requestedSchema as Record<string, unknown> }
      : {}),
    ...('url' in params && typeof params.url === 'string' ? { url: params.url } : {}),
    signal,
  });
  if (!answer || !ACTIONS.has(answer.action)) {
    throw new Error(
      `onElicitation must answer { action: 'accept' | 'decline' | 'cancel' }, got ${JSON.stringify(answer)}.`,
    );
  }
  if (answer.action !== 'accept' || answer.content === undefined || mode === 'url') return { action: answer.action };
  return { action: 'accept', content: answer.content };
}
