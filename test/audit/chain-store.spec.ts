import pg from 'pg';
import { ChainStore, type EventLogReader } from '../../src/audit/chain-store.js';
import { chainHashes, eventHash } from '../../src/audit/hashing.js';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';

const metadata = { actor: { id: 'officer-1', roles: ['programme-officer'] }, correlationId: 'c-1', causationId: null };
const scored = (score: number): NewEvent => ({ type: 'ApplicationScored', data: { score, comment: `score ${score}` }, metadata });

/** A reader that shows the log with one change an attacker with database access could make. */
function tampered(log: EventLogReader, change: (events: RecordedEvent[]) => RecordedEvent[]): EventLogReader {
  return { readAll: async (options) => change(await log.readAll(options)) };
}

const target = testTargets()[0];

/** Extends the chain until `wanted` more events are chained (or 10 s passed); answers how many were. */
async function extendUntil(chain: ChainStore, log: EventLogReader, wanted: number): Promise<number> {
  let added = 0;
  const until = Date.now() + 10_000;
  while (added < wanted && Date.now() < until) {
    added += (await chain.extend(log, 10)).added;
    if (added < wanted) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return added;
}

describe(`ChainStore (${target.name} PostgreSQL)`, () => {
  let store: PostgresEventStore;
  let chain: ChainStore;
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase(target.url);
    store = await PostgresEventStore.connect(url);
    chain = new ChainStore(store.pool);
    await chain.init();
    await chain.init(); // idempotent
    for (let i = 0; i < 25; i++) await store.append(`application-${i % 4}`, 'any', [scored(i)]);
  });

  afterAll(async () => {
    await store.close();
  });

  it('chains the whole log in batches, and the stored hashes are the chain of the events as read', async () => {
    expect(await chain.head()).toEqual({ position: 0, hash: '0'.repeat(64) });
    const [first, second] = await Promise.all([chain.extend(store, 10), chain.extend(store, 10)]); // two chainers at once
    // The log holds back committed events while an older transaction anywhere on the server (another test's)
    // runs: chaining goes on until that has passed. Two chainers never chain an event twice.
    const added = first.added + second.added + (await extendUntil(chain, store, 25 - first.added - second.added));
    expect(added).toBe(25);
    const events = await store.readAll({ limit: 100 });
    const hashes = chainHashes(events);
    expect(await chain.head()).toEqual({ position: 25, hash: hashes[24] });
    expect((await chain.hashesOf([1, 25])).get(25)).toBe(hashes[24]);

    await store.append('application-9', 'any', [scored(99)]);
    expect(await extendUntil(chain, store, 1)).toBe(1);
    expect(await chain.head()).toMatchObject({ position: 26 });
    expect((await chain.extend(store)).added).toBe(0);
  });

  it('verifies an untouched log', async () => {
    const head = await chain.head();
    expect(await chain.verify(store, 7)).toEqual({ valid: true, eventsChecked: 26, headPosition: 26, headHash: head.hash });
  });

  it('finds an altered, a removed and an unchained event', async () => {
    const altered = tampered(store, (events) => events.map((e) => (e.position === 7 ? { ...e, data: { score: 100, comment: 'fixed' } } : e)));
    expect(await chain.verify(altered, 5)).toMatchObject({ valid: false, firstInvalidPosition: 7, eventsChecked: 6 });
    const removed = tampered(store, (events) => events.filter((e) => e.position !== 12));
    expect(await chain.verify(removed, 5)).toMatchObject({ valid: false, firstInvalidPosition: 12 });
    const removedAtBatchEdge = tampered(store, (events) => events.filter((e) => e.position !== 10));
    expect(await chain.verify(removedAtBatchEdge, 5)).toMatchObject({ valid: false, firstInvalidPosition: 10 });

    // An event with no stored hash below the head: slipped in after the chainer passed.
    const { rows } = await store.pool.query(`delete from event_hashes where position = 18 returning position, hash`);
    try {
      expect(await chain.verify(store, 5)).toMatchObject({ valid: false, firstInvalidPosition: 18 });
    } finally {
      await store.pool.query('insert into event_hashes (position, hash) values ($1, $2)', [rows[0].position, rows[0].hash]);
    }
    expect((await chain.verify(store)).valid).toBe(true);
  });

  it('finds an event edited inside the database', async () => {
    const client = new pg.Client({ connectionString: (store.pool as any).options.connectionString });
    await client.connect();
    try {
      // What someone with owner rights could do: switch off the append-only trigger and edit.
      await client.query('alter table events disable trigger events_no_update');
      await client.query(`grant update on events to current_user`);
      await client.query(`update events set data = jsonb_set(data, '{score}', '100') where position = 15`);
      expect(await chain.verify(store)).toMatchObject({ valid: false, firstInvalidPosition: 15 });
    } finally {
      await client.end();
    }
  });

  it('answers after one transaction when a batch comes back short (no second look at an empty log)', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    let transactions = 0;
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as any).query = (...args: unknown[]) => {
        if (args[0] === 'begin') transactions++;
        return query(...args);
      };
    });
    const counted = new ChainStore(pool);
    try {
      await store.append('application-8', 'any', [scored(1), scored(2), scored(3)]);
      let added = 0;
      for (let tries = 0; added === 0 && tries < 500; tries++) {
        transactions = 0;
        const result = await counted.extend(store, 10);
        added = result.added;
        if (added > 0) {
          expect(transactions).toBe(1);
          expect(result.head).toEqual(await counted.head());
        } else await new Promise((resolve) => setTimeout(resolve, 20)); // held back by another test's transaction
      }
      expect(added).toBeGreaterThan(0);
      await extendUntil(chain, store, 3 - added);
      expect((await chain.head()).position).toBe(29);
    } finally {
      await pool.end();
    }
  });
  it('looks at the log before taking the lock: a round with nothing to chain opens no transaction, and a head moved by another chainer is read again', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    let transactions = 0;
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as any).query = (...args: unknown[]) => {
        if (args[0] === 'begin') transactions++;
        return query(...args);
      };
    });
    const mine = new ChainStore(pool);
    const other = new ChainStore(store.pool);
    try {
      await mine.extend(store, 10); // learns the head
      const head = await chain.head();
      transactions = 0;
      expect(await mine.extend(store, 10)).toEqual({ added: 0, head });
      expect(transactions).toBe(0);

      // Another chainer chains two new events; this one still remembers the old head.
      await store.append('application-7', 'any', [scored(5), scored(6)]);
      expect(await extendUntil(other, store, 2)).toBe(2);
      await store.append('application-7', 'any', [scored(7)]);
      let added = 0;
      for (let tries = 0; added === 0 && tries < 500; tries++) {
        added = (await mine.extend(store, 10)).added;
        if (added === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(added).toBe(1); // only the event the other chainer had not chained
      // The new event is chained once, onto the hash the other chainer stored (an earlier test edited an
      // event in the database, so the chain is compared link by link, not recomputed from the start).
      const events = await store.readAll({ limit: 1000 });
      const last = events[events.length - 1];
      const stored = await chain.hashesOf([last.position - 1, last.position]);
      expect(await chain.head()).toEqual({ position: last.position, hash: eventHash(stored.get(last.position - 1)!, last) });
      expect(stored.size).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
