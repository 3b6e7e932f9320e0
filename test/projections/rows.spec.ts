import 'reflect-metadata';
import { Column, type DataSource, Entity, PrimaryColumn } from 'typeorm';
import { COPY_FROM_ROWS, insertRows, RowCache } from '../../projections/runner/rows.js';
import { freshDataSource, testTargets } from '../support/databases.js';

@Entity('rows_probe')
class DocRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  @Column('numeric') amount: string;
  @Column('jsonb') doc: unknown;
  @Column('timestamptz', { nullable: true }) at: string | null;
  @Column('text', { nullable: true }) note: string | null;
}

const row = (id: string, version: number): DocRow => ({
  id,
  version,
  amount: `${version}.50`,
  doc: { id, version, tags: ['a', `"${id}"`] },
  at: version % 3 === 0 ? null : `2026-11-${String(10 + (version % 10)).padStart(2, '0')}T08:00:00.000Z`,
  note: version % 2 === 0 ? `note ✓ ${id}` : null,
});

for (const target of testTargets()) {
  describe(`RowCache (${target.name})`, () => {
    let dataSource: DataSource;

    beforeAll(async () => {
      dataSource = await freshDataSource(target, [DocRow]);
    });
    afterAll(async () => {
      await dataSource?.destroy();
    });
    beforeEach(async () => {
      await dataSource.query(`truncate rows_probe`);
    });

    const stored = async (): Promise<DocRow[]> =>
      dataSource.query(`select id, version, amount::text as amount, doc, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, note from rows_probe order by id`);
    const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

    it('writes new rows (many: by COPY) and changed ones in one flush, each exactly once', async () => {
      await dataSource.transaction(async (em) => {
        await em.query(`insert into rows_probe (id, version, amount, doc) values ('old1', 1, 1, '{}'), ('old2', 1, 1, '{}')`);
      });
      const fresh = ids(COPY_FROM_ROWS * 2, 'n');
      await dataSource.transaction(async (em) => {
        const rows = new RowCache(dataSource);
        await rows.load(em, DocRow, [...fresh, 'old1', 'old2']);
        expect(rows.get(DocRow, 'old1')?.version).toBe(1);
        expect(rows.get(DocRow, fresh[0])).toBeUndefined();
        for (const id of fresh) rows.put(DocRow, row(id, 1));
        rows.put(DocRow, row('old1', 2)); // changed; old2 left as it is
        await rows.flush(em);
      });
      const expected = [...fresh.map((id) => row(id, 1)), row('old1', 2), { id: 'old2', version: 1, amount: '1', doc: {}, at: null, note: null }];
      expect(await stored()).toEqual(expected.sort((a, b) => (a.id < b.id ? -1 : 1)));
    });

    it('upserts rows it wrote before when they change again (across flushes and evictions)', async () => {
      const keys = ids(COPY_FROM_ROWS * 3, 'k');
      const rows = new RowCache(dataSource);
      await dataSource.transaction(async (em) => {
        await rows.load(em, DocRow, keys);
        for (const id of keys) rows.put(DocRow, row(id, 1));
        await rows.flush(em);
      });
      await dataSource.transaction(async (em) => {
        // Every row is stored now: changing them all must update, never insert a second time.
        for (const id of keys) rows.put(DocRow, row(id, 2));
        // Half leave the cache (written first); they come back by loading, and change once more.
        await rows.shrink(em, keys.length / 2);
        await rows.load(em, DocRow, keys);
        for (const id of keys.slice(0, COPY_FROM_ROWS)) rows.put(DocRow, row(id, 3));
        await rows.flush(em);
      });
      expect(await stored()).toEqual(keys.map((id, i) => row(id, i < COPY_FROM_ROWS ? 3 : 2)));
    });

    it('writes a few new rows with the upsert, and leaves absent rows it was not given absent', async () => {
      const rows = new RowCache(dataSource);
      await dataSource.transaction(async (em) => {
        await rows.load(em, DocRow, ['a', 'b', 'c']);
        rows.put(DocRow, row('a', 1));
        rows.put(DocRow, row('c', 4));
        await rows.flush(em);
      });
      expect(await stored()).toEqual([row('a', 1), row('c', 4)]);
    });

    it('adds rows the caller knows are new without loading them, and inserts rows few or many', async () => {
      const keys = ids(COPY_FROM_ROWS, 'a');
      const rows = new RowCache(dataSource);
      await dataSource.transaction(async (em) => {
        for (const id of keys) rows.add(DocRow, row(id, 1));
        await rows.flush(em);
        await insertRows(em, DocRow, [row('few', 2)]);
        await insertRows(em, DocRow, ids(COPY_FROM_ROWS, 'm').map((id) => row(id, 3)));
      });
      expect(await stored()).toEqual([...keys.map((id) => row(id, 1)), row('few', 2), ...ids(COPY_FROM_ROWS, 'm').map((id) => row(id, 3))]);
      // Added again, they are not new: the insert fails (nothing overwritten) and the transaction writes nothing.
      await expect(
        dataSource.transaction(async (em) => {
          const again = new RowCache(dataSource);
          for (const id of keys) again.add(DocRow, row(id, 9));
          await again.flush(em);
        }),
      ).rejects.toThrow(/duplicate key/);
      await expect(dataSource.transaction((em) => insertRows(em, DocRow, [row('few', 9)]))).rejects.toThrow(/duplicate key/);
      expect((await stored()).filter((r) => r.version === 9)).toEqual([]);
    });

    it('looks up rows put without being loaded when there are enough for a COPY: the new ones are copied, the stored ones upserted', async () => {
      const keys = ids(COPY_FROM_ROWS + 2, 'u'); // two of them stored: COPY_FROM_ROWS new ones
      await dataSource.query(`insert into rows_probe (id, version, amount, doc) values ($1, 1, 1, '{}'), ($2, 1, 1, '{}')`, [keys[1], keys[3]]);
      const statements: { sql: string; params?: unknown[] }[] = [];
      for (const few of [false, true]) {
        await dataSource.transaction(async (em) => {
          const query = em.query.bind(em);
          em.query = ((sql: string, params?: unknown[]) => {
            statements.push({ sql, params });
            return query(sql, params);
          }) as typeof em.query;
          const rows = new RowCache(dataSource);
          for (const id of few ? ['v1', keys[0]] : keys) rows.put(DocRow, row(id, few ? 3 : 2));
          await rows.flush(em);
        });
      }
      expect(await stored()).toEqual([...keys.map((id, i) => row(id, i === 0 ? 3 : 2)), row('v1', 3)]);
      const upserted = statements.filter((s) => s.sql.includes('json_populate_recordset')).map((s) => JSON.parse(s.params![0] as string).map((r: DocRow) => r.id));
      // Many: one look-up, then only the two stored rows upserted (the rest by COPY). Few: upserted, no look-up.
      expect(upserted).toEqual([[keys[1], keys[3]], ['v1', keys[0]]]);
      expect(statements.filter((s) => s.sql.includes('as key from')).map((s) => (s.params![0] as string[]).length)).toEqual([COPY_FROM_ROWS + 2]);
    });

    it('inserts rows it found absent (many: by COPY, which refuses a key that appeared meanwhile) and writes nothing when that fails', async () => {
      const keys = ids(COPY_FROM_ROWS, 'f');
      await dataSource.query(`insert into rows_probe (id, version, amount, doc) values ($1, 9, 9, '{}')`, [keys[5]]);
      const rows = new RowCache(dataSource);
      await expect(
        dataSource.transaction(async (em) => {
          // The cache loads the keys while the table lacks them; one appears before the flush (which only a
          // second writer of the generation could do, and the runner allows none): an upsert would overwrite it.
          await em.query(`delete from rows_probe`);
          await rows.load(em, DocRow, keys);
          await em.query(`insert into rows_probe (id, version, amount, doc) values ($1, 9, 9, '{}')`, [keys[5]]);
          for (const id of keys) rows.put(DocRow, row(id, 1));
          await rows.flush(em);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await stored()).toEqual([{ id: keys[5], version: 9, amount: '9', doc: {}, at: null, note: null }]);
    });
  });
}
