import type { ModelRequest, ModelTool } from '../model/language-model.js';
import { planModeRequest } from './plan-mode.js';
import type { RunContext } from './run-context.js';
import { firstCallChoice } from './run-settings.js';
import { modelCallHooks } from './run-hooks.js';

/**
 * Builds the turn's model request: instructions, the session history and the tool schemas (computed once
 * per agent, not per turn), then lets `beforeModelCall` change it.
 *
 * The history array is passed as is, not copied, so a turn costs no O(history) work; a model must treat
 * `messages` as read-only and copy it if it keeps it past the call (the mock provider does).
 */
export function prepareRequest(ctx: RunContext): ModelRequest | Promise<ModelRequest> {
  // Toolsets (MCP servers) may add or drop tools between turns: each turn gets the current ones.
  const toolsets = ctx.config.toolsets;
  if (toolsets) return toolsets.turnTools(ctx).then((tools) => buildRequest(ctx, tools));
  return buildRequest(ctx, ctx.config.modelTools);
}

function buildRequest(ctx: RunContext, tools: readonly ModelTool[]): ModelRequest | Promise<ModelRequest> {
  const { options } = ctx.config;
  // Built once per run: the history array is live, so the same object serves every turn.
  let request: ModelRequest = (ctx.request ??= {
    messages: ctx.history,
    tools,
    ...(options.instructions !== undefined ? { system: options.instructions } : {}),
    ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(ctx.settings.output ? { output: ctx.settings.output.spec.format } : {}),
  });
  if (request.tools !== tools) request = ctx.request = { ...request, tools };
  const { toolChoice } = ctx.settings;
  if (toolChoice !== undefined) request = firstCallChoice(ctx, request, toolChoice);
  const planned = planModeRequest(ctx, request);
  return planned instanceof Promise ? planned.then((r) => modelCallHooks(ctx, r)) : modelCallHooks(ctx, planned);
}
