import { describe, expect, it, vi } from 'vitest';
import { cassette } from 'icode/testing';
import { ConfigError } from '../../src/errors/config-error.js';

// As when the user has not installed nock: its import fails as Node fails it.
vi.mock('nock', () => {
  throw Object.assign(new Error("Cannot find package 'nock' imported from icode"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('cassette without nock', () => {
  it('says what to install, with a ConfigError', async () => {
    const error: unknown = await cassette({ path: 'unused.json', mode: 'replay' }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('cassette() needs the "nock" package (14.x): npm install --save-dev nock@14');
  });
});
