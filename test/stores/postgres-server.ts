/**
 * A private PostgreSQL server for the tests, started from the machine's PostgreSQL binaries (Debian's
 * `postgresql` package) into a temp folder, on a free loopback port, and removed afterwards. Set
 * `ICODE_TEST_POSTGRES_URL` to use an existing server instead. Start failures are thrown with what to
 * install: Postgres tests fail, they are never skipped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running test server. */
export interface TestPostgres {
  /** `postgresql://…` connection string. */
  readonly url: string;
  /** Stops the server and deletes its folder (a no-op for an external server). */
  stop(): Promise<void>;
}

const HELP =
  'Postgres tests need the PostgreSQL server binaries (initdb, pg_ctl): `apt-get install postgresql` on Debian/Ubuntu, ' +
  'or set ICODE_POSTGRES_BIN to their folder, or set ICODE_TEST_POSTGRES_URL to a server to use.';

/** The folder holding `initdb`, `pg_ctl` and `postgres`: ICODE_POSTGRES_BIN, the newest Debian install, `pg_config`, or PATH. */
export function findPostgresBin(): string {
  const fromEnv = process.env.ICODE_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  // Debian and Ubuntu keep each major version's server binaries in their own folder, off PATH.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const probe of [
    ['pg_config', '--bindir'],
    ['sh', '-c', 'dirname "$(command -v initdb)"'],
  ] as const) {
    try {
      const dir = execFileSync(probe[0], probe.slice(1), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (dir && existsSync(join(dir, 'initdb'))) return dir;
    } catch {
      // Not there; try the next way.
    }
  }
  throw new Error(`No PostgreSQL server binaries found. ${HELP}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts a server, or returns ICODE_TEST_POSTGRES_URL's. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.ICODE_TEST_POSTGRES_URL;
  if (external) return { url: external, stop: async () => undefined };

  const bin = findPostgresBin();
  const dir = await mkdtemp(join(tmpdir(), 'icode-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'run');
  const log = join(dir, 'postgres.log');
  await mkdir(sockets);
  // PostgreSQL refuses to run as root: as root, run it as the `postgres` user, which must own the folder.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    let uid: number;
    let gid: number;
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`Running as root, but there is no \`postgres\` user to run the server as. ${HELP}`, {
        cause: error,
      });
    }
    for (const path of [dir, sockets]) await chown(path, uid, gid);
  }
  const pg = (tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  let port = 0;
  let started = false;
  const stopSync = (): void => {
    if (!started) return;
    try {
      execFileSync(
        asRoot ? 'runuser' : join(bin, 'pg_ctl'),
        [...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), '-D', data, '-m', 'immediate', '-w', 'stop'],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // Already stopped.
    }
  };
  // If the test process ends without afterAll (a crash, a kill), do not leave a server behind.
  process.once('exit', stopSync);
  try {
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // Another process may take the free port before the server binds it: try a few ports.
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${sockets}`,
        '-c listen_addresses=127.0.0.1',
        '-c max_connections=200',
        // A throwaway test server: durability against power loss is not what the tests check.
        '-c fsync=off',
        '-c full_page_writes=off',
      ].join(' ');
      try {
        await pg('pg_ctl', ['-D', data, '-o', settings, '-l', log, '-w', '-t', '30', 'start']);
        started = true;
      } catch (error) {
        const serverLog = await readFile(log, 'utf8').catch(() => '');
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(serverLog)) throw error;
      }
    }
  } catch (error) {
    const serverLog = await readFile(log, 'utf8').catch(() => '');
    process.removeListener('exit', stopSync);
    await rm(dir, { recursive: true, force: true });
    const detail =
      error instanceof Error ? `${error.message}\n${(error as { stderr?: string }).stderr ?? ''}` : String(error);
    throw new Error(`Could not start the test PostgreSQL server from ${bin}: ${detail}\n${serverLog}\n${HELP}`, {
      cause: error,
    });
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      process.removeListener('exit', stopSync);
      if (started) {
        started = false;
        await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
