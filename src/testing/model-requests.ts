/**
 * The no-network switch of a test suite: with model requests disallowed, every real provider adapter
 * (Anthropic, OpenAI, Gemini, Ollama) throws {@link ModelRequestsDisallowedError} before it opens a
 * connection, so a test that forgot its mock fails at once instead of spending money or hanging.
 *
 * @packageDocumentation
 */
import { setModelRequestSetting, type ModelRequestRule } from '../providers/shared/model-requests.js';

export { ModelRequestsDisallowedError } from '../providers/shared/model-requests.js';

/** What {@link disallowModelRequests} still lets through. */
export type DisallowModelRequestsOptions = ModelRequestRule;

/**
 * Disallows model requests from now on, for the whole process (put it in a vitest `setupFiles` file).
 * `ICODE_ALLOW_MODEL_REQUESTS=false` in the environment does the same without code.
 *
 * Still allowed: requests to loopback addresses (127.0.0.0/8, `::1`, `localhost`), since they cannot leave
 * the machine: the mock wire servers of `startMockServer` live there (pass `allowLoopback: false` to refuse
 * a local Ollama too); the hosts of `allowHosts`; and requests an active `cassette` answers.
 *
 * @returns a function that puts the previous setting back.
 *
 * @example
 * ```ts
 * // vitest.setup.ts, listed in vitest.config.ts `test.setupFiles`
 * import { disallowModelRequests } from 'icode/testing';
 * disallowModelRequests();
 * ```
 */
export function disallowModelRequests(options: DisallowModelRequestsOptions = {}): () => void {
  return setModelRequestSetting({ ...options, ...(options.allowHosts ? { allowHosts: [...options.allowHosts] } : {}) });
}

/**
 * Allows model requests again, whatever `ICODE_ALLOW_MODEL_REQUESTS` says: for a test that is meant to
 * reach a real API.
 *
 * @returns a function that puts the previous setting back.
 *
 * @example
 * ```ts
 * const restore = allowModelRequests();
 * try {
 *   await agent.run('Hi').result;
 * } finally {
 *   restore();
 * }
 * ```
 */
export function allowModelRequests(): () => void {
  return setModelRequestSetting('allow');
}
