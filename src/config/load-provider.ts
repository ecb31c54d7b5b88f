/**
 * Builds the configured provider, importing only its adapter: `icode/providers/<name>`'s module is loaded
 * on demand, so an agent on Anthropic never loads the OpenAI adapter (nor its SDK).
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors/config-error.js';
import type { LanguageModel } from '../model/language-model.js';
import type { ConfigEnv } from './config-paths.js';
import type { ProviderName } from './schema.js';
import type { ConfiguredProvider, IcodeConfig } from './types.js';

type Factory = (settings: { model: string } & Record<string, unknown>) => LanguageModel;

// One literal import() per adapter, so bundlers see each and split them apart.
const FACTORIES: Record<ProviderName, () => Promise<Factory>> = {
  anthropic: async () => (await import('../providers/anthropic/index.js')).anthropic as Factory,
  openai: async () => (await import('../providers/openai/index.js')).openai as Factory,
  gemini: async () => (await import('../providers/gemini/index.js')).gemini as Factory,
  ollama: async () => (await import('../providers/ollama/index.js')).ollama as Factory,
};

/**
 * The provider of `config`: its factory called with `model`, `options`, `baseURL` (Ollama's `host`) and,
 * when the user file names `apiKeyEnv`, the key from that variable of `env`. Without `apiKeyEnv` the adapter
 * reads its own variable (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, `GEMINI_API_KEY`).
 *
 * @throws ConfigError when no provider or model is configured, or `apiKeyEnv` names an unset variable.
 */
export async function loadProvider(config: IcodeConfig, env: ConfigEnv): Promise<LanguageModel> {
  const { name, model } = config.provider;
  if (name === undefined || model === undefined) {
    const where = config.files.map(({ file }) => file).join(', ') || 'no config file found';
    throw new ConfigError(
      `No ${name === undefined ? 'provider.name' : 'provider.model'} in the config (${where}); set it there, ` +
        'or pass a model as createAgentFromConfig(config, { provider }).',
    );
  }
  const factory = await FACTORIES[name]();
  return factory({ ...config.provider.options, model, ...endpoint(name, config.provider), ...apiKey(config, env) });
}

function endpoint(name: ProviderName, provider: ConfiguredProvider): Record<string, string> {
  if (provider.baseURL === undefined) return {};
  return name === 'ollama' ? { host: provider.baseURL } : { baseURL: provider.baseURL };
}

function apiKey(config: IcodeConfig, env: ConfigEnv): { apiKey?: string } {
  const variable = config.provider.apiKeyEnv;
  if (variable === undefined) return {};
  const value = env[variable];
  if (value === undefined || value === '')
    throw new ConfigError(
      `provider.apiKeyEnv names ${variable} (set in ${config.sources['provider.apiKeyEnv']}), but it is not set in the environment.`,
    );
  return { apiKey: value };
}
