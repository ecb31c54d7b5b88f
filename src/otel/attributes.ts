/**
 * Names of the OpenTelemetry GenAI semantic conventions icode writes (the latest experimental set:
 * `gen_ai.provider.name`, not the older `gen_ai.system`), and how icode's usage maps onto them.
 */
import type { Attributes } from '@opentelemetry/api';
import type { Usage } from '../model/usage.js';

export const ATTR = {
  operation: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolArguments: 'gen_ai.tool.call.arguments',
  toolResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  errorType: 'error.type',
} as const;

/** icode's own attributes, for what the conventions have no name for. */
export const ICODE = {
  runId: 'icode.run.id',
  runStatus: 'icode.run.status',
  turn: 'icode.turn',
  sessionTurn: 'icode.session_turn',
  path: 'icode.agent.path',
  permissionDecision: 'icode.permission.decision',
  permissionSource: 'icode.permission.source',
  permissionRule: 'icode.permission.rule',
  toolPending: 'icode.tool.pending',
  compactionStrategy: 'icode.compaction.strategy',
  tokensBefore: 'icode.compaction.tokens_before',
  tokensAfter: 'icode.compaction.tokens_after',
} as const;

/** The conventions' token counts for a usage; optional counts only when the provider reported them. */
export function usageAttributes(usage: Usage): Attributes {
  const attributes: Attributes = {
    [ATTR.inputTokens]: usage.inputTokens,
    [ATTR.outputTokens]: usage.outputTokens,
  };
  if (usage.cacheReadTokens !== undefined) attributes[ATTR.cacheReadTokens] = usage.cacheReadTokens;
  if (usage.cacheWriteTokens !== undefined) attributes[ATTR.cacheWriteTokens] = usage.cacheWriteTokens;
  if (usage.reasoningTokens !== undefined) attributes[ATTR.reasoningTokens] = usage.reasoningTokens;
  return attributes;
}
