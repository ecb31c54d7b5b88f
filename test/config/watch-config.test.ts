import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageText, type ModelRequest, type Toolset } from 'icode';
import { configuredAgent, watchConfig, type ConfigWatcher, type IcodeConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
let watcher: ConfigWatcher | undefined;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await fx.remove();
});

// File events on a busy machine can take a while: poll with a generous limit, never sleep and assert.
const eventually = { timeout: 20_000, interval: 25 };

describe('watchConfig', () => {
  it('reloads when a file appears or changes, and keeps the last good config when one turns invalid', async () => {
    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 3 }));
    const changes: IcodeConfig[] = [];
    const errors: unknown[] = [];
    watcher = await watchConfig({
      cwd: fx.root,
      userDir: fx.userDir,
      env: { HOME: fx.base },
      debounceMs: 20,
      onChange: (config) => changes.push(config),
      onError: (error) => errors.push(error),
    });
    expect(watcher.current.maxTurns).toBe(3);

    // The project's .icode folder does not exist yet: its creation is seen too.
    await fx.write(fx.projectFile, JSON.stringify({ maxTurns: 5 }));
    await vi.waitFor(() => expect(watcher!.current.maxTurns).toBe(5), eventually);
    expect(changes.at(-1)!.sources.maxTurns).toBe(fx.projectFile);

    await fx.write(fx.projectFile, '{ "maxTurns": 6,, }');
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), eventually);
    expect(String(errors[0])).toContain(fx.projectFile);
    expect(watcher.current.maxTurns).toBe(5);

    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 3, temperature: 0.5 }));
    await fx.write(fx.projectFile, JSON.stringify({ maxTurns: 6 }));
    await vi.waitFor(() => expect(watcher!.current.maxTurns).toBe(6), eventually);
    expect(watcher.current.temperature).toBe(0.5);
  });
});

describe('configuredAgent', () => {
  it('uses a new config from the next run on, never in a running one, and keeps sessions across reloads', async () => {
    await fx.write(fx.userFile, JSON.stringify({ instructions: { text: 'Version one.', projectFiles: false } }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blockedStarted = false;
    const lastText = (request: ModelRequest): string => messageText(request.messages.at(-1)!);
    const provider = mockProvider(async (request) => {
      if (lastText(request) === 'blocked') {
        blockedStarted = true;
        await gate;
      }
      return { text: `re: ${lastText(request)}` };
    });
    const reloads: IcodeConfig[] = [];
    const errors: unknown[] = [];
    // A toolset of the caller's, lent to each agent: a retired agent must not close it.
    let closes = 0;
    const toolset: Toolset = {
      kind: 'toolset',
      name: 'own',
      tools: () => Promise.resolve([]),
      close: () => Promise.resolve(void closes++),
    };
    const configured = await configuredAgent({
      cwd: fx.root,
      userDir: fx.userDir,
      env: { HOME: fx.base },
      debounceMs: 20,
      overrides: { provider, tools: [toolset] },
      onReload: (_agent, config) => reloads.push(config),
      onError: (error) => errors.push(error),
    });
    const systemOf = (text: string): string | undefined =>
      provider.requests.find((request) => lastText(request) === text)?.system;

    const first = await configured.run('one').result;
    const blocked = configured.run('blocked');
    await vi.waitFor(() => expect(blockedStarted).toBe(true), eventually);

    await fx.write(fx.userFile, JSON.stringify({ instructions: { text: 'Version two.', projectFiles: false } }));
    await vi.waitFor(() => expect(reloads).toHaveLength(1), eventually);
    const third = await configured.run('three', { sessionId: first.sessionId }).result;
    expect(third.text).toBe('re: three');
    // The same session, on the new agent: the store is shared.
    const request = provider.requests.find((r) => lastText(r) === 'three')!;
    expect(request.messages.map(messageText)).toEqual(['one', 're: one', 'three']);

    release();
    expect((await blocked.result).text).toBe('re: blocked');
    expect(systemOf('one')).toBe('Version one.');
    expect(systemOf('blocked')).toBe('Version one.');
    expect(systemOf('three')).toBe('Version two.');

    await fx.write(fx.userFile, '{ "instructions": ');
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), eventually);
    await configured.run('four').result;
    expect(systemOf('four')).toBe('Version two.');
    expect(configured.config.instructions.text).toBe('Version two.');

    expect(closes).toBe(0);
    await configured.close();
    expect(closes).toBe(1);
    provider.assertComplete();
  });
});
