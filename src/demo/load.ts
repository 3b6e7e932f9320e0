import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { TokenService } from '../api/common/auth.js';
import { createApp, type RunningApp } from '../app.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../config/embedded-postgres.js';
import { loadDemo, type DemoClient } from './loader.js';

/**
 * `npm run demo [-- --url http://localhost:3000]` loads a realistic programme (src/demo/dataset.ts, from the
 * documents in /work/shared/seeds) through the HTTP API. With --url it talks to a running service (tokens are
 * signed with the same AUTH_JWT_SECRET / DATA_DIR secret the service uses); without it, it starts the service
 * in this process on the configured database, loads, and stops. Running it twice records nothing new.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const config = loadConfig(process.env);
  const tokens = new TokenService(config.jwtSecret);

  let running: RunningApp | null = null;
  let embedded: EmbeddedPostgresHandle | null = null;
  let baseUrl = values.url ?? process.env.DEMO_URL;
  if (!baseUrl) {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir);
      databaseUrl = embedded.url;
    }
    running = await createApp({ ...config, logLevel: 'warn' }, databaseUrl);
    await running.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(running.app.getHttpServer().address() as AddressInfo).port}`;
  }

  const call = async (as: string[], method: string, path: string, body?: unknown, key?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokens.sign({ sub: as[0], roles: as.slice(1), name: as[0] })}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const client: DemoClient = {
    post: (as, path, body, key) => call(as, 'POST', path, body, key),
    get: (as, path) => call(as, 'GET', path),
  };

  try {
    const summary = await loadDemo(client, (line) => process.stdout.write(`demo: ${line}\n`));
    process.stdout.write(`demo: done, ${summary.writes} commands answered (repeats replay their first answer)\n`);
    for (const p of summary.programmes as any[]) {
      if (p?.id) process.stdout.write(`demo: ${p.id}: budget ${p.budgetReporting?.amount} ${p.reportingCurrency}, received ${p.received?.amount}, reserved ${p.reserved?.amount}\n`);
    }
  } finally {
    await running?.close();
    await embedded?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`demo: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
