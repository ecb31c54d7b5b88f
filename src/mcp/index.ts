/**
 * MCP for icode: MCP servers as a toolset for `createAgent({ tools })`, and an agent served as an MCP tool.
 * Node only; needs the optional peer `@modelcontextprotocol/sdk`, loaded on first use.
 *
 * @packageDocumentation
 */
export { mcpServers } from './mcp-servers.js';
export type { McpServers, McpServerStatus } from './mcp-servers.js';
export type { McpServerState } from './server-connection.js';
export type { McpTool } from './mcp-tool.js';
export type { McpPrompt, McpPromptMessages } from './prompts.js';
export type {
  McpElicitationRequest,
  McpElicitationResult,
  McpHttpServer,
  McpRestartOptions,
  McpSamplingOptions,
  McpSamplingRequest,
  McpServerCommon,
  McpServerConfig,
  McpServersOptions,
  McpStdioServer,
} from './options.js';
export { mcpToolName } from './tool-names.js';
export { serveAgentOverMcp } from './serve-agent.js';
export type { ServeAgentOptions, ServedAgent } from './serve-agent.js';
