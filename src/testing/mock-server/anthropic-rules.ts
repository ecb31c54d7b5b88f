/**
 * The rules the Anthropic Messages API enforces on a request body, as the mock Anthropic wire checks them:
 * each refusal is a 400 with the API's own words, taken from its published error messages. The checks are
 * written from the API's side and share no code with the adapter, so a mistake in the adapter cannot hide
 * the same mistake here.
 *
 * @packageDocumentation
 */
import { sha256Hex } from '../../internal/sha256.js';
import { arr, isObj, str, type Obj } from './decode.js';
import { documentRejection, outputFormatRejection } from './anthropic-output-rules.js';
import type { WireRejection } from './types.js';

const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** The content blocks of a message: a string content is one text block. */
export function blocksOf(content: unknown): Obj[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return arr(content).filter(isObj);
}

/**
 * The signature the mock gives a thinking block: bound to the block's text and to its place in the answer,
 * so a block sent back edited, moved or with another provider's signature is refused, as the real API
 * refuses it.
 *
 * @example
 * ```ts
 * mockThinkingSignature(1, 0, 'Let me think.'); // 'sig_mock_1_0_…'
 * ```
 */
export function mockThinkingSignature(call: number, index: number, thinking: string): string {
  return `sig_mock_${call}_${index}_${sha256Hex(thinking).slice(0, 16)}`;
}

const SIGNATURE = /^sig_mock_\d+_(\d+)_([0-9a-f]{16})$/;

function signatureMatches(signature: string, index: number, thinking: string): boolean {
  const match = SIGNATURE.exec(signature);
  return match !== null && Number(match[1]) === index && match[2] === sha256Hex(thinking).slice(0, 16);
}

const reject = (message: string): WireRejection => ({ status: 400, message });

type Message = { readonly role: string; readonly blocks: Obj[] };

/** `'enabled'` (a token budget), `'adaptive'`, or `undefined` when thinking is off. */
function thinkingMode(body: Obj): 'enabled' | 'adaptive' | undefined {
  const type = isObj(body.thinking) ? body.thinking.type : undefined;
  return type === 'enabled' || type === 'adaptive' ? type : undefined;
}

