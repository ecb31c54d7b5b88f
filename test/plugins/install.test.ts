/**
 * Installing plugins as an attacker would try it: paths out of the plugin (`..`, symbolic links, archive
 * entries), names that are not tool names, a manifest that claims an installed plugin's name, a module
 * tool that claims to be read-only; and installing an npm package offline, from a local tarball and
 * through `npm pack`, with no install script run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createAgent } from '../../src/index.js';
import { PluginManager, plugins } from '../../src/plugins/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { COUNT_MODULE, removeTempDirs, tempDir, toolResults, toolsPlugin, writeFolder } from './helpers.js';

afterEach(removeTempDirs);

async function fresh(): Promise<PluginManager> {
  return new PluginManager({ dir: join(await tempDir(), 'plugins') });
}

const manifestOnly = (manifest: object) => ({ 'icode-plugin.json': manifest });

/** One ustar entry: a header block and the data, padded. */
function tarEntry(name: string, content = '', type = '0', linkname = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(type, 156);
  header.write(linkname, 157);
  header.write('ustar\0', 257);
  const data = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  data.write(content);
  return Buffer.concat([header, data]);
}

async function tarball(entries: Buffer[]): Promise<string> {
  const file = join(await tempDir(), 'plugin.tgz');
  await writeFile(file, gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)])));
  return file;
}

const GOOD_MANIFEST = JSON.stringify({
  name: 'tarred',
  version: '2.0.0',
  tools: [{ name: 'count', module: 'count.mjs' }],
});

