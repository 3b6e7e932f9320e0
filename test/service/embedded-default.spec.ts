import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService } from '../../src/api/common/auth.js';

/**
 * The service as a user starts it: `node dist/src/main.js` with DATABASE_URL unset, so it runs its own
 * PostgreSQL in DATA_DIR. (npm test builds dist first.)
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const main = path.join(repo, 'dist/src/main.js');
const SECRET = 'service-test-secret-service-test-secret-0123';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Service {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

function start(dataDir: string, port: number): Service {
  let out = '';
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), AUTH_JWT_SECRET: SECRET, NODE_ENV: 'development', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port, output: () => out, exited };
}

async function waitHealthy(service: Service, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (service.child.exitCode !== null) throw new Error(`the service exited: ${service.output()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${service.port}/health`);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the service did not become healthy: ${service.output()}`);
}

describe('the service on its embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'aid-ledger-service-'));
  let token: string;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error('dist/src/main.js is missing: npm test builds it first (npm run build)');
    token = await new TokenService(SECRET).sign({ sub: 'oscar', roles: ['programme-officer'] });
  });

  const post = (port: number, body: unknown) =>
    fetch(`http://127.0.0.1:${port}/municipalities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (port: number, id: string, minPosition = 0) => fetch(`http://127.0.0.1:${port}/municipalities/${id}?minPosition=${minPosition}`, { headers: { authorization: `Bearer ${token}` } });

  it('starts, records, refuses a second service on the same DATA_DIR, stops cleanly on SIGTERM and keeps its data', async () => {
    const first = start(dataDir, await freePort());
    await waitHealthy(first);
    const created = await post(first.port, { id: 'uch-korgon', name: 'Uch-Korgon', oblast: 'Batken' });
    expect(created.status).toBe(201);
    const position = Number(created.headers.get('ledger-position'));

    const second = start(dataDir, await freePort());
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/DATA_DIR .* is in use by another running service/);

    // Requests in flight when SIGTERM arrives are finished before the service stops.
    const inFlight = Promise.all(Array.from({ length: 20 }, (_, i) => post(first.port, { id: `place-${i}`, name: `Place ${i}`, oblast: 'Osh' })));
    await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGTERM');
    const answers = await inFlight.then((rs) => rs.map((r) => r.status)).catch(() => null);
    const code = await first.exited;
    expect({ code, output: code === 0 ? '' : first.output().slice(-3000) }).toEqual({ code: 0, output: '' });
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'service.lock'))).toBe(false);

    const again = start(dataDir, await freePort());
    await waitHealthy(again);
    const read = await get(again.port, 'uch-korgon', position);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: 'uch-korgon', name: 'Uch-Korgon', version: 1 });
    // Whatever the in-flight requests were told was recorded is there after the restart.
    if (answers) {
      for (let i = 0; i < answers.length; i++) {
        if (answers[i] === 201) expect((await get(again.port, `place-${i}`, position)).status).toBe(200);
      }
    }

    // Killed without a chance to clean up: the next start stops the orphaned postgres and carries on.
    again.child.kill('SIGKILL');
    await again.exited;
    const afterCrash = start(dataDir, await freePort());
    await waitHealthy(afterCrash);
    expect((await get(afterCrash.port, 'uch-korgon', position)).status).toBe(200);
    afterCrash.child.kill('SIGTERM');
    expect(await afterCrash.exited).toBe(0);
  }, 180_000);

  it('refuses to start with a clear message for each bad setting', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: 'eighty', NODE_ENV: 'production', DATA_DIR: dataDir };
    delete env.AUTH_JWT_SECRET;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(out).toMatch(/PORT must be an integer/);
    expect(out).toMatch(/AUTH_JWT_SECRET is required/);
  });
});
