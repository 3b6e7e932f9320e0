import type { AddressInfo } from 'node:net';
import { createApp, type RunningApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config/config.js';
import { freshDatabase, type TestTarget } from './databases.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestApp {
  baseUrl: string;
  running: RunningApp;
  /** A bearer token for a user with these roles. */
  token(sub: string, ...roles: string[]): Promise<string>;
  /** A request through real HTTP; `as` names the user: [sub, ...roles]. */
  call(method: string, path: string, options?: { as?: string[]; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<TestResponse>;
  /** Number of events in the log (to prove a refused command recorded nothing). */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** The whole service on a fresh database of the target server, listening on a free port. */
export async function startTestApp(target: TestTarget, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const url = await freshDatabase(target.url);
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: url,
    dataDir: '/tmp/aid-ledger-test-unused',
    nodeEnv: 'test',
    jwtSecret: TEST_SECRET,
    jwtSecretSource: 'env',
    logLevel: 'silent',
    readWaitMs: 5000,
    ...overrides,
  };
  const running = await createApp(config, url);
  await running.app.listen(0, '127.0.0.1');
  const { port } = running.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  const token = async (sub: string, ...roles: string[]) => {
    const key = [sub, ...roles].join('|');
    if (!tokens.has(key)) tokens.set(key, await running.tokens.sign({ sub, roles, name: sub }));
    return tokens.get(key)!;
  };
  return {
    baseUrl,
    running,
    token,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.as) headers.authorization = `Bearer ${await token(options.as[0], ...options.as.slice(1))}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + path, { method, headers, body });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON (CSV, metrics) */
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async eventCount() {
      const { rows } = await running.store.pool.query('select count(*)::int as n from events');
      return rows[0].n;
    },
    close: () => running.close(),
  };
}

/** The users the HTTP tests act as: [sub, ...roles]. */
export const users = {
  admin: ['ada', 'admin'],
  officer: ['oscar', 'programme-officer'],
  finance: ['fatima', 'finance-officer'],
  finance2: ['farid', 'finance-officer'],
  member: ['maria', 'commission-member'],
  auditor: ['aibek', 'auditor'],
};
