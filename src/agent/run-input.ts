/**
 * What `agent.run` accepts as input, checked and turned into the messages the run adds to its session: a
 * string, user parts, a user message, or a whole conversation imported from elsewhere.
 */
import { ConfigError } from '../errors/config-error.js';
import { ENTRY_ENVELOPE_DEPTH, isJsonSafe } from '../internal/json-safe.js';
import type { AssistantMessage, Message, ToolCallPart, ToolMessage, UserMessage } from '../model/message.js';
import type { CallIds } from './call-ids.js';

/**
 * A part of a user message: text, an image, or any other part a user message can carry.
 *
 * @example
 * ```ts
 * const parts: UserPart[] = [{ type: 'text', text: 'What is this?' }, { type: 'image', mediaType: 'image/png', data }];
 * ```
 */
export type UserPart = UserMessage['content'][number];

/**
 * What `agent.run` takes as input:
 *
 * - a string;
 * - the parts of one user message (text, images, and whatever else a user message may carry);
 * - a {@link UserMessage};
 * - a conversation (`Message[]`) to import, e.g. one held by another system. It must pair every tool call
 *   of an assistant message with a result in the tool message right after it, and end with a user message
 *   or tool results (the model answers next). Its messages are stored in the session like any input, as
 *   one session turn; tool-call ids already taken in the session (or not in a form every provider accepts)
 *   are re-keyed, their results with them.
 *
 * @example
 * ```ts
 * agent.run('Fix the failing test');
 * agent.run([{ type: 'text', text: 'What is wrong here?' }, { type: 'image', mediaType: 'image/png', data }]);
 * agent.run([
 *   { role: 'user', content: [{ type: 'text', text: 'Hi, I am Ada.' }] },
 *   { role: 'assistant', content: [{ type: 'text', text: 'Hello Ada!' }] },
 *   { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
 * ]);
 * ```
 */
export type RunInput = string | readonly UserPart[] | UserMessage | readonly Message[];

const INPUT_SHAPES =
  'a string, a non-empty array of user message parts ({ type: "text", text }, images…), a user message ({ role: "user", content }), or a conversation (an array of messages)';

/**
 * The messages a run's input adds to the session, checked.
 *
 * @throws ConfigError for input of no accepted shape, or a conversation that is not well formed.
 */
export function inputMessages(input: RunInput): readonly Message[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ConfigError(`run needs input: ${INPUT_SHAPES}; got an empty array.`);
    const roles = input.filter((item) => isObject(item) && 'role' in item).length;
    if (roles === 0) {
      const message: UserMessage = { role: 'user', content: input as readonly UserPart[] };
      checkUserParts(message, 'input');
      return [message];
    }
    if (roles !== input.length) {
      throw new ConfigError(
        'run input mixes messages ({ role, content }) and parts ({ type }): give one user message’s parts, or a conversation of messages.',
      );
    }
    checkConversation(input as readonly Message[]);
    return input as readonly Message[];
  }
  if (isObject(input) && (input as { role?: unknown }).role === 'user') {
    checkConversation([input as UserMessage]);
    return [input as UserMessage];
  }
  throw new ConfigError(`run needs input: ${INPUT_SHAPES}.`);
}

/**
 * Checks an imported conversation: known roles and parts, every tool call answered in the tool message
 * right after it (and nothing else answered), JSON-safe inputs and outputs, and a user message or tool
 * results last.
 */
function checkConversation(messages: readonly Message[]): void {
  let open: Map<string, string> | undefined;
  const seen = new Set<string>();
  messages.forEach((message, index) => {
    const where = `input message ${index}`;
    if (!isObject(message) || !Array.isArray(message.content)) {
      throw new ConfigError(`${where} must be an object { role, content: [...parts] }.`);
    }
    if (open && message.role !== 'tool') {
      throw new ConfigError(
        `${where} follows tool calls without their results: the calls ${[...open.keys()].join(', ')} need a tool message right after the assistant message that made them.`,
      );
    }
    switch (message.role) {
      case 'user':
        checkUserParts(message, where);
        break;
      case 'assistant':
        open = checkAssistant(message, where, seen);
        break;
      case 'tool':
        if (!open) {
          throw new ConfigError(
            `${where} holds tool results, but the message before it is not an assistant message with tool calls.`,
          );
        }
        checkToolResults(message, where, open);
        open = undefined;
        break;
      default:
        throw new ConfigError(
          `${where} has role ${JSON.stringify((message as { role?: unknown }).role)}; roles are "user", "assistant" and "tool" (instructions go in createAgent({ instructions })).`,
        );
    }
  });
  if (open) {
    throw new ConfigError(
      `The input conversation ends with tool calls (${[...open.keys()].join(', ')}) and no results.`,
    );
  }
  if (messages.at(-1)?.role === 'assistant') {
    throw new ConfigError(
      'The input conversation ends with an assistant message: it must end with a user message or tool results, which the model answers.',
    );
  }
}

