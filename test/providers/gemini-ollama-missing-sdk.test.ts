/**
 * A missing optional SDK is a ConfigError that names the package to install, raised on the first call.
 * Modules are reset between tests, so classes are compared by brand (`isInstance`), not identity.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { ask, drain } from './gemini-helpers.js';

afterEach(() => {
  vi.doUnmock('@google/genai');
  vi.doUnmock('ollama/browser');
  vi.resetModules();
});

function notInstalled(name: string): never {
  const error = new Error(`Cannot find package '${name}' imported from icode`) as Error & { code: string };
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

describe('missing SDKs', () => {
  it('gemini names @google/genai', async () => {
    vi.doMock('@google/genai', () => notInstalled('@google/genai'));
    const { gemini } = await import('../../src/providers/gemini/index.js');
    const model = gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij' });
    const { error } = await drain(model, ask('hi'));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('npm install @google/genai');
  });

  it('ollama names ollama', async () => {
    vi.doMock('ollama/browser', () => notInstalled('ollama'));
    const { ollama } = await import('../../src/providers/ollama/index.js');
    const { error } = await drain(ollama({ model: 'qwen3:8b' }), ask('hi'));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('npm install ollama');
  });
});
