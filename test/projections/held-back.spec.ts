import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { projections } from '../../projections/index.js';
import { ProjectionRunner, THE_LOG } from '../../projections/runner/runner.js';
import { ChainSequencer } from '../../src/audit/chain-sequencer.js';
import { generateSigningKey } from '../../src/audit/checkpoint.js';
import { eventSchemas } from '../../src/domain/registry.js';
import { HELD_BACK_PAUSE_MS, type EventStore } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/config/embedded-postgres.js';
import { freshDatabase } from '../support/databases.js';

/**
 * A transaction still running holds back what is appended after it (readAll delivers a safe prefix). The
 * followers of the log, woken by every append, must not read the same held-back rows again at every one:
 * after an empty read that an append woke them for, they pause (HELD_BACK_PAUSE_MS) before reading again.
 * Counted here: reads while a transaction holds the log back and appends keep coming, one after another.
 * Without the pause a follower reads about once per append; with it, at most about twice per pause. A
 * follower still held back after its pause waits for the next append, or a while that doubles from the
 * pause up to its poll (a minute here, to count reads): what was held back is found soon after the
 * transaction ends, also when no append follows.
 */

/**
 * On a server of its own: any transaction running anywhere in a cluster holds its log back (transaction ids
 * are the cluster's), and on the test run's shared server other suites' transactions (a rebuild's, say)
 * would hold these followers back for seconds at random.
 */
let server: EmbeddedPostgresHandle | undefined;
const serverDir = mkdtempSync(path.join(os.tmpdir(), 'aid-ledger-held-back-'));
const target = {
  get url(): string {
    return server!.url;
  },
};
beforeAll(async () => {
  server = await startEmbeddedPostgres(serverDir);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(serverDir, { recursive: true, force: true });
});
const metadata = { actor: { id: 'tester', roles: ['admin'] }, correlationId: 'c', causationId: null };
const register = (store: EventStore, id: string) =>
  store.append(`municipality-${id}`, 'no-stream', [{ type: 'MunicipalityRegistered', data: { municipalityId: id, name: `Town ${id}`, oblast: 'Osh', district: null, kind: null, population: null }, metadata }]);

/** Counts a reader's readAll calls. */
function counted(reader: { readAll: EventStore['readAll'] }): { reads: number } {
  const counter = { reads: 0 };
  const readAll = reader.readAll.bind(reader);
  reader.readAll = (options) => {
    counter.reads++;
    return readAll(options);
  };
  return counter;
}

/**
 * Appends `count` events one after another while another transaction holds the log back; answers the reads
 * counted and the time it took. The transaction ends `holdAfterMs` after the last append.
 */
async function appendWhileHeldBack(url: string, store: EventStore, counter: { reads: number }, prefix: string, count: number, holdAfterMs = 0): Promise<{ reads: number; ms: number }> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select pg_current_xact_id()');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the followers have read what was there
    counter.reads = 0;
    const started = performance.now();
    for (let i = 0; i < count; i++) await register(store, `${prefix}-${i}`);
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, holdAfterMs));
    return { reads: counter.reads, ms };
  } finally {
    await holder.query('commit');
    await holder.end();
  }
}

/** The municipalities projection alone on a fresh database, its runner not started yet; `close` stops it and closes its connections. */
async function municipalitiesRunner(pollIntervalMs: number) {
  const url = await freshDatabase(target.url);
  const store = await PostgresEventStore.connect(url, { schemas: eventSchemas, poolSize: 4 });
  const municipalities = projections.filter((p) => p.name === 'municipalities');
  const dataSource = new DataSource({ type: 'postgres', url, entities: municipalities.flatMap((p) => p.entities), synchronize: false, logging: false, extra: { max: 4, options: '-c search_path=read,public' } });
  await dataSource.initialize();
  const runner = new ProjectionRunner(store, dataSource, municipalities, { pollIntervalMs });
  const close = async () => {
    await runner.stop();
    await dataSource.destroy();
    await store.close();
  };
  return { url, store, dataSource, runner, close };
}

