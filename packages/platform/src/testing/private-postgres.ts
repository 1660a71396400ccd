import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { repoRoot, waitFor } from './index.ts';

/**
 * A PostgreSQL of a test's own (not the shared stack's), for outage tests that stop and restart the database
 * under load: its data under `<repo>/.uhr/private/postgres-<port>`, on a free port, started and stopped by the
 * test with the same binaries scripts/stack.sh uses. Stopping it is `pg_ctl stop -m immediate` (a crash).
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes nothing (the data stays under .uhr/private for a look after a failure). */
  close(): Promise<void>;
}

const USER = 'uhr';
const PASSWORD = 'uhr-private-test';

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(a) - Number(b)) : [];
  const v = versions.at(-1);
  if (!v) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql: run scripts/stack.sh up postgres once');
  return join(base, v, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
function asPg(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function run(cmd: string, args: string[]): void {
  const [c, a] = asPg(cmd, args);
  execFileSync(c, a, { stdio: 'pipe' });
}

function initDb(dir: string): void {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  mkdirSync(dir, { recursive: true });
  const pw = join(dir, '..', `${dir.split('/').at(-1)}.pw`);
  writeFileSync(pw, `${PASSWORD}\n`);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', join(dir, '..')]);
  run(join(pgBin(), 'initdb'), ['-D', dir, '-U', USER, `--pwfile=${pw}`, '--auth=scram-sha-256', '-E', 'UTF8']);
}

/**
 * Where private data directories go: the repo's .uhr/private, unless the postgres user cannot reach it (a clone
 * under a 0700 folder, as `mktemp -d` makes) — then /var/tmp, as scripts/stack.sh does for the stack's own.
 */
function privateParent(): string {
  const inRepo = join(repoRoot(), '.uhr');
  if (process.getuid?.() !== 0) return join(inRepo, 'private');
  mkdirSync(inRepo, { recursive: true });
  const reach = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', inRepo]);
  return reach.status === 0 ? join(inRepo, 'private') : '/var/tmp/uhr-private-pg';
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const parent = privateParent();
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o777);
  const dir = join(parent, `postgres-${port}`, 'data');
  initDb(dir);
  let child: ChildProcess | undefined;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const ready = () =>
    waitFor(
      `private postgres on ${port}`,
      async () => {
        const c = new pg.Client({ connectionString: url });
        try {
          await c.connect();
          await c.query('select 1');
          return true;
        } finally {
          await c.end().catch(() => undefined);
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  const pgArgs = ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  const self: PrivatePostgres = {
    url,
    port,
    async start() {
      const [c, a] = asPg(join(pgBin(), 'postgres'), [
        ...pgArgs,
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'max_connections=100',
      ]);
      child = spawn(c, a, { stdio: 'ignore' });
      await ready();
    },
    async stop() {
      if (!child) return;
      run(join(pgBin(), 'pg_ctl'), ['stop', '-D', dir, '-m', 'immediate', '-w']);
      const exited = child;
      child = undefined;
      await waitFor('private postgres exited', () => exited.exitCode !== null || exited.signalCode !== null, {
        timeoutMs: 15_000,
      }).catch(() => undefined);
    },
    close: () => self.stop(),
  };
  await self.start();
  return self;
}
