import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Batch, Projection } from '../runner/projection.js';
import { copyRows } from '../runner/copy.js';
import { ImpactEntryRow, LedgerFactRow, LedgerPostingRow, LedgerProgrammeRow } from './entities.js';
import { entriesFor, factKeysFor, LEDGER_EVENT_TYPES, type Fact } from './postings.js';

/**
 * Recorded times are the events' own to the microsecond (RecordedEvent.recordedAtMicros; recordedAt has
 * milliseconds), so `asOf` cuts postings exactly where it cuts the log. Postings and impact entries are
 * appended with COPY (many narrow rows per batch).
 *
 * The fund-flow ledger and the impact rollups (postings.ts says what each event posts). Append-only tables
 * of postings and impact entries, each stamped with position and recorded time; reports sum them, up to a
 * moment or all of them. There are no tables of today's sums: an account names its grant or facility, so
 * they would hold about three rows for every four postings, at the cost of an upsert per batch and of a
 * grouping of every posting at the end of a rebuild.
 */
export const ledgerProjection: Projection = {
  name: 'ledger',
  version: 4, // 4: facts are json (kept as written), no longer jsonb
  entities: [LedgerFactRow, LedgerProgrammeRow, LedgerPostingRow, ImpactEntryRow],
  appendOnly: [LedgerPostingRow, ImpactEntryRow],
  handles: LEDGER_EVENT_TYPES,
  async apply(events: RecordedEvent[], { em, rows }: Batch) {
    await rows.load(em, LedgerFactRow, events.flatMap(factKeysFor));
    const facts = { get: (key: string) => rows.get(LedgerFactRow, key)?.data as Fact | undefined };
    const postings = new Columns(['position', 'leg', 'eventType', 'recordedAt', 'programmeId', 'book', 'kind', 'account', 'counterAccount', 'municipalityId', 'amount']);
    const impact = new Columns(['position', 'seq', 'eventType', 'recordedAt', 'programmeId', 'field', 'delta', 'municipalityId', 'oblast', 'priority', 'entityId']);
    const programmes = new Columns(['id', 'currency', 'donorId', 'donorName', 'title', 'position', 'recordedAt']);

    for (const event of events) {
      const entries = entriesFor(event, facts);
      for (const [key, data] of entries.facts) rows.put(LedgerFactRow, { key, data });
      for (let i = 0; i < entries.legs.length; i++) {
        const l = entries.legs[i];
        postings.push(event.position, i, event.type, event.recordedAtMicros, l.programmeId, l.book, l.kind, l.account, l.counterAccount, l.municipalityId, l.amount);
      }
      for (let i = 0; i < entries.impact.length; i++) {
        const x = entries.impact[i];
        impact.push(event.position, i, event.type, event.recordedAtMicros, x.programmeId, x.field, x.delta, x.municipalityId, x.oblast, x.priority, x.entityId ?? '');
      }
      const p = entries.programme;
      if (p) programmes.push(p.id, p.currency, p.donorId, p.donorName, p.title, event.position, event.recordedAtMicros);
    }

    await copyRows(em, LedgerPostingRow, postings.byName());
    await copyRows(em, ImpactEntryRow, impact.byName());
    if (programmes.length > 0) {
      await em.query(
        `insert into ledger_programmes (id, currency, "donorId", "donorName", title, position, "recordedAt")
         select u.i, u.c, u.d, u.n, u.t, u.p, timestamptz 'epoch' + u.us * interval '1 microsecond'
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[]) as u(i, c, d, n, t, p, us)
         on conflict (id) do nothing`,
        programmes.values,
      );
    }
  },
};

/** Rows gathered column by column (as `unnest` and `copyRows` take them); `push` takes a row's values in column order. */
class Columns {
  readonly values: unknown[][];
  constructor(readonly names: readonly string[]) {
    this.values = names.map(() => []);
  }
  get length(): number {
    return this.values[0].length;
  }
  push(...row: unknown[]): void {
    for (let c = 0; c < row.length; c++) this.values[c].push(row[c]);
  }
  byName(): Record<string, unknown[]> {
    return Object.fromEntries(this.names.map((name, c) => [name, this.values[c]]));
  }
}
