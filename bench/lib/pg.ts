import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/config/embedded-postgres.js';

export interface BenchDatabase {
  /** The server the bench runs on (DATABASE_URL, or an embedded one in a temp dir). */
  serverUrl: string;
  embedded: boolean;
  /** A fresh database on that server (dropped at the end), or the server's own database when none can be made. */
  create(name: string): Promise<string>;
  version(): Promise<string>;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function startBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL ?? '';
  let stop = async () => undefined as void;
  let embedded = false;
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aid-ledger-bench-'));
    log(`starting an embedded PostgreSQL in ${dir}`);
    const handle = await startEmbeddedPostgres(dir);
    serverUrl = handle.url;
    embedded = true;
    stop = async () => {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const created: string[] = [];
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    serverUrl,
    embedded,
    async create(name: string) {
      const db = `bench_${name}_${process.pid}`;
      try {
        await admin(async (c) => {
          await c.query(`drop database if exists ${db}`);
          await c.query(`create database ${db}`);
        });
        created.push(db);
        return withDatabase(serverUrl, db);
      } catch (error) {
        log(`could not create database ${db} (${(error as Error).message}); using the server's database`);
        return serverUrl;
      }
    },
    version: () => admin(async (c) => (await c.query('show server_version')).rows[0].server_version as string),
    async stop() {
      for (const db of created) await admin((c) => c.query(`drop database if exists ${db} with (force)`)).catch(() => undefined);
      await stop();
    },
  };
}
