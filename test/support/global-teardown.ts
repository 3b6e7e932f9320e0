import { rmSync } from 'node:fs';
import pg from 'pg';
import { dropTestDatabases } from './databases'; // no extension: jest loads global teardown as CommonJS

export default async function globalTeardown(): Promise<void> {
  const external = process.env.AID_LEDGER_TEST_EXTERNAL_URL;
  if (external) await dropTestDatabases(external).catch(() => undefined);
  await (globalThis as any).__AID_LEDGER_EMBEDDED__?.stop();
  const dir = (globalThis as any).__AID_LEDGER_TEST_DIR__;
  if (dir) rmSync(dir, { recursive: true, force: true });
  void pg;
}