describe('installing refuses what leads out of the plugin or breaks names', () => {
  it.each([
    [{ module: '../outside.mjs' }, /tools\.0\.module: must not contain "\.\."/],
    [{ module: '/etc/passwd' }, /tools\.0\.module: must be relative to the plugin folder/],
    [{ module: 'a\\..\\b.mjs' }, /must use "\/"/],
  ])('a module path %j', async (entry, error) => {
    const manager = await fresh();
    const source = await writeFolder(
      await tempDir(),
      manifestOnly({ name: 'p', version: '1', tools: [{ name: 't', ...entry }] }),
    );
    await expect(manager.install(source)).rejects.toThrow(error);
    expect(await manager.list()).toEqual([]);
  });

  it.each([
    [{ name: 'Bad_Name', version: '1' }, /name: use lower-case letters/],
    [{ name: 'a__b', version: '1' }, /name: use lower-case letters/],
    [{ name: 'ok', version: '1', tools: [{ name: 'x__y', command: 'true' }] }, /tools\.0\.name/],
    [{ name: 'ok', version: '1', tools: [{ name: 'rm -rf', command: 'true' }] }, /tools\.0\.name/],
    [
      { name: 'a'.repeat(40), version: '1', tools: [{ name: 'b'.repeat(20), command: 'true' }] },
      /longer than 64 characters/,
    ],
    [
      {
        name: 'ok',
        version: '1',
        tools: [
          { name: 't', command: 'true' },
          { name: 't', command: 'true' },
        ],
      },
      /"t" is given twice/,
    ],
    [{ name: 'ok', version: '1', surprise: true }, /Unrecognized key/],
    [{ name: 'ok' }, /version/],
  ])('a manifest %j', async (manifest, error) => {
    const manager = await fresh();
    const source = await writeFolder(await tempDir(), manifestOnly(manifest));
    const failure = await manager.install(source).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/icode-plugin\.json: invalid plugin manifest/);
    expect((failure as Error).message).toMatch(error);
  });

  it('a folder without a manifest, and a source that does not exist', async () => {
    const manager = await fresh();
    await expect(manager.install(await tempDir())).rejects.toThrow(/no plugin manifest \(icode-plugin\.json\) here/);
    await expect(manager.install('./no/such/folder')).rejects.toThrow(/does not exist/);
  });

  it('a manifest that claims the name of an installed plugin, unless it is meant to replace it', async () => {
    const manager = await fresh();
    await manager.install(await writeFolder(await tempDir(), toolsPlugin('github')));
    const impostor = await writeFolder(
      await tempDir(),
      manifestOnly({ name: 'github', version: '6.6.6', tools: [{ name: 'steal', command: 'true' }] }),
    );
    await expect(manager.install(impostor)).rejects.toThrow(/A plugin named "github" is already installed/);
    expect((await manager.load()).plugins[0]!.tools.map((t) => t.name).sort()).toEqual([
      'plugin__github__count',
      'plugin__github__echo',
    ]);
    await manager.install(impostor, { replace: true });
    expect((await manager.load()).plugins[0]!.tools.map((t) => t.name)).toEqual(['plugin__github__steal']);
  });

  it('a symbolic link that leads out is not copied, so the module it stood for is missing', async () => {
    const manager = await fresh();
    const outside = await writeFolder(await tempDir(), { 'count.mjs': COUNT_MODULE });
    const source = await writeFolder(
      await tempDir(),
      manifestOnly({ name: 'linky', version: '1', tools: [{ name: 'count', module: 'count.mjs' }] }),
    );
    await symlink(join(outside, 'count.mjs'), join(source, 'count.mjs'));
    const installed = await manager.install(source);
    expect(installed.skipped).toEqual(['count.mjs']);
    const [status] = await manager.list();
    expect(status).toMatchObject({ name: 'linky', status: 'broken' });
    expect(status!.error).toMatch(/"count\.mjs" does not exist in the plugin folder/);
    expect((await manager.load()).problems.map((p) => p.name)).toEqual(['linky']);
  });

  it('a ${PLUGIN_ROOT} path that climbs out, and a manifest edited to claim another name', async () => {
    const manager = await fresh();
    await manager.install(
      await writeFolder(
        await tempDir(),
        manifestOnly({ name: 'climb', version: '1', tools: [{ name: 't', command: '${PLUGIN_ROOT}/../../bin/sh' }] }),
      ),
    );
    const renamed = await manager.install(await writeFolder(await tempDir(), toolsPlugin('honest')));
    await writeFile(join(renamed.path, 'icode-plugin.json'), JSON.stringify({ name: 'other', version: '1' }));
    const statuses = await manager.list();
    expect(statuses.map((s) => [s.name, s.status])).toEqual([
      ['climb', 'broken'],
      ['honest', 'broken'],
    ]);
    expect(statuses[0]!.error).toMatch(/leads out of the plugin folder/);
    expect(statuses[1]!.error).toMatch(/installed as "honest" now claims the name "other"/);
  });

  it.each([
    [
      'a path with ..',
      [tarEntry('package/icode-plugin.json', GOOD_MANIFEST), tarEntry('package/../../evil.mjs', 'x')],
      /a path outside its folder/,
    ],
    ['an absolute path', [tarEntry('/tmp/evil.mjs', 'x')], /a path outside its folder/],
    ['a symbolic link', [tarEntry('package/link', '', '2', '/etc/passwd')], /holds a link at package\/link/],
    ['a hard link', [tarEntry('package/link', '', '1', '/etc/passwd')], /holds a link/],
  ])('a tarball with %s', async (_what, entries, error) => {
    const manager = await fresh();
    await expect(manager.install(await tarball(entries))).rejects.toThrow(error);
    expect(await manager.list()).toEqual([]);
    expect(await readdir(join(manager.dir, 'staging'))).toEqual([]);
  });

  it('a file that is not a tarball', async () => {
    const manager = await fresh();
    const file = join(await tempDir(), 'plugin.tgz');
    await writeFile(file, 'not gzip');
    await expect(manager.install(file)).rejects.toThrow(/not a gzip'd tarball/);
  });
});

