import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { generateLedger } from '../../bench/lib/ledger.js';
import { ledgerProjection } from '../../projections/ledger/projection.js';
import { projections } from '../../projections/index.js';
import { ProjectionRunner, THE_LOG } from '../../projections/runner/runner.js';
import { entityPositionsSql } from '../../src/audit/entity-index.js';
import { eventSchemas } from '../../src/domain/registry.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { ReadFreshness } from '../../src/api/common/reads.js';
import { AppSettings } from '../../src/api/tokens.js';
import { freshDatabase, testTargets } from '../support/databases.js';

/** The audit trail's rule (src/audit/entity-index.ts) written again in TypeScript, as the oracle its SQL is checked against. */
const CATEGORIES = ['award-facility-', 'award-grant-', 'grant-call-', 'co-funding-', 'municipality-', 'disbursement-', 'application-', 'commission-', 'programme-', 'facility-', 'evidence-', 'result-', 'plan-'];
const NOT_ENTITIES = new Set(['activityId', 'reservationId', 'awardId']);
const streamEntity = (streamId: string) => {
  const category = CATEGORIES.find((c) => streamId.startsWith(c));
  return category ? streamId.slice(category.length) : streamId;
};
const namedEntities = (data: any): string[] => {
  const ids: string[] = [];
  const add = (value: unknown) => typeof value === 'string' && value && !ids.includes(value) && ids.push(value);
  if (data && typeof data === 'object') {
    for (const field of Object.keys(data)) if (field.endsWith('Id') && !NOT_ENTITIES.has(field)) add(data[field]);
    add(data.target?.id);
    add(data.donor?.id);
  }
  return ids;
};

/**
 * Rebuilds over a realistic ledger (the bench's generator, which drives the real write handlers): the
 * rebuild's own path (its batches, the rows it keeps between them, indexes built at the end) must give
 * exactly the rows the live path gave, and the comparison must show a difference when there is one.
 */
