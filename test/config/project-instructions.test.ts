import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, projectInstructions } from 'icode';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(async () => {
  await fx.remove();
});

/** The paths of the files in `text`, in order. */
const marked = (text: string): string[] => [...text.matchAll(/<instructions path="([^"]+)">/g)].map((m) => m[1]!);

describe('projectInstructions', () => {
  it("merges the user's file, then the root's down to cwd (closer = later), each marked with its path", async () => {
    const user = await fx.write(join(fx.userDir, 'AGENTS.md'), 'user: prefer small commits');
    const top = await fx.write(join(fx.root, 'AGENTS.md'), 'root: use pnpm');
    const topClaude = await fx.write(join(fx.root, 'CLAUDE.md'), 'root claude: be kind');
    const pkg = await fx.write(join(fx.root, 'packages', 'api', 'CLAUDE.md'), 'api: use npm here');
    await fx.write(join(fx.root, 'packages', 'web', 'AGENTS.md'), 'web: not on the way');
    const cwd = join(fx.root, 'packages', 'api', 'src');
    await mkdir(cwd, { recursive: true });

    const text = await projectInstructions({ root: fx.root, cwd, userDir: fx.userDir });
    expect(marked(text)).toEqual([user, top, topClaude, pkg]);
    expect(text).toContain(`<instructions path="${pkg}">\napi: use npm here\n</instructions>`);
    expect(text).not.toContain('web: not on the way');
    expect(text.indexOf('root: use pnpm')).toBeLessThan(text.indexOf('api: use npm here'));
  });

  it('keeps the closest files within the cap, cuts the one that crosses it, and names those left out', async () => {
    const user = await fx.write(join(fx.userDir, 'AGENTS.md'), 'u'.repeat(100));
    const top = await fx.write(join(fx.root, 'AGENTS.md'), 'r'.repeat(100));
    const mid = await fx.write(join(fx.root, 'a', 'AGENTS.md'), 'm'.repeat(100));
    const near = await fx.write(join(fx.root, 'a', 'b', 'AGENTS.md'), 'n'.repeat(100));

    const text = await projectInstructions({
      root: fx.root,
      cwd: join(fx.root, 'a', 'b'),
      userDir: fx.userDir,
      maxBytes: 150,
    });
    expect(marked(text)).toEqual([mid, near]);
    expect(text).toContain('n'.repeat(100));
    expect(text).toContain(`${'m'.repeat(50)}\n[… cut: only the first 50 of 100 bytes fit the size cap.]`);
    expect(text).not.toContain('m'.repeat(51));
    expect(text).toContain(`cap on instruction files (the closest ones are kept): ${user}, ${top}.`);
  });

  it('refuses a symlink that leads out of the root, and a FIFO; reads a file reached twice once', async () => {
    await fx.write('home/.ssh/id_ed25519', 'PRIVATE KEY');
    await symlink(join(fx.base, 'home', '.ssh', 'id_ed25519'), join(fx.root, 'AGENTS.md'));
    const agents = await fx.write(join(fx.root, 'sub', 'AGENTS.md'), 'sub rules');
    await symlink('AGENTS.md', join(fx.root, 'sub', 'CLAUDE.md'));
    execFileSync('mkfifo', [join(fx.root, 'CLAUDE.md')]);

    const text = await projectInstructions({ root: fx.root, cwd: join(fx.root, 'sub') });
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).toContain(`${join(fx.root, 'AGENTS.md')} not used: it leads out of the workspace`);
    expect(text).toContain(`${join(fx.root, 'CLAUDE.md')} not used: it is not a regular file`);
    expect(marked(text)).toEqual([agents]);
  });

  it("is '' without files, and refuses a cwd outside the root", async () => {
    expect(await projectInstructions({ root: fx.root })).toBe('');
    const error = await projectInstructions({ root: join(fx.root, 'sub'), cwd: fx.root }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
  });
});
