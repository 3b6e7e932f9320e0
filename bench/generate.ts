import { parseArgs } from 'node:util';
import { eventSchemas } from '../src/domain/registry.js';
import { PostgresEventStore } from '../src/eventstore/postgres/store.js';
import { generateLedger } from './lib/ledger.js';

/**
 * `npm run bench:generate -- --events N --seed S [--prefix P]` writes a generated ledger of about N events
 * into the database at DATABASE_URL (through the event store, so migrations are applied first).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      prefix: { type: 'string' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required (a postgres:// URL of the database to fill)');
    process.exit(2);
  }
  const events = Number(values.events);
  const seed = Number(values.seed);
  if (!Number.isInteger(events) || events < 1 || !Number.isInteger(seed)) {
    console.error('--events must be a positive integer and --seed an integer');
    process.exit(2);
  }
  const store = await PostgresEventStore.connect(url, { schemas: eventSchemas, poolSize: 2 });
  try {
    const summary = await generateLedger(store, { events, seed, prefix: values.prefix, concurrency: Number(values.concurrency), log: (l) => console.log(l) });
    console.log(
      `generated ${summary.events} events (${summary.commands} commands, ${summary.programmes} programmes, ${summary.municipalities} municipalities) ` +
        `in ${summary.seconds.toFixed(1)} s with ${summary.appendCalls} appends: ${Math.round(summary.events / summary.seconds)} events/s`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
