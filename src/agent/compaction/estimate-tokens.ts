import type { Message } from '../../model/message.js';

/** Characters per token of the usual rule of thumb; used only where a provider reported no usage. */
const CHARS_PER_TOKEN = 4;
/** What an image costs, roughly, in most providers' accounting. */
const IMAGE_TOKENS = 1000;

/** An estimate of a message's tokens, for when no provider usage covers it. */
export function estimateMessageTokens(message: Message): number {
  let chars = 0;
  let tokens = 4;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        chars += part.text.length;
        break;
      case 'image':
        tokens += IMAGE_TOKENS;
        break;
      case 'tool-call':
        chars += part.name.length + JSON.stringify(part.input).length;
        break;
      case 'tool-result':
        chars += typeof part.output === 'string' ? part.output.length : JSON.stringify(part.output).length;
        break;
    }
  }
  return tokens + Math.ceil(chars / CHARS_PER_TOKEN);
}

/** The estimated tokens of several messages. */
export function estimateTokens(messages: readonly Message[], from = 0, to = messages.length): number {
  let total = 0;
  for (let i = from; i < to; i++) total += estimateMessageTokens(messages[i]!);
  return total;
}
