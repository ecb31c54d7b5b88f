import type { ModelRequest } from '../model/language-model.js';
import type { RunContext } from './run-context.js';

/**
 * Builds the turn's model request: instructions, the session history and the tool schemas (computed once
 * per agent, not per turn), then lets `beforeModelCall` change it.
 *
 * The history array is passed as is, not copied, so a turn costs no O(history) work; a model must treat
 * `messages` as read-only and copy it if it keeps it past the call (the mock provider does).
 */
export function prepareRequest(ctx: RunContext): ModelRequest | Promise<ModelRequest> {
  const { options, modelTools } = ctx.config;
  // Built once per run: the history array is live, so the same object serves every turn.
  const request: ModelRequest = (ctx.request ??= {
    messages: ctx.history,
    tools: modelTools,
    ...(options.instructions !== undefined ? { system: options.instructions } : {}),
    ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
  });
  const hook = options.hooks?.beforeModelCall;
  if (!hook) return request;
  const copy = { ...request };
  return Promise.resolve(hook(copy)).then((changed) => changed ?? copy);
}
