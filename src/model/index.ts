export type {
  AssistantMessage,
  FilePart,
  ImagePart,
  JsonValue,
  Message,
  Part,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from './message.js';
export { messageText } from './message.js';
export type { Usage } from './usage.js';
export { addUsage, costOf, emptyUsage } from './usage.js';
export type {
  FinishReason,
  JsonSchema,
  LanguageModel,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
  ModelTool,
  RetryPolicy,
  ToolChoice,
  OutputFormat,
} from './language-model.js';