function checkTools(body: Obj): WireRejection | undefined {
  const names = new Set<string>();
  for (const [i, tool] of arr(body.tools).entries()) {
    if (!isObj(tool) || tool.type !== undefined) continue; // server tools (web_search, …) have no schema
    const schema = isObj(tool.input_schema) ? tool.input_schema : {};
    if (['oneOf', 'allOf', 'anyOf'].some((key) => key in schema)) {
      return reject(
        `tools.${i}.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level`,
      );
    }
    if (schema.type === undefined) return reject(`tools.${i}.custom.input_schema.type: Field required`);
    if (schema.type !== 'object') return reject(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
    if (names.has(str(tool.name))) return reject('tools: Tool names must be unique.');
    names.add(str(tool.name));
  }
  return undefined;
}

function checkThinkingSettings(body: Obj): WireRejection | undefined {
  const mode = thinkingMode(body);
  if (mode === 'enabled') {
    const budget = (body.thinking as Obj).budget_tokens;
    if (typeof budget !== 'number' || budget < 1024) {
      return reject('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    }
    if (typeof body.max_tokens === 'number' && body.max_tokens <= budget) {
      return reject(
        `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`,
      );
    }
  }
  if (mode === undefined) return undefined;
  if (body.temperature !== undefined && body.temperature !== 1) {
    return reject('`temperature` may only be set to 1 when thinking is enabled or in adaptive mode');
  }
  const choice = isObj(body.tool_choice) ? body.tool_choice.type : undefined;
  // Adaptive thinking takes a forced choice on some models (skipping the thinking) and refuses it on the
  // newest: the mock refuses it on every model, so code that passes here passes everywhere.
  if (choice === 'any' || choice === 'tool')
    return reject('Thinking may not be enabled when tool_choice forces tool use.');
  return undefined;
}

function checkCacheBreakpoints(body: Obj, messages: readonly Message[]): WireRejection | undefined {
  const marked = (blocks: unknown[]): number => blocks.filter((b) => isObj(b) && b.cache_control !== undefined).length;
  const found = marked(arr(body.system)) + marked(arr(body.tools)) + messages.reduce((n, m) => n + marked(m.blocks), 0);
  return found > 4 ? reject(`A maximum of 4 blocks with cache_control may be provided. Found ${found}.`) : undefined;
}

function checkContent(messages: readonly Message[]): WireRejection | undefined {
  for (const [i, message] of messages.entries()) {
    const final = i === messages.length - 1 && message.role === 'assistant';
    if (message.blocks.length === 0 && !final) {
      return reject(
        `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    for (const block of message.blocks) {
      if (block.type !== 'text') continue;
      if (str(block.text) === '') return reject('messages: text content blocks must be non-empty');
      if (str(block.text).trim() === '')
        return reject('messages: text content blocks must contain non-whitespace text');
    }
  }
  return undefined;
}

const idsOf = (message: Message | undefined, type: 'tool_use' | 'tool_result'): string[] =>
  (message?.blocks ?? [])
    .filter((block) => block.type === type)
    .map((block) => str(type === 'tool_use' ? block.id : block.tool_use_id));

/** Every `tool_use` answered by a `tool_result` at the start of the next message, and no result without its call. */
function checkToolPairing(messages: readonly Message[]): WireRejection | undefined {
  const seen = new Set<string>();
  for (const [i, message] of messages.entries()) {
    if (message.role === 'assistant') {
      const calls = idsOf(message, 'tool_use');
      for (const id of calls) {
        if (seen.has(id)) return reject(`messages.${i}: \`tool_use\` ids must be unique`);
        seen.add(id);
      }
      if (calls.length === 0) continue;
      const next = messages[i + 1]?.role === 'user' ? messages[i + 1] : undefined;
      const results = idsOf(next, 'tool_result');
      const missing = calls.filter((id) => !results.includes(id));
      if (missing.length > 0) {
        return reject(
          `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
      const leading = next!.blocks.slice(0, calls.length);
      if (!leading.every((block) => block.type === 'tool_result')) {
        return reject(
          `messages.${i + 1}: Did not find ${calls.length} \`tool_result\` block(s) at the beginning of this message. Messages following \`tool_use\` blocks must begin with a matching number of \`tool_result\` blocks.`,
        );
      }
    } else {
      const calls = messages[i - 1]?.role === 'assistant' ? idsOf(messages[i - 1], 'tool_use') : [];
      for (const [k, block] of message.blocks.entries()) {
        if (block.type !== 'tool_result' || calls.includes(str(block.tool_use_id))) continue;
        return reject(
          `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${str(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
  }
  return undefined;
}

function checkSignatures(messages: readonly Message[]): WireRejection | undefined {
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'assistant') continue;
    for (const [k, block] of message.blocks.entries()) {
      if (block.type !== 'thinking') continue;
      if (typeof block.signature !== 'string')
        return reject(`messages.${i}.content.${k}.thinking.signature: Field required`);
      if (!signatureMatches(block.signature, k, str(block.thinking))) {
        return reject(`messages.${i}.content.${k}: Invalid \`signature\` in \`thinking\` block`);
      }
    }
  }
  return undefined;
}

const hasResults = (message: Message | undefined): boolean =>
  message?.role === 'user' && message.blocks.some((block) => block.type === 'tool_result');

/**
 * With thinking on and a tool turn still open (the last message carries tool results), the turn's first
 * assistant message must start with its thinking: a turn keeps one thinking mode from start to end. With
 * thinking off, a final assistant message (a prefill) may hold no thinking.
 */
function checkTurnThinking(body: Obj, messages: readonly Message[]): WireRejection | undefined {
  const last = messages.length - 1;
  const mode = thinkingMode(body);
  if (mode === undefined) {
    const final = messages[last];
    const k = final?.role === 'assistant' ? final.blocks.findIndex((block) => block.type === 'thinking') : -1;
    return k < 0
      ? undefined
      : reject(
          `messages.${last}.content.${k}: When thinking is disabled, an \`assistant\` message in the final position cannot contain \`thinking\`. To use thinking blocks, enable \`thinking\` in your request.`,
        );
  }
  // Adaptive thinking is the model's choice on each step, so only a fixed budget makes it required.
  if (mode !== 'enabled' || !hasResults(messages[last])) return undefined;
  let start = last;
  while (start > 0 && (messages[start]?.role === 'assistant' || hasResults(messages[start]))) start -= 1;
  const first = messages.findIndex((message, i) => i > start && message.role === 'assistant');
  const type = str(messages[first]?.blocks[0]?.type);
  if (first < 0 || type === 'thinking' || type === 'redacted_thinking') return undefined;
  return reject(
    `messages.${first}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`,
  );
}

/**
 * The refusal the Messages API gives `body`, or `undefined` when it would accept it: tool schemas that are
 * not objects or unions at the top, tools of one name, thinking settings it refuses (a budget under 1024 or not under `max_tokens`, a temperature,
 * a forced tool choice), more than four cache breakpoints, empty text, tool blocks without tools, unpaired
 * tool calls and results, thinking blocks without their signature or changed since, an open tool turn
 * that changed its thinking mode, and structured output formats and documents it refuses
 * (`anthropic-output-rules.ts`).
 *
 * @example
 * ```ts
 * validateAnthropicRequest({ model: 'm', max_tokens: 10, messages: [] }); // undefined
 * ```
 */
export function validateAnthropicRequest(body: unknown): WireRejection | undefined {
  const b = isObj(body) ? body : {};
  const messages: Message[] = arr(b.messages)
    .filter(isObj)
    .map((message) => ({ role: str(message.role), blocks: blocksOf(message.content) }));
  const hasToolBlocks = messages.some((m) => m.blocks.some((x) => x.type === 'tool_use' || x.type === 'tool_result'));
  if (hasToolBlocks && arr(b.tools).length === 0) {
    return reject('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  }
  return (
    checkTools(b) ??
    checkThinkingSettings(b) ??
    checkCacheBreakpoints(b, messages) ??
    checkContent(messages) ??
    checkToolPairing(messages) ??
    checkSignatures(messages) ??
    checkTurnThinking(b, messages) ??
    outputFormatRejection(b) ??
    documentRejection(b)
  );
}
