import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { Projection } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/runner.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';

/**
 * The runner reads the log's metadata only for the event types of projections that say they read it
 * (Projection.readsMetadata), on the live path and in a rebuild alike; a projection that reads it without
 * saying so fails loudly instead of seeing none.
 */
for (const target of testTargets()) {
  describe(`metadata read for the projections that ask for it (${target.name})`, () => {
    let store: PostgresEventStore;
    let dataSource: DataSource;
    let runner: ProjectionRunner;
    const seen: { projection: string; actor: string }[] = [];

    // Projections without tables: what they saw is kept here.
    const reader: Projection = {
      name: 'reader',
      entities: [],
      handles: ['Noted'],
      readsMetadata: true,
      async apply(events) {
        for (const e of events) seen.push({ projection: 'reader', actor: e.metadata.actor.id });
      },
    };
    const blind: Projection = {
      name: 'blind',
      entities: [],
      handles: ['Noted', 'Other'],
      async apply(events) {
        for (const e of events) seen.push({ projection: 'blind', actor: e.metadata.actor.id });
      },
    };

    const append = (type: string, actor: string) =>
      store.append(`thing-${actor}`, 'any', [{ type, data: {}, metadata: { actor: { id: actor, roles: [] }, correlationId: actor, causationId: null } }]);

    const settled = async (until: () => boolean) => {
      for (let i = 0; i < 400 && !until(); i++) await new Promise((r) => setTimeout(r, 25));
    };

    beforeAll(async () => {
      const url = await freshDatabase(target.url);
      store = await PostgresEventStore.connect(url, { poolSize: 4 });
      dataSource = new DataSource({ type: 'postgres', url, entities: [], synchronize: false, logging: false });
      await dataSource.initialize();
      runner = new ProjectionRunner(store, dataSource, [reader, blind], { pollIntervalMs: 20 });
      await runner.start();
    });

    afterAll(async () => {
      await runner?.stop();
      await dataSource?.destroy();
      await store?.close();
    });

    it('gives the metadata of the types a projection that reads it handles, to every projection', async () => {
      await append('Noted', 'officer-1');
      await settled(() => seen.length === 2);
      expect(seen).toEqual([
        { projection: 'reader', actor: 'officer-1' },
        { projection: 'blind', actor: 'officer-1' },
      ]);
    });

    it('fails a projection that reads metadata it did not ask for, with the reason, and the others go on', async () => {
      const { lastPosition } = await append('Other', 'officer-2');
      await append('Noted', 'officer-3');
      await settled(() => seen.some((s) => s.actor === 'officer-3'));
      await settled(() => runner.checkpoint('reader') > lastPosition);
      const status = await runner.status();
      expect(status.find((s) => s.name === 'blind')).toMatchObject({ status: 'failed', error: expect.stringMatching(/metadata of this event was not read/) });
      expect(status.find((s) => s.name === 'reader')!.status).toBe('running');
      expect(seen.filter((s) => s.actor === 'officer-2')).toEqual([]);
    });

    it('reads the same way when it rebuilds', async () => {
      seen.length = 0;
      await runner.rebuild(['reader', 'blind']);
      await runner.rebuildsSettled();
      expect(await runner.latestRebuild('reader')).toMatchObject({ status: 'switched' });
      expect(seen.filter((s) => s.projection === 'reader').map((s) => s.actor)).toEqual(['officer-1', 'officer-3']);
      const failed = await runner.latestRebuild('blind');
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/metadata of this event was not read/) });
    });
  });
}
