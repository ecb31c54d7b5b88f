/**
 * Conversation messages: what the agent keeps in its session and sends to a model.
 *
 * Messages are plain JSON objects so a store can persist them as they are and a service can ship them over
 * the wire unchanged. Parts are discriminated on `type`.
 *
 * @packageDocumentation
 */

/** A JSON value: what tool inputs and outputs are made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Plain text.
 *
 * @example
 * ```ts
 * const part: TextPart = { type: 'text', text: 'Hello' };
 * ```
 */
export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

/**
 * An image, inline as base64 or by URL. Only user messages carry images.
 *
 * @example
 * ```ts
 * const part: ImagePart = { type: 'image', mediaType: 'image/png', data: pngBase64 };
 * ```
 */
export interface ImagePart {
  readonly type: 'image';
  /** IANA media type, for example `image/png`. */
  readonly mediaType: string;
  /** Base64-encoded bytes (without a `data:` prefix). Exactly one of `data` and `url` is set. */
  readonly data?: string;
  /** An `https:` URL the provider fetches itself. */
  readonly url?: string;
}

/**
 * A file the user attaches: a PDF, a text file, or any type a provider reads. Inline as base64 or by URL,
 * as {@link ImagePart}: two string fields rather than one `string | URL`, so a stored message reads back
 * exactly as it was written (a `URL` object would come back from JSON as a string, indistinguishable from
 * base64). Only user messages carry files.
 *
 * What each provider accepts: Anthropic PDFs and text (`document` blocks), OpenAI PDFs (`file` /
 * `input_file`; by URL only on the Responses API), Gemini any type it reads (`inlineData` / `fileData`; the
 * API refuses others), Ollama only text; text files (`text/*`, JSON, XML, YAML) go as text where a provider
 * has no file input for them. A file an adapter knows its provider cannot take fails the call with a
 * `ConfigError` before anything is sent.
 *
 * @example
 * ```ts
 * const part: FilePart = { type: 'file', mediaType: 'application/pdf', data: pdfBase64, filename: 'report.pdf' };
 * const remote: FilePart = { type: 'file', mediaType: 'application/pdf', url: 'https://example.com/spec.pdf' };
 * ```
 */
export interface FilePart {
  readonly type: 'file';
  /** IANA media type, for example `application/pdf` or `text/plain`. */
  readonly mediaType: string;
  /** Base64-encoded bytes (without a `data:` prefix). Exactly one of `data` and `url` is set. */
  readonly data?: string;
  /** An `https:` URL the provider fetches itself (not every provider can: see above). */
  readonly url?: string;
  /** The file's name, shown to the model where the provider takes one. */
  readonly filename?: string;
}

/**
 * The model's reasoning ("thinking"). Some providers require it to be sent back verbatim, with its
 * `signature`, on the next turn; `providerMetadata` keeps whatever else they need.
 */
export interface ReasoningPart {
  readonly type: 'reasoning';
  readonly text: string;
  /** Opaque provider signature that authenticates the reasoning (Anthropic). */
  readonly signature?: string;
  /** Opaque provider data (for example redacted reasoning) that must round-trip unchanged. */
  readonly providerMetadata?: Record<string, JsonValue>;
}

/**
 * A tool call the model made. `input` is the parsed JSON arguments, or the raw string when the model sent
 * arguments that are not valid JSON (the loop answers those with an error tool-result).
 */
export interface ToolCallPart {
  readonly type: 'tool-call';
  /** Provider-assigned call id; tool results refer to it. */
  readonly id: string;
  readonly name: string;
  readonly input: JsonValue;
  /** Opaque provider data that must round-trip (for example a Gemini thought signature). */
  readonly providerMetadata?: Record<string, JsonValue>;
}

/** The result of a tool call, sent back to the model in a `tool` message. */
export interface ToolResultPart {
  readonly type: 'tool-result';
  /** The id of the {@link ToolCallPart} this answers. */
  readonly id: string;
  /** The tool's name (Gemini pairs results by name). */
  readonly name: string;
  readonly output: JsonValue;
  readonly isError: boolean;
}

/** Any part of a message. */
export type Part = TextPart | ImagePart | FilePart | ReasoningPart | ToolCallPart | ToolResultPart;

/** A user turn: text, images and files. */
export interface UserMessage {
  readonly role: 'user';
  readonly content: readonly (TextPart | ImagePart | FilePart)[];
}

/** An assistant turn: text, reasoning and tool calls, in the order the model produced them. */
export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content: readonly (TextPart | ReasoningPart | ToolCallPart)[];
}

/** Tool results answering the tool calls of the assistant message before it. */
export interface ToolMessage {
  readonly role: 'tool';
  readonly content: readonly ToolResultPart[];
}

/**
 * One message of a conversation.
 *
 * @example
 * ```ts
 * const history: Message[] = [
 *   { role: 'user', content: [{ type: 'text', text: 'What is in README.md?' }] },
 *   { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'read', input: { file_path: 'README.md' } }] },
 *   { role: 'tool', content: [{ type: 'tool-result', id: 'c1', name: 'read', output: '1\t# icode', isError: false }] },
 * ];
 * ```
 */
export type Message = UserMessage | AssistantMessage | ToolMessage;

/**
 * The text of a message: its text parts joined.
 *
 * @example
 * ```ts
 * messageText({ role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }); // 'Done.'
 * ```
 */
export function messageText(message: Message): string {
  let text = '';
  for (const part of message.content) if (part.type === 'text') text += part.text;
  return text;
}
