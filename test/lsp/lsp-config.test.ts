import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/index.js';
import { lspTools, type LspToolsOptions } from '../../src/lsp/index.js';

const server = { command: 'typescript-language-server', args: ['--stdio'], languages: ['ts'] };

function refuses(options: unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    lspTools(options as LspToolsOptions);
  } catch (error) {
    thrown = error;
  }
  expect(ConfigError.isInstance(thrown), String(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(message);
}

describe('lspTools options', () => {
  it('refuses what cannot work, at construction, with a ConfigError', () => {
    refuses(undefined, 'lspTools takes an options object.');
    refuses({}, /`servers` must name at least one language server/);
    refuses({ servers: {} }, /`servers` must name at least one language server/);
    refuses({ servers: { ts: { ...server, command: ' ' } } }, 'lspTools: server "ts" needs a `command`');
    refuses(
      { servers: { ts: { ...server, args: '--stdio' } } },
      'lspTools: server "ts": `args` must be an array of strings.',
    );
    refuses({ servers: { ts: { ...server, languages: [] } } }, /server "ts" needs `languages`/);
    refuses(
      { servers: { ts: { ...server, languages: ['*.ts'] } } },
      'lspTools: server "ts": "*.ts" is not a file extension.',
    );
    refuses(
      { servers: { ts: server, other: { ...server, languages: ['.TS'] } } },
      'lspTools: .ts files are claimed by both "ts" and "other"; give each extension to one server.',
    );
    refuses(
      { servers: { ts: server }, requestTimeoutMs: 0 },
      'lspTools: requestTimeoutMs must be a number ≥ 1, got 0.',
    );
    refuses({ servers: { ts: server }, feedback: { maxPerFile: -1 } }, 'feedback.maxPerFile must be a number ≥ 1');
    refuses({ servers: { ts: server }, root: join(tmpdir(), `icode-no-such-root-${process.pid}`) }, /\broot\b/);
  });

  it('starts nothing until a tool needs a server', async () => {
    const lsp = lspTools({ root: process.cwd(), servers: { ts: server, py: { command: 'pylsp', languages: ['py'] } } });
    expect(lsp.status()).toEqual({ ts: 'idle', py: 'idle' });
    expect((await lsp.tools()).map((entry) => entry.name)).toHaveLength(5);
    await lsp.close();
    expect(lsp.status()).toEqual({ ts: 'closed', py: 'closed' });
  });
});
