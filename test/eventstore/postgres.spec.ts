import pg from 'pg';
import { PostgresEventStore, READ_ALL_SQL, READ_STREAMS_SQL } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';
import { eventStoreContract, settled } from './contract.js';
import { migrations } from '../../src/eventstore/postgres/migrations.js';
import { WrongExpectedVersion } from '../../src/eventstore/port.js';

for (const target of testTargets()) {
  eventStoreContract(`postgres (${target.name})`, async () => PostgresEventStore.connect(await freshDatabase(target.url)));

  describe(`PostgreSQL events table (${target.name})`, () => {
    it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      await store.append('x-1', 'no-stream', [{ type: 'A', data: {}, metadata: { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null } }]);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await expect(client.query(`update events set data = '{"forged":true}'`)).rejects.toThrow(/append-only/);
        await expect(client.query('delete from events')).rejects.toThrow(/append-only/);
        await expect(client.query('truncate events')).rejects.toThrow(/append-only/);
        expect((await client.query('select count(*)::int as n from events')).rows[0].n).toBe(1);
      } finally {
        await client.end();
        await store.close();
      }
    });

    it('gives the stored time to the microsecond (recordedAtMicros) and cut to milliseconds (recordedAt), appended or read, whatever the time zone of the session', async () => {
      const url = await freshDatabase(target.url);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`alter database ${new URL(url).pathname.slice(1)} set timezone to 'Asia/Bishkek'`);
      const store = await PostgresEventStore.connect(url);
      try {
        const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
        // The three append statements: one event, several, and one-event appends grouped.
        const appended = [
          ...(await store.append('t-1', 'no-stream', [{ type: 'A', data: {}, metadata: meta }])).events,
          ...(await store.append('t-2', 'no-stream', [1, 2, 3].map(() => ({ type: 'A', data: {}, metadata: meta })))).events,
          ...(await Promise.all([3, 4, 5, 6].map((i) => store.append(`t-${i}`, 'no-stream', [{ type: 'A', data: {}, metadata: meta }])))).flatMap((r) => r.events),
        ];
        // Microseconds as text, and the time cut to milliseconds, both by PostgreSQL in UTC.
        const { rows: stored } = await admin.query(
          `select position, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ms,
                  (extract(epoch from recorded_at) * 1000000)::bigint::text as us from events order by position`,
        );
        const read = await settled(() => store.readAll({ fromPosition: 1 }), stored.length);
        const byPosition = new Map(appended.map((e) => [e.position, e]));
        expect(read.map((e) => e.position)).toEqual(stored.map((r) => Number(r.position)));
        for (const [i, row] of stored.entries()) {
          for (const event of [read[i], byPosition.get(Number(row.position))!]) {
            expect(event.recordedAt).toBe(row.ms);
            expect(String(event.recordedAtMicros)).toBe(row.us);
            expect(Number.isSafeInteger(event.recordedAtMicros)).toBe(true);
          }
        }
        // Not all on a whole millisecond (else the test would not tell cutting from rounding).
        expect(stored.some((r) => !r.us.endsWith('000'))).toBe(true);
        const [first] = await store.readStream('t-1');
        expect(first.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(first.recordedAtMicros).toBe(read[0].recordedAtMicros);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it('releases the append lock whatever the append ends in, and records times in position order', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      const idem = { entityStreamId: 'k-1', scope: 's', key: 'same', requestHash: 'h', status: 201, body: {} };
      await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, i) => store.append(`k-${i % 4}`, 'no-stream', [{ type: 'A', data: { i }, metadata: meta }])),
        ...Array.from({ length: 4 }, () => store.append('k-idem', 'any', [{ type: 'B', data: {}, metadata: meta }], idem)),
      ]);
      const { rows: locks } = await store.pool.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 7361042002 % 4294967296`);
      expect(locks[0].n).toBe(0);
      const { rows } = await store.pool.query('select position, recorded_at from events order by position');
      expect(rows.length).toBe(5); // one per stream k-0..k-3, and the idempotent append once
      for (let i = 1; i < rows.length; i++) expect(rows[i].recorded_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].recorded_at.getTime());
      await store.close();
    });

    it('reads several streams by index, never by scanning the events table (with statistics or without)', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      for (let b = 0; b < 30; b++) {
        await store.appendMulti(Array.from({ length: 10 }, (_, s) => ({ streamId: `r-${b}-${s}`, expectedVersion: 'no-stream' as const, events: Array.from({ length: 10 }, () => ({ type: 'A', data: {}, metadata: meta })) })));
      }
      const client = new pg.Client({ connectionString: url, options: '-c plan_cache_mode=force_generic_plan' });
      await client.connect();
      const scans = (node: any): string[] => [
        ...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name']] : []),
        ...(node.Plans ?? []).flatMap(scans),
      ];
      try {
        await client.query(`prepare read_streams(text[], int[]) as ${READ_STREAMS_SQL}`);
        for (const analyzed of [false, true]) {
          if (analyzed) await client.query('analyze events');
          const { rows } = await client.query(`explain (format json) execute read_streams('{r-1-1,r-2-2,r-29-9}', '{1,5,1}')`);
          expect(scans(rows[0]['QUERY PLAN'][0].Plan)).not.toContain('events');
        }
        const read = await store.readStreams([{ streamId: 'r-1-1' }, { streamId: 'r-2-2', fromVersion: 5 }, { streamId: 'r-29-9' }]);
        expect([...read.values()].map((events) => events.map((e) => e.streamVersion))).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
      } finally {
        await client.end();
        await store.close();
      }
    });

    it('reads concurrent stream reads together, each getting exactly the streams and versions it asked for', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url, { poolSize: 8 });
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      await store.appendMulti(Array.from({ length: 10 }, (_, s) => ({ streamId: `s-${s}`, expectedVersion: 'no-stream' as const, events: Array.from({ length: 5 }, (_, v) => ({ type: 'A', data: { s, v }, metadata: meta })) })));
      let statements = 0;
      const query = store.pool.query.bind(store.pool) as (...args: any[]) => any;
      (store.pool as any).query = (config: any, ...rest: unknown[]) => {
        if (config?.name === 'read-streams') statements++;
        return query(config, ...rest);
      };
      try {
        // Reads of overlapping streams from different versions, a stream asked for twice in one read, a stream
        // that does not exist, and single-stream reads, all at once.
        const asks = Array.from({ length: 40 }, (_, i) => [
          { streamId: `s-${i % 10}`, fromVersion: 1 + (i % 5) },
          { streamId: `s-${(i * 3) % 10}`, fromVersion: 1 + ((i * 7) % 6) },
          ...(i % 4 === 0 ? [{ streamId: `s-${(i * 3) % 10}`, fromVersion: 2 }] : []),
          ...(i % 9 === 0 ? [{ streamId: 'missing' }] : []),
        ]);
        const [reads, singles] = await Promise.all([
          Promise.all(asks.map((ask) => store.readStreams(ask))),
          Promise.all(Array.from({ length: 10 }, (_, i) => store.readStream(`s-${i}`, { fromVersion: i % 6 }))),
        ]);
        const versions = (streamId: string, from: number) => (streamId === 'missing' ? [] : [1, 2, 3, 4, 5].filter((v) => v >= from));
        asks.forEach((ask, i) => {
          const expected = new Map<string, number>();
          for (const a of ask) expected.set(a.streamId, Math.min(expected.get(a.streamId) ?? Infinity, a.fromVersion ?? 1));
          expect([...reads[i].keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [streamId, from] of expected) {
            const events = reads[i].get(streamId)!;
            expect(events.map((e) => e.streamVersion)).toEqual(versions(streamId, from));
            expect(events.every((e) => e.streamId === streamId && (e.data as any).v === e.streamVersion - 1)).toBe(true);
          }
        });
        singles.forEach((events, i) => expect(events.map((e) => e.streamVersion)).toEqual(versions(`s-${i}`, i % 6)));
        // They went in groups: fewer statements than reads.
        expect(statements).toBeLessThan(50);
        expect(statements).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });

    it('keeps a read PostgreSQL rejects from failing the others of its group', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url, { poolSize: 4 });
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      await store.appendMulti(Array.from({ length: 5 }, (_, s) => ({ streamId: `q-${s}`, expectedVersion: 'no-stream' as const, events: [{ type: 'A', data: { s }, metadata: meta }] })));
      // A text parameter with a NUL character is refused by PostgreSQL.
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.readStream(i === 13 ? 'q-\u0000' : `q-${i % 5}`)));
      try {
        outcomes.forEach((o, i) => {
          if (i === 13) {
            expect(o.status).toBe('rejected');
          } else {
            expect(o.status).toBe('fulfilled');
            expect((o as PromiseFulfilledResult<any[]>).value.map((e) => [e.streamId, e.data.s])).toEqual([[`q-${i % 5}`, i % 5]]);
          }
        });
        // The store goes on reading.
        expect((await store.readStream('q-1')).length).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('writes concurrent one-event appends together, answering and refusing each on its own', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url, { poolSize: 8 });
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      const e = (i: number) => ({ type: 'A', data: { i }, metadata: meta });
      for (let i = 0; i < 10; i++) await store.append(`old-${i}`, 'no-stream', [e(-1)]);
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 60 }, (_, i) => store.append(`new-${i}`, 'no-stream', [e(i)])),
        // Right and wrong expectations of existing streams, and two creators racing for each of ten streams.
        ...Array.from({ length: 10 }, (_, i) => store.append(`old-${i}`, i % 2 === 0 ? 1 : 'no-stream', [e(100 + i)])),
        ...Array.from({ length: 20 }, (_, i) => store.append(`race-${i % 10}`, 'no-stream', [e(200 + i)])),
      ]);
      const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<any>).value);
      const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
      expect(ok).toHaveLength(60 + 5 + 10);
      expect(refused).toHaveLength(5 + 10);
      expect(refused.every((r) => r instanceof WrongExpectedVersion)).toBe(true);
      // Every answer is what the table holds.
      const { rows } = await store.pool.query('select position, stream_id, stream_version, tx_id from events where position > 10 order by position');
      expect(rows).toHaveLength(75);
      const byPosition = new Map(rows.map((r) => [Number(r.position), r]));
      for (const result of ok) {
        const [event] = result.events;
        expect(byPosition.get(event.position)).toMatchObject({ stream_id: event.streamId, stream_version: event.streamVersion });
        expect(result.streams).toEqual([{ streamId: event.streamId, version: event.streamVersion }]);
      }
      // They went in groups: fewer transactions than appends.
      expect(new Set(rows.map((r) => r.tx_id)).size).toBeLessThan(75);
      await store.close();
    });

    it('keeps an append PostgreSQL rejects from failing the others of its group', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url, { poolSize: 4 });
      // Notes which statements PostgreSQL rejected, on the store's own connections.
      const failed: string[] = [];
      const connect = store.pool.connect.bind(store.pool) as (callback?: unknown) => any;
      (store.pool as any).connect = async (callback?: unknown) => {
        if (callback) return connect(callback); // pool.query's own use
        const client: any = await connect();
        if (!client.noted) {
          const query = client.query.bind(client);
          client.query = async (config: any, ...rest: unknown[]) => {
            try {
              return await query(config, ...rest);
            } catch (error) {
              failed.push(config?.name ?? 'unnamed');
              throw error;
            }
          };
          client.noted = true;
        }
        return client;
      };
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => store.append(`g-${i}`, 'no-stream', [{ type: 'A', data: { i }, metadata: meta, effectiveOn: i === 17 ? '2024-02-30' : '2024-02-28' }])),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 30 }, (_, i) => (i === 17 ? 'rejected' : 'fulfilled')));
      expect(String((outcomes[17] as PromiseRejectedResult).reason)).toMatch(/date/);
      const { rows } = await store.pool.query('select stream_id from events order by position');
      expect(rows.map((r) => r.stream_id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `g-${i}`).filter((id) => id !== 'g-17').sort());
      // The rejected one failed its group's statement, then its own: nothing else failed.
      expect(failed).toEqual(['append-group', 'append-one']);
      await store.close();
    });

    it('gives a smaller position to a smaller transaction id, whatever the concurrency (what readAll relies on)', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url, { poolSize: 16 });
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      const e = { type: 'A', data: {}, metadata: meta };
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; i < 40; i++) {
            if (i % 3 === 0) await store.appendMulti([{ streamId: `w${w}-${i}-a`, expectedVersion: 'no-stream', events: [e, e] }, { streamId: `w${w}-${i}-b`, expectedVersion: 'any', events: [e] }]);
            else await store.append(`w${w}-${i}`, 'no-stream', [e]);
          }
        }),
      );
      const { rows } = await store.pool.query(`select count(*)::int as n, count(*) filter (where tx_id < previous)::int as out_of_order
        from (select tx_id, lag(tx_id) over (order by position) as previous from events) as log`);
      expect(rows[0]).toEqual({ n: 16 * 40 + 16 * 14 * 2, out_of_order: 0 });
      await store.close();
    });

    it('delivers events copied over from another server (pg_restore), whose transaction ids this one has not reached', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      try {
        await store.append('here-1', 'no-stream', [{ type: 'A', data: {}, metadata: meta }]);
        // A row as a logical restore writes it: the transaction id it had on the server it came from.
        await store.pool.query(
          `insert into events (position, id, stream_id, stream_version, type, schema_version, data, metadata, effective_on, recorded_at, tx_id)
           values (nextval('events_position_seq'), gen_random_uuid(), 'restored-1', 1, 'A', 1, '{}', $1, null, clock_timestamp(),
                   (pg_current_xact_id()::text::bigint + 1000000)::text::xid8)`,
          [JSON.stringify(meta)],
        );
        await store.append('here-2', 'no-stream', [{ type: 'A', data: {}, metadata: meta }]);
        const log = await settled(() => store.readAll({ fromPosition: 1 }), 3);
        expect(log.map((e) => [e.position, e.streamId])).toEqual([
          [1, 'here-1'],
          [2, 'restored-1'],
          [3, 'here-2'],
        ]);
      } finally {
        await store.close();
      }
    });

    it('sends no content for events not yet safe, and reads the log by its position index, with statistics or without', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      const meta = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        for (let batch = 0; batch < 10; batch++) {
          await store.appendMulti(Array.from({ length: 20 }, (_, i) => ({ streamId: `s-${batch}-${i}`, expectedVersion: 'no-stream' as const, events: Array.from({ length: 100 }, () => ({ type: 'A', data: { i }, metadata: meta })) })));
        }
        for (const analyzed of [false, true]) {
          if (analyzed) await store.pool.query('analyze events');
          const { rows } = await store.pool.query(`explain (format json) ${READ_ALL_SQL}`, [1, 2000, null]);
          const plan = JSON.stringify(rows[0]['QUERY PLAN']);
          expect(plan).toContain('"Index Name":"events_pkey"');
          expect(plan).not.toContain('"Node Type":"Sort"');
        }
        // A transaction holding an id keeps what is appended after it from being safe until it ends.
        await other.query('begin');
        await other.query('select pg_current_xact_id()');
        await store.append('late-1', 'no-stream', [{ type: 'A', data: { late: true }, metadata: meta }]);
        const { rows: held } = await store.pool.query(READ_ALL_SQL, [20_001, 10, null]);
        expect(held).toEqual([{ position: 20_001, safe: false, id: null, stream_id: null, stream_version: null, type: null, schema_version: null, data: null, metadata: null, effective_on: null, recorded_us: null }]);
        expect(await settled(() => store.readAll({ fromPosition: 20_000 }), 1)).toEqual([expect.objectContaining({ position: 20_000 })]);
        await other.query('commit');
        expect((await settled(() => store.readAll({ fromPosition: 20_001 }), 1)).map((e) => [e.position, e.streamId, e.data])).toEqual([[20_001, 'late-1', { late: true }]]);
      } finally {
        await other.end();
        await store.close();
      }
    });

    it('indexes the entities each event names, whatever shape its data has (event_entity_refs)', async () => {
      const url = await freshDatabase(target.url);
      const store = await PostgresEventStore.connect(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const refs = async (data: unknown) => [...new Set<string>((await client.query('select event_entity_refs($1::jsonb) as refs', [JSON.stringify(data)])).rows[0].refs)].sort();
        // Top-level strings named …Id, target.id and donor.id, each once; not ids local to a plan or bookkeeping keys.
        expect(await refs({ grantId: 'g1', planId: 'p1', activityId: 'a1', reservationId: 'r1', awardId: 'w1', amount: '5', target: { kind: 'grant', id: 'g1' }, donor: { id: 'd1', name: 'D' } })).toEqual(['d1', 'g1', 'p1']);
        // Nothing else: numbers, nulls, empty strings, nested ids, fields that merely contain Id.
        expect(await refs({ countId: 3, planId: null, grantId: '', nested: { grantId: 'g2' }, Identity: 'x', target: { id: 7 }, donor: 'd2' })).toEqual([]);
        // Data that is not an object is appended and names nothing.
        for (const data of [[1, 'planId'], 'planId', 42, null]) expect(await refs(data)).toEqual([]);
        const actor = { actor: { id: 'a', roles: [] }, correlationId: 'c', causationId: null };
        await store.append('x-1', 'no-stream', [
          { type: 'A', data: ['not', 'an', 'object'], metadata: actor },
          { type: 'B', data: { grantId: 'g9', target: { id: 't9' } }, metadata: actor },
        ]);
        await client.query('set enable_seqscan = off');
        const { rows } = await client.query(`select position::int from events where event_entity_refs(data) ? 't9'`);
        expect(rows).toEqual([{ position: 2 }]);
        const plan = (await client.query(`explain select position from events where event_entity_refs(data) ? 't9'`)).rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toContain('events_entity_refs_idx');
      } finally {
        await client.end();
        await store.close();
      }
    });

    it('runs its migrations once, also when two services start together', async () => {
      const url = await freshDatabase(target.url);
      const [a, b] = await Promise.all([PostgresEventStore.connect(url), PostgresEventStore.connect(url)]);
      const { rows } = await a.pool.query('select version from schema_migrations order by version');
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
      await a.close();
      await b.close();
    });
  });
}
