import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { eventSchemas } from '../../src/domain/registry.js';
import type { EventStore, NewEvent, StreamAppend } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { uuidv7 } from '../../src/eventstore/uuid.js';
import { generateLedger } from './ledger.js';
import { closedLoop, type LoadResult } from './stats.js';

/** A sample of real generated events (type, data, metadata, effectiveOn) the append figures all write. */
export async function sampleEvents(count: number, seed: number): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  const collector = {
    async appendMulti(appends: StreamAppend[]) {
      for (const a of appends) events.push(...a.events);
      return { streams: [], lastPosition: 0, events: [] };
    },
  } as unknown as EventStore;
  await generateLedger(collector, { events: count, seed, prefix: 'sample' });
  return events;
}

const RAW_COLUMNS = 'position, id, stream_id, stream_version, type, schema_version, data, metadata, effective_on, recorded_at, tx_id';

/**
 * The physical limit: the same rows written with plain `pg`, into a table shaped like `events` (same columns,
 * primary key, unique constraints and index), with nothing a store adds (no stream table, no version check,
 * no lock, no notification).
 */
export class RawWriter {
  private constructor(
    readonly url: string,
    private readonly events: NewEvent[],
  ) {}

  static async setup(url: string, events: NewEvent[]): Promise<RawWriter> {
    // The event store's migrations create `events`; the raw table copies its shape.
    const store = await PostgresEventStore.connect(url, { poolSize: 1 });
    await store.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop table if exists raw_events; drop sequence if exists raw_events_seq;
      create sequence raw_events_seq as bigint;
      create table raw_events (like events including all);
      alter table raw_events alter column position set default nextval('raw_events_seq'),
        alter column recorded_at set default clock_timestamp(), alter column tx_id set default pg_current_xact_id();`);
    await c.end();
    return new RawWriter(url, events);
  }

  private event(i: number): NewEvent {
    return this.events[i % this.events.length];
  }

  /** One row per transaction (autocommit), `clients` connections. */
  /** `notify`: the same insert plus a pg_notify in its transaction (a diagnostic: why appends send none). */
  async singleRows(clients: number, durationMs: number, options: { notify?: boolean } = {}): Promise<LoadResult> {
    const conns = await connectMany(this.url, clients);
    const insert = `insert into raw_events (${RAW_COLUMNS}) values (nextval('raw_events_seq'), $1, $2, 1, $3, $4, $5, $6, $7, clock_timestamp(), pg_current_xact_id())`;
    try {
      let n = 0;
      return await closedLoop(clients, durationMs, async (w) => {
        const e = this.event(n++);
        await conns[w].query({
          name: options.notify ? 'raw-single-notify' : 'raw-single',
          text: options.notify ? `with ins as (${insert} returning position) select pg_notify('bench_raw', position::text) from ins` : insert,
          values: [uuidv7(), `raw-${randomUUID()}`, e.type, e.schemaVersion ?? 1, JSON.stringify(e.data), JSON.stringify(e.metadata), e.effectiveOn ?? null],
        });
        return 1;
      });
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  }

  /** Batches of `size` rows in one INSERT ... SELECT FROM unnest(...) each (one stream per batch). */
  async unnestBatches(size: number, clients: number, durationMs: number): Promise<LoadResult> {
    const conns = await connectMany(this.url, clients);
    try {
      let n = 0;
      return await closedLoop(clients, durationMs, async (w) => {
        const batch = Array.from({ length: size }, () => this.event(n++));
        const stream = `raw-${randomUUID()}`;
        await conns[w].query({
          name: 'raw-unnest',
          text: `insert into raw_events (${RAW_COLUMNS})
             select nextval('raw_events_seq'), id, $2, v, type, sv, data, meta, eff, clock_timestamp(), pg_current_xact_id()
             from unnest($1::uuid[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::date[]) as u(id, v, type, sv, data, meta, eff)`,
          values: [
            batch.map(() => uuidv7()),
            stream,
            batch.map((_, i) => i + 1),
            batch.map((e) => e.type),
            batch.map((e) => e.schemaVersion ?? 1),
            batch.map((e) => JSON.stringify(e.data)),
            batch.map((e) => JSON.stringify(e.metadata)),
            batch.map((e) => e.effectiveOn ?? null),
          ],
        });
        return size;
      });
    }
    finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  }

  /** COPY ... FROM STDIN (text format) of `rows` rows in one transaction: the bulk-load ceiling. */
  async copy(rows: number): Promise<{ eventsPerSecond: number; seconds: number }> {
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    try {
      const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      const started = performance.now();
      const stream = `raw-copy-${randomUUID()}`;
      const self = this;
      function* lines() {
        let chunk = '';
        for (let i = 0; i < rows; i++) {
          const e = self.event(i);
          chunk += `${uuidv7()}\t${stream}\t${i + 1}\t${esc(e.type)}\t${e.schemaVersion ?? 1}\t${esc(JSON.stringify(e.data))}\t${esc(JSON.stringify(e.metadata))}\t${e.effectiveOn ?? '\\N'}\n`;
          if (chunk.length > 64 * 1024) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      const sink = c.query(copyFrom('copy raw_events (id, stream_id, stream_version, type, schema_version, data, metadata, effective_on) from stdin'));
      await pipeline(Readable.from(lines()), sink);
      const seconds = (performance.now() - started) / 1000;
      return { eventsPerSecond: rows / seconds, seconds };
    } finally {
      await c.end();
    }
  }
}

async function connectMany(url: string, n: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
}

/** The peer: Emmett's PostgreSQL event store on the same database, appending the same events. */
export class PeerWriter {
  private constructor(
    private readonly store: ReturnType<typeof getPostgreSQLEventStore>,
    private readonly pool: pg.Pool,
    private readonly events: NewEvent[],
  ) {}

  static async setup(url: string, events: NewEvent[], poolSize: number): Promise<PeerWriter> {
    // Emmett (dumbo) sets pg's global type parsers (int8 -> BigInt, its own JSON); our store and the raw
    // figures rely on the defaults, so the globals are put back and Emmett's pool gets its parsers of its own.
    const saved = [20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid)] as const);
    const emmettTypes = {
      getTypeParser: (oid: number, format?: any) =>
        oid === 20 ? (v: string) => BigInt(v) : oid === 114 || oid === 3802 ? (v: string) => JSON.parse(v) : pg.types.getTypeParser(oid, format),
    };
    const pool = new pg.Pool({ connectionString: url, max: poolSize, types: emmettTypes as any });
    const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
    await store.schema.migrate();
    for (const [oid, parser] of saved) pg.types.setTypeParser(oid, parser);
    return new PeerWriter(store, pool, events);
  }

  private toEmmett(e: NewEvent) {
    return { type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as Record<string, unknown> };
  }

  /** One event per append, each to a new stream (expected version 0: the stream must not exist). */
  async singleAppends(clients: number, durationMs: number): Promise<LoadResult> {
    let n = 0;
    return closedLoop(clients, durationMs, async () => {
      const e = this.events[n++ % this.events.length];
      await this.store.appendToStream(`peer-${randomUUID()}`, [this.toEmmett(e)], { expectedStreamVersion: 0n });
      return 1;
    });
  }

  async batches(size: number, clients: number, durationMs: number): Promise<LoadResult> {
    let n = 0;
    return closedLoop(clients, durationMs, async () => {
      const batch = Array.from({ length: size }, () => this.toEmmett(this.events[n++ % this.events.length]));
      await this.store.appendToStream(`peer-${randomUUID()}`, batch, { expectedStreamVersion: 0n });
      return size;
    });
  }

  async close(): Promise<void> {
    await this.store.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

/** Our event store (PostgresEventStore through the EventStore port), the same appends. */
export class OurWriter {
  private constructor(
    readonly store: PostgresEventStore,
    private readonly events: NewEvent[],
  ) {}

  static async setup(url: string, events: NewEvent[], poolSize: number): Promise<OurWriter> {
    const store = await PostgresEventStore.connect(url, { schemas: eventSchemas, poolSize });
    return new OurWriter(store, events);
  }

  async singleAppends(clients: number, durationMs: number): Promise<LoadResult> {
    let n = 0;
    return closedLoop(clients, durationMs, async () => {
      const e = this.events[n++ % this.events.length];
      await this.store.append(`ours-${randomUUID()}`, 'no-stream', [e]);
      return 1;
    });
  }

  async batches(size: number, clients: number, durationMs: number): Promise<LoadResult> {
    let n = 0;
    return closedLoop(clients, durationMs, async () => {
      const batch = Array.from({ length: size }, () => this.events[n++ % this.events.length]);
      await this.store.append(`ours-${randomUUID()}`, 'no-stream', batch);
      return size;
    });
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
