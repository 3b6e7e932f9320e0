import pg from 'pg';
import { eventSchemas } from '../../src/domain/registry.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';

const PAGE = 2000;

/** The read ceiling: the whole log in position order, pages of 2,000 with plain `pg` (jsonb parsed to objects). */
export async function rawOrderedRead(url: string): Promise<{ events: number; eventsPerSecond: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const started = performance.now();
    let last = 0;
    let events = 0;
    for (;;) {
      const { rows } = await c.query({
        name: 'raw-read',
        text: `select position, id, stream_id, stream_version, type, schema_version, data, metadata, effective_on, recorded_at
                 from events where position > $1 order by position limit $2`,
        values: [last, PAGE],
      });
      if (rows.length === 0) break;
      events += rows.length;
      last = rows[rows.length - 1].position;
    }
    return { events, eventsPerSecond: events / ((performance.now() - started) / 1000) };
  } finally {
    await c.end();
  }
}

/** The same read through our store's readAll (safe-prefix check, upcasting, RecordedEvent mapping). */
export async function ourOrderedRead(url: string): Promise<{ events: number; eventsPerSecond: number }> {
  const store = await PostgresEventStore.connect(url, { schemas: eventSchemas, poolSize: 1 });
  try {
    const started = performance.now();
    let from = 1;
    let events = 0;
    for (;;) {
      const batch = await store.readAll({ fromPosition: from, limit: PAGE });
      if (batch.length === 0) break;
      events += batch.length;
      from = batch[batch.length - 1].position + 1;
    }
    return { events, eventsPerSecond: events / ((performance.now() - started) / 1000) };
  } finally {
    await store.close();
  }
}
