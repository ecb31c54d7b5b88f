/**
 * MCP results as text: the one tool-result form every provider accepts. Text passes as it is; images,
 * audio and binary resources are described (their bytes would be noise to a model reading text);
 * embedded text resources are inlined with their URI; structured content is sent as JSON when the server
 * sent no text for it.
 */
import type {
  CallToolResult,
  ContentBlock,
  ReadResourceResult,
  ResourceContents,
} from '@modelcontextprotocol/sdk/types.js';

/** Size of base64 data, for people. */
function size(base64: string): string {
  const bytes = Math.floor((base64.length * 3) / 4);
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** One resource's contents as text. */
export function resourceText(contents: ResourceContents): string {
  const type = contents.mimeType ? ` (${contents.mimeType})` : '';
  if ('text' in contents && typeof contents.text === 'string')
    return `[resource ${contents.uri}${type}]\n${contents.text}`;
  const blob = 'blob' in contents && typeof contents.blob === 'string' ? contents.blob : '';
  return `[resource ${contents.uri}${type}: binary, ${size(blob)}, not shown]`;
}

/** One content block as text. */
export function contentText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
      return `[image ${block.mimeType}, ${size(block.data)}, not shown]`;
    case 'audio':
      return `[audio ${block.mimeType}, ${size(block.data)}, not shown]`;
    case 'resource':
      return resourceText(block.resource);
    case 'resource_link': {
      const about = [block.mimeType, block.description].filter(Boolean).join('; ');
      return `[resource link ${block.name}: ${block.uri}${about ? ` (${about})` : ''}; read it with read_mcp_resource]`;
    }
    default:
      return JSON.stringify(block);
  }
}

/**
 * A tool result as text. `content` comes first; `structuredContent` is added as JSON only when no text
 * block carries it already (the spec asks servers to send it as text too, and twice costs tokens).
 *
 * @example
 * ```ts
 * callResultText({ content: [{ type: 'text', text: '3' }] }); // '3'
 * callResultText({ content: [], structuredContent: { sum: 3 } }); // '{"sum":3}'
 * ```
 */
export function callResultText(result: CallToolResult | { toolResult: unknown }): string {
  // Servers on the 2024-10-07 protocol answer with `toolResult`.
  if ('toolResult' in result)
    return typeof result.toolResult === 'string' ? result.toolResult : JSON.stringify(result.toolResult);
  const content = result.content ?? [];
  // The common answer, one text block and nothing else: no array work.
  if (content.length === 1 && content[0]!.type === 'text' && result.structuredContent === undefined)
    return content[0]!.text;
  const parts = content.map(contentText);
  if (result.structuredContent !== undefined) {
    const json = JSON.stringify(result.structuredContent);
    const hasIt = content.some((block) => block.type === 'text');
    if (!hasIt) parts.push(json);
  }
  return parts.join('\n');
}

/** A `resources/read` result as text. */
export function readResultText(result: ReadResourceResult): string {
  return result.contents.map(resourceText).join('\n\n');
}