function checkUserParts(message: UserMessage, where: string): void {
  if (message.content.length === 0) throw new ConfigError(`${where}: a user message needs at least one part.`);
  message.content.forEach((part, index) => {
    const type = isObject(part) ? (part as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') throw new ConfigError(`${where}: part ${index} must be an object with a \`type\`.`);
    if (type === 'tool-call' || type === 'tool-result' || type === 'reasoning') {
      throw new ConfigError(`${where}: a user message cannot hold a "${type}" part (part ${index}).`);
    }
    if (type === 'text' && typeof (part as { text?: unknown }).text !== 'string') {
      throw new ConfigError(`${where}: text part ${index} needs a string \`text\`.`);
    }
  });
}

/** Checks an assistant message's parts; returns its tool calls (id → name), if it made any. */
function checkAssistant(message: AssistantMessage, where: string, seen: Set<string>): Map<string, string> | undefined {
  let calls: Map<string, string> | undefined;
  message.content.forEach((part, index) => {
    const type = isObject(part) ? part.type : undefined;
    if (type === 'text' || type === 'reasoning') {
      if (typeof (part as { text?: unknown }).text !== 'string')
        throw new ConfigError(`${where}: ${type} part ${index} needs a string \`text\`.`);
      return;
    }
    if (type !== 'tool-call') {
      throw new ConfigError(
        `${where}: an assistant message holds "text", "reasoning" and "tool-call" parts, not ${JSON.stringify(type)} (part ${index}).`,
      );
    }
    const call = part as ToolCallPart;
    if (typeof call.id !== 'string' || call.id === '' || typeof call.name !== 'string' || call.name === '') {
      throw new ConfigError(`${where}: tool call ${index} needs a non-empty string \`id\` and \`name\`.`);
    }
    if (seen.has(call.id)) throw new ConfigError(`${where}: tool call id "${call.id}" is used twice.`);
    if (!isJsonSafe(call.input, ENTRY_ENVELOPE_DEPTH)) {
      throw new ConfigError(`${where}: the input of tool call "${call.id}" is not plain JSON data.`);
    }
    seen.add(call.id);
    (calls ??= new Map()).set(call.id, call.name);
  });
  return calls;
}

/** Checks that a tool message answers exactly the calls of the assistant message before it. */
function checkToolResults(message: ToolMessage, where: string, open: Map<string, string>): void {
  for (const [index, part] of message.content.entries()) {
    if (!isObject(part) || part.type !== 'tool-result') {
      throw new ConfigError(`${where}: a tool message holds only "tool-result" parts (part ${index}).`);
    }
    if (!open.has(part.id)) {
      throw new ConfigError(
        `${where}: the result ${JSON.stringify(part.id)} answers no open tool call of the assistant message before it.`,
      );
    }
    if (part.name !== open.get(part.id)) {
      throw new ConfigError(
        `${where}: the result for "${part.id}" names tool ${JSON.stringify(part.name)}, not "${open.get(part.id)}".`,
      );
    }
    if (
      typeof part.isError !== 'boolean' ||
      part.output === undefined ||
      !isJsonSafe(part.output, ENTRY_ENVELOPE_DEPTH)
    ) {
      throw new ConfigError(
        `${where}: the result for "${part.id}" needs plain JSON \`output\` and a boolean \`isError\`.`,
      );
    }
    open.delete(part.id);
  }
  if (open.size > 0) throw new ConfigError(`${where}: the tool calls ${[...open.keys()].join(', ')} have no result.`);
}

/**
 * The imported messages with their tool calls given ids unique in the session (see {@link CallIds}): a
 * call whose id is taken or not in a form every provider accepts is re-keyed, and its result with it.
 * Messages that need no change are passed as they are.
 */
export function withSessionCallIds(messages: readonly Message[], ids: CallIds): readonly Message[] {
  const renamed = new Map<string, string>();
  return messages.map((message): Message => {
    if (message.role === 'assistant') {
      let changed = false;
      const content = message.content.map((part) => {
        if (part.type !== 'tool-call') return part;
        const id = ids.unique(part.id);
        if (id === part.id) return part;
        changed = true;
        renamed.set(part.id, id);
        return { ...part, id };
      });
      return changed ? { ...message, content } : message;
    }
    if (message.role === 'tool' && message.content.some((part) => renamed.has(part.id))) {
      return { ...message, content: message.content.map((part) => ({ ...part, id: renamed.get(part.id) ?? part.id })) };
    }
    return message;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