/** The hash chain on a fresh database, not started yet; `close` stops it and closes its connections. */
async function chainFollower(pollIntervalMs: number) {
  const url = await freshDatabase(target.url);
  const store = await PostgresEventStore.connect(url, { poolSize: 4 });
  const sequencer = new ChainSequencer(store.pool, generateSigningKey(), { pollIntervalMs, watch: (listener) => store.watch(listener) });
  const close = async () => {
    await sequencer.stop();
    await store.close();
  };
  return { url, store, sequencer, close };
}

/** The chain's size once it holds `size` events, or after 10 s. */
async function chainedSize(sequencer: ChainSequencer, size: number): Promise<number> {
  const until = Date.now() + 10_000;
  while (sequencer.size < size && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return sequencer.size;
}

describe('followers of the log held back by a running transaction', () => {
  it('the projection runner reads again at most about twice per pause, and misses nothing', async () => {
    const { url, store, dataSource, runner, close } = await municipalitiesRunner(60_000);
    const counter = counted(store);
    try {
      await runner.start();
      const { reads, ms } = await appendWhileHeldBack(url, store, counter, 'm', 150);
      expect(reads * HELD_BACK_PAUSE_MS).toBeLessThanOrEqual(3 * ms + 50);
      // Once the transaction ends, every event is projected: found at the next append (here) or the next
      // poll (a minute in this test, to count reads; 200 ms by default).
      await register(store, 'm-after');
      const head = await store.headPosition();
      expect(await runner.waitFor('municipalities', head, 10_000)).toBe(true);
      expect((await dataSource.query(`select count(*)::int as n from read.municipalities`))[0].n).toBe(151);
    } finally {
      await close();
    }
  });

  it('the frontier of the log, where the audit trail\'s pages stop, never passes an event that can still commit', async () => {
    const { url, store, runner, close } = await municipalitiesRunner(50);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await runner.start();
      const { lastPosition: before } = await register(store, 'f-before');
      expect(await runner.waitFor(THE_LOG, before, 10_000)).toBe(true);
      // A transaction that began before the next appends may still append below them.
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()');
      const { lastPosition: committed } = await register(store, 'f-during');
      expect(await runner.waitFor(THE_LOG, committed, 500)).toBe(false);
      expect(runner.checkpoint(THE_LOG)).toBe(before);
      await holder.query('commit');
      const { lastPosition: after } = await register(store, 'f-after');
      expect(await runner.waitFor(THE_LOG, after, 10_000)).toBe(true);
    } finally {
      await holder.end();
      await close();
    }
  });

  it('the hash chain reads again at most about once per pause, and chains everything', async () => {
    const { url, store, sequencer, close } = await chainFollower(60_000);
    const counter = counted(sequencer.log);
    try {
      await sequencer.start();
      const { reads, ms } = await appendWhileHeldBack(url, store, counter, 'c', 150);
      expect(reads * HELD_BACK_PAUSE_MS).toBeLessThanOrEqual(3 * ms + 50);
      // Once the transaction ends, everything is chained: found at the next append (here) or the next poll.
      await register(store, 'c-after');
      expect(await chainedSize(sequencer, 151)).toBe(151);
    } finally {
      await close();
    }
  });

  it('the projection runner finds what a transaction held back soon after it ends, with no append to wake it', async () => {
    const { url, store, runner, close } = await municipalitiesRunner(60_000);
    try {
      await runner.start();
      await appendWhileHeldBack(url, store, counted(store), 'q', 5, 300); // past the pause after the last append
      const head = await store.headPosition();
      // The poll is a minute: only the doubling wait after the held-back reads can find them this soon.
      expect(await runner.waitFor('municipalities', head, 10_000)).toBe(true);
    } finally {
      await close();
    }
  });

  it('so does the hash chain', async () => {
    const { url, store, sequencer, close } = await chainFollower(60_000);
    try {
      await sequencer.start();
      await appendWhileHeldBack(url, store, counted(sequencer.log), 'r', 5, 300);
      expect(await chainedSize(sequencer, 5)).toBe(5);
    } finally {
      await close();
    }
  });
});
