import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import { ImpactEntryRow, ImpactTotalRow, LedgerBalanceRow, LedgerFactRow, LedgerPostingRow, LedgerProgrammeRow } from './entities.js';
import { entriesFor, factKeysFor, LEDGER_EVENT_TYPES, type Fact } from './postings.js';

const CHUNK = 5000;

/**
 * Recorded times are taken from the events table itself (microseconds; RecordedEvent.recordedAt has
 * milliseconds), so `asOf` cuts postings exactly where it cuts the log.
 *
 * The fund-flow ledger and the impact rollups (postings.ts says what each event posts). Append-only tables
 * of postings and impact entries, each stamped with position and recorded time (reports as of a moment sum
 * them up to it), plus summary tables of today's sums kept in the same transaction (reports of now read those).
 */
export const ledgerProjection: Projection = {
  name: 'ledger',
  entities: [LedgerFactRow, LedgerProgrammeRow, LedgerPostingRow, LedgerBalanceRow, ImpactEntryRow, ImpactTotalRow],
  handles: LEDGER_EVENT_TYPES,
  async apply(events: RecordedEvent[], em: EntityManager) {
    const facts = new Map<string, Fact>();
    const keys = [...new Set(events.flatMap(factKeysFor))];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows: { key: string; data: Fact }[] = await em.query(`select key, data from ledger_facts where key = any($1::text[])`, [keys.slice(i, i + CHUNK)]);
      for (const row of rows) facts.set(row.key, row.data);
    }
    const dirty = new Set<string>();
    const postings: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    const balances = new Map<string, bigint>();
    const impact: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    const totals = new Map<string, bigint>();
    const programmes: unknown[][] = [[], [], [], [], [], [], []];

    for (const event of events) {
      const entries = entriesFor(event, facts);
      for (const [key, fact] of entries.facts) {
        facts.set(key, fact);
        dirty.add(key);
      }
      entries.legs.forEach((l, i) => {
        const row = [event.position, i, event.type, event.recordedAt, l.programmeId, l.book, l.kind, l.account, l.counterAccount, l.municipalityId, l.amount.toString()];
        row.forEach((v, c) => postings[c].push(v));
        const key = JSON.stringify([l.programmeId, l.book, l.kind, l.account, l.counterAccount, l.municipalityId]);
        balances.set(key, (balances.get(key) ?? 0n) + l.amount);
      });
      entries.impact.forEach((x, i) => {
        const row = [event.position, i, event.type, event.recordedAt, x.programmeId, x.field, x.delta.toString(), x.municipalityId, x.oblast, x.priority, x.entityId ?? ''];
        row.forEach((v, c) => impact[c].push(v));
        const key = JSON.stringify([x.programmeId, x.field, x.municipalityId, x.oblast, x.priority]);
        totals.set(key, (totals.get(key) ?? 0n) + x.delta);
      });
      if (entries.programme) {
        const p = entries.programme;
        [p.id, p.currency, p.donorId, p.donorName, p.title, event.position, event.recordedAt].forEach((v, c) => programmes[c].push(v));
      }
    }

    if (postings[0].length > 0) {
      await em.query(
        `insert into ledger_postings (position, leg, "eventType", "recordedAt", "programmeId", book, kind, account, "counterAccount", "municipalityId", amount)
         select u.p, u.l, u.t, e.recorded_at, u.g, u.b, u.k, u.a, u.c, u.m, u.x
         from unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::numeric[]) as u(p, l, t, r, g, b, k, a, c, m, x)
         join public.events e on e.position = u.p`,
        postings,
      );
      const rows = [...balances].map(([key, amount]) => [...JSON.parse(key), amount.toString()]);
      await em.query(
        `insert into ledger_balances ("programmeId", book, kind, account, "counterAccount", "municipalityId", amount)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[])
         on conflict ("programmeId", book, kind, account, "counterAccount", "municipalityId") do update set amount = ledger_balances.amount + excluded.amount`,
        columns(rows, 7),
      );
    }
    if (impact[0].length > 0) {
      await em.query(
        `insert into impact_entries (position, seq, "eventType", "recordedAt", "programmeId", field, delta, "municipalityId", oblast, priority, "entityId")
         select u.p, u.s, u.t, e.recorded_at, u.g, u.f, u.d, u.m, u.o, u.y, u.n
         from unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[], $10::text[], $11::text[]) as u(p, s, t, r, g, f, d, m, o, y, n)
         join public.events e on e.position = u.p`,
        impact,
      );
      const rows = [...totals].map(([key, amount]) => [...JSON.parse(key), amount.toString()]);
      await em.query(
        `insert into impact_totals ("programmeId", field, "municipalityId", oblast, priority, amount)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[])
         on conflict ("programmeId", field, "municipalityId", oblast, priority) do update set amount = impact_totals.amount + excluded.amount`,
        columns(rows, 6),
      );
    }
    if (programmes[0].length > 0) {
      await em.query(
        `insert into ledger_programmes (id, currency, "donorId", "donorName", title, position, "recordedAt")
         select u.i, u.c, u.d, u.n, u.t, u.p, e.recorded_at
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::timestamptz[]) as u(i, c, d, n, t, p, r)
         join public.events e on e.position = u.p
         on conflict (id) do nothing`,
        programmes,
      );
    }
    if (dirty.size > 0) {
      const list = [...dirty];
      for (let i = 0; i < list.length; i += CHUNK) {
        const part = list.slice(i, i + CHUNK);
        await em.query(
          `insert into ledger_facts (key, data) select * from unnest($1::text[], $2::jsonb[]) on conflict (key) do update set data = excluded.data`,
          [part, part.map((k) => JSON.stringify(facts.get(k)))],
        );
      }
    }
  },
};

function columns(rows: unknown[][], n: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: n }, () => []);
  for (const row of rows) row.forEach((v, c) => out[c].push(v));
  return out;
}
