import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { generateLedger } from '../../bench/lib/ledger.js';
import { projections } from '../../projections/index.js';
import { ProjectionRunner } from '../../projections/runner/runner.js';
import { eventSchemas } from '../../src/domain/registry.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';

/**
 * Rebuilds over a realistic ledger (the bench's generator, which drives the real write handlers): the
 * rebuild's own path (its batches, the rows it keeps between them, indexes built at the end, sums derived
 * at the end) must give exactly the rows the live path gave, and the comparison must show a difference
 * when there is one.
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
      const { lastPosition } = await register('during-rebuild');
      await runner.rebuildsSettled();
      for (const name of runner.names) {
        const report = await runner.latestRebuild(name);
        expect(report).toMatchObject({ name, status: 'switched', fromGeneration: 1, toGeneration: 2, error: null });
        expect(report!.position).toBeGreaterThanOrEqual(lastPosition);
        for (const table of report!.diff!) {
          expect(table).toMatchObject({ onlyBefore: 0, onlyAfter: 0, schemaChanged: false, rowsAfter: table.rowsBefore, samplesOnlyBefore: [], samplesOnlyAfter: [] });
        }
      }
      const tables = (await Promise.all(runner.names.map((n) => runner.latestRebuild(n)))).flatMap((r) => r!.diff!);
      expect(tables.filter((t) => t.rowsAfter > 0).length).toBeGreaterThan(15); // the ledger reaches nearly every table
      expect((await dataSource.query(`select id from read.municipalities where id = 'during-rebuild'`)).length).toBe(1);
    });

    it('goes on from the rebuilt generation: indexes and derived sums are in place for the live path', async () => {
      const { lastPosition } = await register('after-rebuild');
      expect(await runner.waitFor('ledger', lastPosition, 10_000)).toBe(true);
      expect(await runner.waitFor('audit-index', lastPosition, 10_000)).toBe(true);
      expect((await dataSource.query(`select count(*)::int as n from read.audit_entity_refs where "entityId" = 'after-rebuild'`))[0].n).toBe(1);
      // Every index the entities declare is there again, primary keys included.
      const indexes: { n: number }[] = await dataSource.query(`select count(*)::int as n from pg_indexes where schemaname like 'rm\\_%\\_g2'`);
      const declared = projections.flatMap((p) => p.entities).reduce((n, e) => n + 1 + dataSource.getMetadata(e).indices.length, 0);
      expect(indexes[0].n).toBe(declared);
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
  });
}