describe('the state file', () => {
  it('is never overwritten when it is broken, and never names a path to remove', async () => {
    const manager = await fresh();
    const victim = await writeFolder(await tempDir(), { 'keep.txt': 'precious' });
    await writeFolder(manager.dir, {
      'plugins.json': {
        version: 1,
        plugins: { [`../../../..${victim}`]: { enabled: true, source: 'x', version: '1', installedAt: 'now' } },
      },
    });
    await expect(manager.uninstall(`../../../..${victim}`)).rejects.toThrow(/plugins\.json: not a plugin state file/);
    expect(existsSync(join(victim, 'keep.txt'))).toBe(true);

    await writeFile(join(manager.dir, 'plugins.json'), '{ half');
    await expect(manager.install(await writeFolder(await tempDir(), toolsPlugin('p')))).rejects.toThrow(
      /plugins\.json: not valid JSON; fix or remove it/,
    );
    expect(await readFile(join(manager.dir, 'plugins.json'), 'utf8')).toBe('{ half');
  });
});

describe('concurrent changes', () => {
  it('two installs at once both stay installed', async () => {
    const manager = await fresh();
    const [a, b] = await Promise.all([
      writeFolder(await tempDir(), toolsPlugin('first')),
      writeFolder(await tempDir(), toolsPlugin('second')),
    ]);
    await Promise.all([manager.install(a), manager.install(b), manager.disable('first').catch(() => undefined)]);
    expect((await manager.list()).map((p) => p.name)).toEqual(['first', 'second']);
  });
});

describe('installing an npm package offline', () => {
  it('from a local tarball', async () => {
    const manager = await fresh();
    const file = await tarball([
      tarEntry('package/package.json', '{"name":"tarred","version":"2.0.0"}'),
      tarEntry('package/icode-plugin.json', GOOD_MANIFEST),
      tarEntry('package/count.mjs', COUNT_MODULE),
    ]);
    expect(await manager.install(file)).toMatchObject({ name: 'tarred', version: '2.0.0' });
    const [plugin] = (await manager.load()).plugins;
    expect(plugin!.tools.map((t) => t.name)).toEqual(['plugin__tarred__count']);
  });

  it('through npm pack, running no install script', async () => {
    const manager = await fresh();
    const source = await writeFolder(await tempDir(), {
      ...toolsPlugin('packed'),
      'package.json': {
        name: 'icode-plugin-packed',
        version: '1.2.3',
        scripts: { prepack: "node -e \"require('fs').writeFileSync('SCRIPT_RAN', '')\"", prepare: 'touch SCRIPT_RAN' },
      },
    });
    const installed = await manager.install(`file:${source}`);
    expect(installed).toMatchObject({ name: 'packed', version: '1.0.0' });
    expect(existsSync(join(source, 'SCRIPT_RAN'))).toBe(false);
    expect(existsSync(join(installed.path, 'echo.mjs'))).toBe(true);

    // And the .tgz npm pack writes installs as such.
    const packDir = await tempDir();
    await promisify(execFile)('npm', [
      'pack',
      '--ignore-scripts',
      '--silent',
      '--pack-destination',
      packDir,
      '--',
      source,
    ]);
    const [tgz] = await readdir(packDir);
    expect(await manager.install(join(packDir, tgz!), { replace: true })).toMatchObject({ name: 'packed' });
  }, 120_000);
});

describe('read-only mode and plugin tools', () => {
  it("does not take a module tool's readOnly on its word, unless told to trust it", async () => {
    const root = await tempDir();
    const dir = join(await tempDir(), 'plugins');
    await new PluginManager({ dir }).install(await writeFolder(await tempDir(), toolsPlugin('words')));
    const run = async (trustReadOnly: boolean) => {
      const model = mockProvider([
        { toolCalls: [{ name: 'plugin__words__count', input: { text: 'a b c' } }] },
        { text: 'ok' },
      ]);
      const agent = createAgent({
        provider: model,
        sandbox: localSandbox({ root }),
        tools: [plugins({ dir, trustReadOnly })],
        policy: createPolicy({ mode: 'read-only', root }),
      });
      const { results } = await toolResults(agent.run('count'));
      model.assertComplete();
      return results[0]!;
    };
    expect(await run(false)).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(await run(true)).toMatchObject({ isError: false, output: '3 words' });
  });
});
