import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';

export interface TestTarget {
  name: 'embedded' | 'external';
  url: string;
}

/** The PostgreSQL servers this run tests against: always the embedded one, and 127.0.0.1:5432 when it answers. */
export function testTargets(): TestTarget[] {
  const targets: TestTarget[] = [];
  const embedded = process.env.AID_LEDGER_TEST_EMBEDDED_URL;
  if (!embedded) throw new Error('the jest global setup did not start the embedded PostgreSQL');
  targets.push({ name: 'embedded', url: embedded });
  const external = process.env.AID_LEDGER_TEST_EXTERNAL_URL;
  if (external) targets.push({ name: 'external', url: external });
  return targets;
}

/** A new, empty database on the target's server; its URL. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `al_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A TypeORM data source on a new database of the target's server, with the tables of `entities` made. */
export async function freshDataSource(target: TestTarget, entities: Function[]): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url: await freshDatabase(target.url), entities, synchronize: true, logging: false });
  return dataSource.initialize();
}

export async function dropTestDatabases(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`select datname from pg_database where datname like 'al\\_test\\_%'`);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await client.end();
  }
}
