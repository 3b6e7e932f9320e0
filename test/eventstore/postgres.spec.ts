import pg from 'pg';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';
import { eventStoreContract } from './contract.js';

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

    it('runs its migrations once, also when two services start together', async () => {
      const url = await freshDatabase(target.url);
      const [a, b] = await Promise.all([PostgresEventStore.connect(url), PostgresEventStore.connect(url)]);
      const { rows } = await a.pool.query('select version from schema_migrations order by version');
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
      await a.close();
      await b.close();
    });
  });
}
