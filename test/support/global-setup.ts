import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/config/embedded-postgres'; // no extension: jest loads global setup as CommonJS

/**
 * Starts one embedded PostgreSQL for the whole run (every test file gets its own database in it), and
 * notes whether a server answers at 127.0.0.1:5432 (as on CI), in which case the suites run there too.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'aid-ledger-test-'));
  const embedded = await startEmbeddedPostgres(dataDir);
  (globalThis as any).__AID_LEDGER_EMBEDDED__ = embedded;
  (globalThis as any).__AID_LEDGER_TEST_DIR__ = dataDir; // removed by the teardown (the server's files: hundreds of MB)
  process.env.AID_LEDGER_TEST_EMBEDDED_URL = embedded.url;

  const externalUrl = process.env.AID_LEDGER_TEST_EXTERNAL_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (process.env.AID_LEDGER_TEST_EXTERNAL !== 'off') {
    const client = new pg.Client({ connectionString: externalUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      process.env.AID_LEDGER_TEST_EXTERNAL_URL = externalUrl;
    } catch {
      delete process.env.AID_LEDGER_TEST_EXTERNAL_URL;
      if (process.env.CI) console.warn(`no PostgreSQL answers at ${externalUrl}: suites run on the embedded server only`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