for (const target of testTargets()) {
  describe(`projection rebuild (${target.name})`, () => {
    let store: PostgresEventStore;
    let dataSource: DataSource;
    let runner: ProjectionRunner;

    const caughtUp = async () => {
      for (let i = 0; i < 600; i++) {
        const status = await runner.status();
        if (status.every((s) => s.lag === 0)) return;
        const failed = status.find((s) => s.status === 'failed');
        if (failed) throw new Error(`${failed.name} failed: ${failed.error}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the projections did not catch up');
    };
    const register = (id: string) =>
      store.append(`municipality-${id}`, 'no-stream', [
        { type: 'MunicipalityRegistered', data: { municipalityId: id, name: `Town ${id}`, oblast: 'Osh', district: null, kind: null, population: null }, metadata: { actor: { id: 'tester', roles: ['admin'] }, correlationId: id, causationId: null } },
      ]);

    beforeAll(async () => {
      const url = await freshDatabase(target.url);
      store = await PostgresEventStore.connect(url, { schemas: eventSchemas, poolSize: 4 });
      await generateLedger(store, { events: 3000, seed: 11, prefix: 'r', concurrency: 4 });
      dataSource = new DataSource({ type: 'postgres', url, entities: projections.flatMap((p) => p.entities), synchronize: false, logging: false, extra: { max: 20, options: '-c search_path=read,public' } });
      await dataSource.initialize();
      // Small rebuild batches and few rows kept between them: many batches, rows written back as they go.
      runner = new ProjectionRunner(store, dataSource, projections, { rebuild: { batchSize: 250, rowsHeld: 100 } });
      await runner.start();
      await caughtUp();
    }, 120_000);

    afterAll(async () => {
      await runner?.stop();
      await dataSource?.destroy();
      await store?.close();
    });

    it('rebuilds every read model to the rows the live path built, events appended meanwhile included', async () => {
      await runner.rebuild(runner.names);
      // The status says what each rebuild is doing: filling first, then only ever a later stage.
      const order = ['filling', 'indexing', 'catching-up', 'comparing', 'switching'];
      const seen = new Map<string, string[]>();
      const watch = async () => {
        for (const s of await runner.status()) {
          if (!s.rebuild) continue;
          expect(s.status).toBe('rebuilding');
          const stages = seen.get(s.name) ?? [];
          if (stages.at(-1) !== s.rebuild.status) seen.set(s.name, [...stages, s.rebuild.status]);
        }
      };
      await watch();
      expect([...seen.values()]).toEqual(runner.names.map(() => ['filling']));
      const { lastPosition } = await register('during-rebuild');
      const watching = (async () => {
        for (let i = 0; i < 2000 && (await runner.status()).some((s) => s.rebuild); i++) await watch();
      })();
      await runner.rebuildsSettled();
      await watching;
      for (const stages of seen.values()) {
        expect(stages.every((x) => order.includes(x))).toBe(true);
        expect(stages).toEqual([...stages].sort((x, y) => order.indexOf(x) - order.indexOf(y)));
      }
      for (const name of runner.names) {
        const report = await runner.latestRebuild(name);
        expect(report).toMatchObject({ name, status: 'switched', fromGeneration: 1, toGeneration: 2, error: null });
        expect(report!.position).toBeGreaterThanOrEqual(lastPosition);
        // Where the time went: every stage reached, in order, the last one when the report was finished.
        const { filled, indexed, caughtUp, compared, switched } = report!.phases!;
        expect([filled, indexed, caughtUp, compared, switched].every((t) => typeof t === 'number' && t >= 0)).toBe(true);
        expect([filled!, indexed!, caughtUp!, compared!, switched!]).toEqual([filled!, indexed!, caughtUp!, compared!, switched!].sort((x, y) => x - y));
        expect(switched!).toBeLessThanOrEqual((Date.parse(report!.finishedAt!) - Date.parse(report!.startedAt)) / 1000 + 0.5);
        for (const table of report!.diff!) {
          expect(table).toMatchObject({ onlyBefore: 0, onlyAfter: 0, schemaChanged: false, rowsAfter: table.rowsBefore, samplesOnlyBefore: [], samplesOnlyAfter: [] });
        }
      }
      const tables = (await Promise.all(runner.names.map((n) => runner.latestRebuild(n)))).flatMap((r) => r!.diff!);
      expect(tables.filter((t) => t.rowsAfter > 0).length).toBeGreaterThan(12); // the ledger reaches nearly every table
      expect((await dataSource.query(`select id from read.municipalities where id = 'during-rebuild'`)).length).toBe(1);
      // Every fill gave its connection back, its transaction ended.
      expect(await dataSource.query(`select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`)).toEqual([]);
    });

    it('goes on from the rebuilt generation: indexes and statistics are in place for the live path', async () => {
      const { lastPosition } = await register('after-rebuild');
      expect(await runner.waitFor('ledger', lastPosition, 10_000)).toBe(true);
      expect(await runner.waitFor(THE_LOG, lastPosition, 10_000)).toBe(true);
      expect(await dataSource.query(`select position::int from (${entityPositionsSql('$1', '1', '$2')}) p`, [['after-rebuild'], lastPosition])).toEqual([{ position: lastPosition }]);
      // Every index the entities declare is there again, primary keys included.
      const indexes: { n: number }[] = await dataSource.query(`select count(*)::int as n from pg_indexes where schemaname like 'rm\\_%\\_g2'`);
      const declared = projections.flatMap((p) => p.entities).reduce((n, e) => n + 1 + dataSource.getMetadata(e).indices.length, 0);
      expect(indexes[0].n).toBe(declared);
      // And statistics, before the tables answered reads (analyzed, or carried over from an equal table: see the
      // test below): every table has its size, and a table with rows has statistics on each column that takes them.
      const unsized = await dataSource.query(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname like 'rm\\_%\\_g2' and c.relkind = 'r' and c.reltuples < 0`);
      expect(unsized).toEqual([]);
      const missing = await dataSource.query(
        `select c.relname, a.attname from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
          where n.nspname like 'rm\\_%\\_g2' and c.relkind = 'r' and c.reltuples > 0 and a.attnum > 0 and not a.attisdropped and a.attstattarget is distinct from 0
            and not exists (select 1 from pg_stats s where s.schemaname = n.nspname and s.tablename = c.relname and s.attname = a.attname)`,
      );
      expect(missing).toEqual([]);
      // On the columns queries filter and group by; json documents are left out (no plan uses their statistics).
      const columns = (await dataSource.query(`select attname from pg_stats where schemaname = 'rm_grants_g2' and tablename = 'grant_applications'`)).map((r: { attname: string }) => r.attname);
      expect(columns).toEqual(expect.arrayContaining(['id', 'programmeId', 'grantCallId', 'status']));
      expect(columns).not.toContain('scores');
      // Because json columns have no statistics target (autovacuum's ANALYZE skips them too), and not by a
      // column list, which would leave autovacuum to analyze every table again right after the switch.
      const targets: { attname: string; json: boolean; target: number | null }[] = await dataSource.query(
        `select attname, atttypid = 'json'::regtype as json, attstattarget::int as target from pg_attribute where attrelid = 'rm_grants_g2.grant_applications'::regclass and attnum > 0 and not attisdropped`,
      );
      expect(targets.filter((t) => t.json).map((t) => t.attname)).toEqual(expect.arrayContaining(['scores', 'decision']));
      for (const t of targets) expect(t.target === 0).toBe(t.json);
      // Autovacuum, kept off the tables while the rebuild filled them, is theirs again.
      const unvacuumed = await dataSource.query(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname like 'rm\\_%\\_g2' and c.relkind = 'r' and c.reloptions is not null`);
      expect(unvacuumed).toEqual([]);
      // A rebuild again, now from the generation the last one built: still the same rows.
      await runner.rebuild(['ledger']);
      await runner.rebuildsSettled();
      const report = await runner.latestRebuild('ledger');
      expect(report).toMatchObject({ status: 'switched', fromGeneration: 2, toGeneration: 3 });
      for (const table of report!.diff!) expect(table).toMatchObject({ onlyBefore: 0, onlyAfter: 0 });
    });

    it('reports the rows that differ between the generations', async () => {
      const [{ id, name }] = await dataSource.query(`select id, name from read.municipalities order by id limit 1`);
      await dataSource.query(`update rm_municipalities_g2.municipalities set name = 'Tampered' where id = $1`, [id]);
      await dataSource.query(`insert into rm_municipalities_g2.municipalities select 'ghost', version, status, 'Ghost', oblast, district, kind, population, "registeredAt" from rm_municipalities_g2.municipalities where id = $1`, [id]);
      await runner.rebuild(['municipalities']);
      await runner.rebuildsSettled();
      const report = await runner.latestRebuild('municipalities');
      expect(report!.status).toBe('switched');
      const [diff] = report!.diff!;
      expect(diff).toMatchObject({ table: 'municipalities', onlyBefore: 2, onlyAfter: 1, rowsAfter: diff.rowsBefore - 1, schemaChanged: false });
      expect(diff.samplesOnlyBefore).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'Tampered' }), expect.objectContaining({ id: 'ghost' })]));
      expect(diff.samplesOnlyAfter).toEqual([expect.objectContaining({ id, name })]);
    });

    it('gives an equal table the old statistics where they are fresh, and analyzes a changed, stale or never analyzed one', async () => {
      const [{ active_generation: live }] = await dataSource.query(`select active_generation from public.projections where name = 'grants'`);
      const old = `rm_grants_g${live}`;
      for (const table of ['commissions', 'grant_calls', 'grant_applications', 'co_fundings', 'disbursements']) await dataSource.query(`analyze ${old}.${table}`);
      // grant_calls changed: one row the rebuild will not reproduce.
      await dataSource.query(`update ${old}.grant_calls set title = 'Tampered' where id = (select min(id) from ${old}.grant_calls)`);
      // commissions stale: more rows written since its ANALYZE than autovacuum lets pass (the content unchanged).
      const client = new pg.Client({ connectionString: (dataSource.options as { url: string }).url });
      await client.connect();
      try {
        const [{ n }] = (await client.query(`select count(*)::int as n from ${old}.commissions`)).rows;
        expect(n).toBeGreaterThan(0);
        for (let i = 0; i < 60; i++) await client.query(`update ${old}.commissions set version = version`);
        await client.query(`select pg_stat_force_next_flush()`);
        await client.query(`select 1`); // the backend reports its counts as it goes idle
        for (let i = 0; i < 100; i++) {
          const [{ modified }] = (await client.query(`select n_mod_since_analyze::int as modified from pg_stat_user_tables where schemaname = $1 and relname = 'commissions'`, [old])).rows;
          if (modified >= 60 * n) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await client.end();
      }
      // disbursements never analyzed, as far as the server knows (its counters were reset, as by a crash).
      await dataSource.query(`select pg_stat_reset_single_table_counters('${old}.disbursements'::regclass)`);
      const statsOf = (schema: string, table: string) =>
        dataSource.query(
          `select attname, null_frac, avg_width, n_distinct, most_common_vals::text, most_common_freqs, histogram_bounds::text, correlation
             from pg_stats where schemaname = $1 and tablename = $2 order by attname`,
          [schema, table],
        );
      const before = { applications: await statsOf(old, 'grant_applications'), coFundings: await statsOf(old, 'co_fundings') };
      expect(before.applications.length).toBeGreaterThan(0);

      await runner.rebuild(['grants']);
      await runner.rebuildsSettled();
      const report = await runner.latestRebuild('grants');
      expect(report!.status).toBe('switched');
      const fresh = `rm_grants_g${report!.toGeneration}`;
      const analyzed = new Map<string, boolean>(
        (await dataSource.query(`select relname, last_analyze is not null as analyzed from pg_stat_user_tables where schemaname = $1`, [fresh])).map((r: { relname: string; analyzed: boolean }) => [r.relname, r.analyzed]),
      );
      const [{ imports }] = await dataSource.query(`select current_setting('server_version_num')::int >= 180000 as imports`);
      // Changed, stale, never analyzed: analyzed, on every server.
      expect(report!.diff!.find((d) => d.table === 'grant_calls')).toMatchObject({ onlyBefore: 1, onlyAfter: 1 });
      for (const table of ['grant_calls', 'commissions', 'disbursements']) expect([table, analyzed.get(table)]).toEqual([table, true]);
      // Equal with fresh statistics: carried over where the server imports statistics (PostgreSQL 18), analyzed elsewhere.
      for (const table of ['grant_applications', 'co_fundings']) expect([table, analyzed.get(table)]).toEqual([table, !imports]);
      if (imports) {
        expect(await statsOf(fresh, 'grant_applications')).toEqual(before.applications);
        expect(await statsOf(fresh, 'co_fundings')).toEqual(before.coFundings);
        const [{ reltuples, n }] = await dataSource.query(`select c.reltuples::int, (select count(*)::int from ${fresh}.grant_applications) as n from pg_class c where c.oid = '${fresh}.grant_applications'::regclass`);
        expect(reltuples).toBe(n);
      } else {
        expect((await statsOf(fresh, 'grant_applications')).map((r: { attname: string }) => r.attname)).toEqual(before.applications.map((r: { attname: string }) => r.attname));
      }
    });

    it('compares json documents by their text, and shows them as documents', async () => {
      const generation = async () => (await dataSource.query(`select active_generation from public.projections where name = 'grants'`))[0].active_generation;
      const live = `rm_grants_g${await generation()}.grant_applications`;
      const [{ id, scores }] = await dataSource.query(`select id, scores from ${live} where json_array_length(scores) > 0 order by id limit 1`);
      const forged = [{ memberId: 'forged', score: 100, comment: null, scoredAt: '2026-01-01T00:00:00.000Z' }];
      await dataSource.query(`update ${live} set scores = $2 where id = $1`, [id, JSON.stringify(forged)]);
      await runner.rebuild(['grants']);
      await runner.rebuildsSettled();
      const report = await runner.latestRebuild('grants');
      expect(report!.status).toBe('switched');
      const applications = report!.diff!.find((d) => d.table === 'grant_applications')!;
      expect(applications).toMatchObject({ onlyBefore: 1, onlyAfter: 1, schemaChanged: false });
      expect(applications.samplesOnlyBefore).toEqual([expect.objectContaining({ id, scores: forged })]);
      expect(applications.samplesOnlyAfter).toEqual([expect.objectContaining({ id, scores })]);
      for (const other of report!.diff!.filter((d) => d.table !== 'grant_applications')) expect(other).toMatchObject({ onlyBefore: 0, onlyAfter: 0, schemaChanged: false });

      // A column whose type changed (jsonb in an older version) is a change of the table's schema, not of every row.
      // (The read view goes first, as a type cannot change under it; the switch puts it back.)
      await dataSource.query(`drop view read.grant_applications`);
      await dataSource.query(`alter table rm_grants_g${await generation()}.grant_applications alter column scores type jsonb`);
      await runner.rebuild(['grants']);
      await runner.rebuildsSettled();
      const again = await runner.latestRebuild('grants');
      expect(again!.status).toBe('switched');
      expect(again!.diff!.find((d) => d.table === 'grant_applications')).toMatchObject({ schemaChanged: true, rowsBefore: applications.rowsAfter, rowsAfter: applications.rowsAfter });
    });

    it('makes the generations of a rebuild side by side; a name asked for again, in the same call or while it is prepared, joins its rebuild', async () => {
      const generations = async () => new Map<string, number>((await dataSource.query(`select name, max(generation)::int as g from public.projection_generations group by name`)).map((r: { name: string; g: number }) => [r.name, r.g]));
      const before = await generations();
      const [first, second] = await Promise.all([runner.rebuild(['programmes', 'facilities', 'programmes']), runner.rebuild(['facilities'])]);
      expect(first[0]).toEqual(first[2]);
      expect(second[0]).toEqual(first[1]);
      expect(first.map((a) => [a.name, a.generation])).toEqual([['programmes', before.get('programmes')! + 1], ['facilities', before.get('facilities')! + 1], ['programmes', before.get('programmes')! + 1]]);
      await runner.rebuildsSettled();
      for (const name of ['programmes', 'facilities']) {
        expect(await runner.latestRebuild(name)).toMatchObject({ status: 'switched', toGeneration: before.get(name)! + 1 });
        expect((await generations()).get(name)).toBe(before.get(name)! + 1); // one new generation each
      }
      // And one report each for the new generations.
      for (const name of ['programmes', 'facilities']) {
        const [{ n }] = await dataSource.query(`select count(*)::int as n from public.projection_rebuilds where name = $1 and to_generation = $2`, [name, before.get(name)! + 1]);
        expect([name, n]).toEqual([name, 1]);
      }
    });

    it('reports a failed rebuild with the stages it reached, the live generation answering on', async () => {
      await runner.stop();
      const [{ active_generation: live, checkpoint: applied }] = await dataSource.query(
        `select p.active_generation, g.checkpoint::int from public.projections p join public.projection_generations g on g.name = p.name and g.generation = p.active_generation where p.name = 'municipalities'`,
      );
      // The same projections, one of which fails on the rebuild's own path: on events the live generation has
      // applied already, which only a rebuild applies again (filling a generation).
      const failing = projections.map((p) =>
        p.name !== 'municipalities' ? p : { ...p, apply: async (events: any[], batch: any) => (events[0].position <= applied ? Promise.reject(new Error('disk on fire')) : p.apply(events, batch)) },
      );
      runner = new ProjectionRunner(store, dataSource, failing, { rebuild: { batchSize: 250, rowsHeld: 100 } });
      try {
        await runner.start();
        await runner.rebuild(['municipalities']);
        await runner.rebuildsSettled();
        const report = await runner.latestRebuild('municipalities');
        expect(report).toMatchObject({ status: 'failed', fromGeneration: live });
        expect(report!.phases).toEqual({}); // it failed before the generation was filled
        expect(report!.error).toMatch(/disk on fire/);
        expect((await runner.status()).find((s) => s.name === 'municipalities')).toMatchObject({ generation: live, status: 'running' });
      } finally {
        await runner.stop();
        runner = new ProjectionRunner(store, dataSource, projections, { rebuild: { batchSize: 250, rowsHeld: 100 } });
        await runner.start();
      }
    });

    it('holds nothing back between the batches of a fill: its open transactions have no transaction id and no snapshot', async () => {
      await runner.stop();
      const [{ checkpoint: applied }] = await dataSource.query(`select max(checkpoint)::int as checkpoint from public.projection_generations`);
      // The programmes stop in their second batch of the rebuild (events the live generation applied already).
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const stopped = new Promise<void>((resolve) => (reached = resolve));
      let batches = 0;
      const slow = projections.map((p) =>
        p.name !== 'programmes'
          ? p
          : {
              ...p,
              apply: async (events: any[], batch: any) => {
                if (events[0].position <= applied && ++batches === 2) {
                  reached();
                  await gate;
                }
                return p.apply(events, batch);
              },
            },
      );
      runner = new ProjectionRunner(store, dataSource, slow, { rebuild: { batchSize: 250, rowsHeld: 100 } });
      try {
        await runner.start();
        await runner.rebuild(['municipalities', 'programmes']);
        await stopped;
        await new Promise((r) => setTimeout(r, 300)); // the municipalities get to waiting for the programmes
        // Both fills are between statements, each in a transaction begun with the last commit.
        const open: { xid: string | null; xmin: string | null }[] = await dataSource.query(
          `select backend_xid::text as xid, backend_xmin::text as xmin from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`,
        );
        expect(open.length).toBe(2);
        expect(open).toEqual(open.map(() => ({ xid: null, xmin: null })));
        // So the live path reads what is appended meanwhile: nothing holds the log back.
        const { lastPosition } = await register('while-filling');
        expect(await runner.waitFor('municipalities', lastPosition, 10_000)).toBe(true);
      } finally {
        release();
        await runner.rebuildsSettled();
        await runner.stop();
        runner = new ProjectionRunner(store, dataSource, projections, { rebuild: { batchSize: 250, rowsHeld: 100 } });
        await runner.start();
      }
      for (const name of ['municipalities', 'programmes']) expect(await runner.latestRebuild(name)).toMatchObject({ status: 'switched' });
    });

    it('abandons a running rebuild when the runner stops, and is done with it when stop resolves', async () => {
      const [{ generation }] = await runner.rebuild(['ledger']);
      await runner.stop();
      try {
        const report = await runner.latestRebuild('ledger');
        expect(report).toMatchObject({ status: 'failed', toGeneration: generation, error: 'the runner stopped' });
        expect(report!.finishedAt).not.toBeNull();
        expect(await dataSource.query(`select 1 from public.projection_generations where name = 'ledger' and generation = $1`, [generation])).toEqual([]);
        expect(await dataSource.query(`select 1 from pg_namespace where nspname = $1`, [`rm_ledger_g${generation}`])).toEqual([]);
      } finally {
        runner = new ProjectionRunner(store, dataSource, projections, { rebuild: { batchSize: 250, rowsHeld: 100 } });
        await runner.start();
      }
    });

    it('finds for every entity exactly the events that concern it, through the log\'s index of what events name', async () => {
      // The definition, event by event, written again here: the stream's own entity, what the event names,
      // and what the first event of its stream named (award and evidence streams excepted).
      const expected = new Map<string, number[]>();
      const firstNamed = new Map<string, string[]>();
      const events = await store.readAll({ fromPosition: 1, limit: 10_000 });
      expect(events.length).toBeGreaterThan(3000);
      for (const e of events) {
        const own = streamEntity(e.streamId);
        const named = namedEntities(e.data);
        if (e.streamVersion === 1) firstNamed.set(e.streamId, named);
        const inherited = /^(award|evidence)-/.test(e.streamId) ? [] : firstNamed.get(e.streamId)!;
        for (const id of new Set([own, ...named, ...inherited])) expected.set(id, [...(expected.get(id) ?? []), e.position]);
      }
      expect(expected.size).toBeGreaterThan(500);
      const head = events[events.length - 1].position;
      expect(await runner.waitFor(THE_LOG, head, 10_000)).toBe(true);
      for (const [id, positions] of expected) {
        const rows: { position: string }[] = await dataSource.query(`select position from (${entityPositionsSql('$1', '1', '$2')}) p order by position`, [[id], head]);
        expect([id, rows.map((r) => Number(r.position))]).toEqual([id, positions]);
      }
      // A window of positions, and several entities at once (each event once).
      const [a, b] = [...expected.keys()].filter((id) => expected.get(id)!.length > 20);
      const [from, to] = [expected.get(a)![5], expected.get(a)![15]];
      const window: { position: string }[] = await dataSource.query(`select position from (${entityPositionsSql('$1', '$2', '$3')}) p order by position`, [[a, b], from, to]);
      const both = [...new Set([...expected.get(a)!, ...expected.get(b)!])].filter((p) => p >= from && p <= to).sort((x, y) => x - y);
      expect(window.map((r) => Number(r.position))).toEqual(both);
    });

    it('reads the events of an entity through the log\'s indexes only, with statistics or without', async () => {
      // How the plan reads the events table: the index of each scan (a bitmap scan's under its heap scan).
      const indexes = (node: any): string[] => [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexes)];
      const access = (node: any): string[] =>
        node['Relation Name'] === 'events'
          ? [`${node['Node Type']}: ${indexes(node).join(' & ') || 'no index'}`]
          : (node.Plans ?? []).flatMap(access);
      // The entity the most first events name (a programme): the most streams to look up.
      const [{ entityId }] = await dataSource.query(
        `select ref as "entityId" from public.events, jsonb_array_elements_text(public.event_entity_refs(data)) as ref where stream_version = 1 group by 1 order by count(*) desc limit 1`,
      );
      for (const analyzed of [false, true]) {
        if (analyzed) await dataSource.query('analyze public.events');
        const [{ 'QUERY PLAN': plan }] = await dataSource.query(`explain (format json) select position from (${entityPositionsSql('$1', '$2', '$3')}) p order by position limit 100`, [[entityId], 1, 1_000_000]);
        const used = access(plan[0].Plan);
        // Once by what events name (the first events of streams among them), once by stream.
        expect(used.filter((a) => a.endsWith('events_entity_refs_idx')).length).toBe(1);
        expect(used.filter((a) => /Scan: events_stream_id_stream_version_key$/.test(a)).length).toBe(1);
        expect(used.length).toBe(2);
      }
    });

    it('rebuilds at start a generation an older version of its projection built, answering 503 until it switches', async () => {
      const version = (name: string) => dataSource.query(`select g.version from public.projection_generations g join public.projections p on p.name = g.name and p.active_generation = g.generation where g.name = $1`, [name]);
      await runner.stop();
      // As the previous release left it: the active generation of the ledger built by version 1.
      await dataSource.query(`update public.projection_generations set version = 1 where name = 'ledger'`);
      const [{ active_generation: before }] = await dataSource.query(`select active_generation from public.projections where name = 'ledger'`);
      runner = new ProjectionRunner(store, dataSource, projections, { rebuild: { batchSize: 250, rowsHeld: 100 } });
      await runner.start();
      expect(runner.isOutdated('ledger')).toBe(true);
      expect(runner.isOutdated('plans')).toBe(false);
      // What every read of the projection goes through (the reports).
      const headers: Record<string, string> = {};
      const reply = { header: (k: string, v: string) => (headers[k] = v) } as any;
      const freshness = new ReadFreshness(runner, new AppSettings(100, 'test'));
      await expect(freshness.ensure('ledger', undefined, reply)).rejects.toMatchObject({ problem: { status: 503 } });
      expect(headers['retry-after']).toBe('5');
      await expect(freshness.ensure('plans', undefined, reply)).resolves.toBeGreaterThan(0);
      await expect(freshness.ensure(THE_LOG, undefined, reply)).resolves.toBeGreaterThan(0); // the log itself is never outdated
      expect((await runner.status()).find((s) => s.name === 'ledger')!.status).toBe('rebuilding');
      await runner.rebuildsSettled();
      expect(runner.isOutdated('ledger')).toBe(false);
      const report = await runner.latestRebuild('ledger');
      expect(report).toMatchObject({ status: 'switched', fromGeneration: before, toGeneration: before + 1 });
      expect(await version('ledger')).toEqual([{ version: ledgerProjection.version }]);
      await expect(freshness.ensure('ledger', undefined, reply)).resolves.toBeGreaterThan(0);
      await caughtUp();
    });

    it('drops at start what a projection the service no longer has left: its generations, the views on them, its bookkeeping', async () => {
      await runner.stop();
      // As an earlier version left it: two generations of a projection, the views on the active one.
      await dataSource.query(`create schema rm_old_index_g1; create table rm_old_index_g1.old_refs (id text primary key)`);
      await dataSource.query(`create schema rm_old_index_g2; create table rm_old_index_g2.old_refs (id text primary key); create view read.old_refs as select * from rm_old_index_g2.old_refs`);
      await dataSource.query(`insert into public.projection_generations (name, generation, checkpoint, status) values ('old-index', 1, 5, 'retired'), ('old-index', 2, 9, 'running')`);
      await dataSource.query(`insert into public.projections (name, active_generation) values ('old-index', 2)`);
      expect(() => new ProjectionRunner(store, dataSource, projections, { retired: ['ledger'] })).toThrow(RangeError);
      runner = new ProjectionRunner(store, dataSource, projections, { retired: ['old-index'], rebuild: { batchSize: 250, rowsHeld: 100 } });
      await runner.start();
      expect(await dataSource.query(`select nspname from pg_namespace where nspname like 'rm\\_old\\_index%'`)).toEqual([]);
      expect(await dataSource.query(`select 1 from pg_views where schemaname = 'read' and viewname = 'old_refs'`)).toEqual([]);
      expect(await dataSource.query(`select 1 from public.projection_generations where name = 'old-index' union all select 1 from public.projections where name = 'old-index'`)).toEqual([]);
      // The projections the service has are as they were.
      expect((await dataSource.query(`select name from public.projections order by name`)).map((r: any) => r.name)).toEqual([...runner.names].sort());
      await caughtUp();
      expect(await dataSource.query(`select count(*)::int as n from read.municipalities`)).toEqual([{ n: expect.any(Number) }]);
    });
  });
}
