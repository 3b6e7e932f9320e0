import 'reflect-metadata';
import { Column, type DataSource, Entity, PrimaryColumn } from 'typeorm';
import { copyRows, numericDigits } from '../../projections/runner/copy.js';
import { freshDataSource, testTargets } from '../support/databases.js';

@Entity('copy_probe')
class ProbeRow {
  @PrimaryColumn('text') id: string;
  @Column('integer', { nullable: true }) n: number | null;
  @Column('bigint', { nullable: true }) big: string | null;
  @Column('timestamptz', { nullable: true }) at: string | null;
  @Column('numeric', { nullable: true }) amount: string | null;
  @Column('jsonb', { nullable: true }) doc: unknown;
  @Column('text', { nullable: true }) note: string | null;
  /** json keeps the text it is given: what JSON.stringify wrote, to the byte. */
  @Column('json', { nullable: true }) raw: unknown;
}

describe('numericDigits (the binary numeric layout)', () => {
  it.each([
    ['0', { negative: false, weight: 0, scale: 0, base10000: [] }],
    ['-0', { negative: false, weight: 0, scale: 0, base10000: [] }],
    ['7', { negative: false, weight: 0, scale: 0, base10000: [7] }],
    ['120000', { negative: false, weight: 1, scale: 0, base10000: [12] }],
    ['-123456789', { negative: true, weight: 2, scale: 0, base10000: [1, 2345, 6789] }],
    ['12.50', { negative: false, weight: 0, scale: 2, base10000: [12, 5000] }],
    ['0.0001', { negative: false, weight: -1, scale: 4, base10000: [1] }],
    ['-0.00012', { negative: true, weight: -1, scale: 5, base10000: [1, 2000] }],
    ['123456789012345678901234567890', { negative: false, weight: 7, scale: 0, base10000: [12, 3456, 7890, 1234, 5678, 9012, 3456, 7890] }],
  ])('%s', (text, expected) => {
    expect(numericDigits(text)).toEqual(expected);
  });

  it('refuses what is not a decimal', () => {
    for (const text of ['', '.', '1e5', 'abc', '1.2.3']) expect(() => numericDigits(text)).toThrow(RangeError);
  });
});

for (const target of testTargets()) {
  describe(`copyRows (${target.name})`, () => {
    let dataSource: DataSource;

    beforeAll(async () => {
      dataSource = await freshDataSource(target, [ProbeRow]);
    });
    afterAll(async () => {
      await dataSource?.destroy();
    });

    it('stores every value exactly as an INSERT of the same values does', async () => {
      const rows = [
        { id: 'plain', n: 42, big: '9007199254740991', at: '2026-11-23T11:29:00.123Z', amount: '120000', doc: { a: 1, b: [true, null, 'x'] }, note: 'hello' },
        { id: 'escapes', n: -7, big: '-5', at: new Date('2016-02-29T23:59:59.999Z'), amount: '-0.05', doc: 'a "quoted" \\ string\n\ttab', note: 'tab\there\nnewline\\backslash\r' },
        { id: 'unicode ✓ Ош', n: 0, big: '0', at: '1999-12-31T23:59:59.000Z', amount: '0', doc: { 'ключ': 'значение ✓', emoji: '🙂' }, note: 'Кыргызстан 🙂' },
        { id: 'nulls', n: null, big: null, at: null, amount: null, doc: null, note: undefined },
        { id: 'long', n: 2147483647, big: '1234567890123', at: '2030-01-01T00:00:00.000Z', amount: '123456789012345678901234567890.0001', doc: { text: 'x'.repeat(300_000) }, note: 'y'.repeat(200_000) },
      ];
      const columns = Object.fromEntries(['id', 'n', 'big', 'at', 'amount', 'doc', 'note'].map((c) => [c, rows.map((r) => (r as any)[c])]));
      columns.raw = columns.doc;
      await dataSource.transaction(async (em) => {
        await copyRows(em, ProbeRow, columns);
      });
      await dataSource.query(`create table copy_expected (like copy_probe)`);
      for (const r of rows) {
        const doc = r.doc === null ? null : JSON.stringify(r.doc);
        await dataSource.query(`insert into copy_expected values ($1, $2, $3, $4, $5, $6, $7, $8)`, [r.id, r.n, r.big, r.at instanceof Date ? r.at.toISOString() : r.at, r.amount, doc, r.note ?? null, doc]);
      }
      // Compared as text too, so that a numeric's scale or a time's microseconds would show (json has no
      // equality of its own: its text is what it holds).
      const columnsCompared = `id, n, big, at, amount, doc, note, raw::text as raw, amount::text as a, at::text as t`;
      const differences = await dataSource.query(`select * from (select ${columnsCompared} from copy_probe except all select ${columnsCompared} from copy_expected) d`);
      expect(differences).toEqual([]);
      expect((await dataSource.query(`select count(*)::int as n from copy_probe`))[0].n).toBe(rows.length);
    });

    it('takes bigints for a numeric, safe integers or not, as their decimal text gives', async () => {
      const amounts = [0n, 1n, -1n, 10_000n, -120_000n, 99_990_000n, 9_007_199_254_740_991n, -9_007_199_254_740_991n, 9_007_199_254_740_992n, -(10n ** 40n) - 7n];
      const ids = amounts.map((_, i) => `bigint-${i}`);
      await dataSource.transaction((em) => copyRows(em, ProbeRow, { id: ids, amount: amounts }));
      const rows: { id: string; amount: string }[] = await dataSource.query(`select id, amount::text as amount from copy_probe where id like 'bigint-%'`);
      expect(new Map(rows.map((r) => [r.id, r.amount]))).toEqual(new Map(ids.map((id, i) => [id, amounts[i].toString()])));
    });

    it('takes microseconds since 1970 for a time, exactly', async () => {
      await dataSource.transaction(async (em) => {
        await copyRows(em, ProbeRow, { id: ['micro'], at: [1_700_000_000_123_456] });
      });
      const [{ at }] = await dataSource.query(`select to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as at from copy_probe where id = 'micro'`);
      expect(at).toBe('2023-11-14 22:13:20.123456');
    });

    it('calls the COPY off on a value it cannot encode: the transaction fails, the connection serves on', async () => {
      // Enough rows that part of the COPY is on its way when the bad one comes.
      const ids = Array.from({ length: 20_000 }, (_, i) => `bad-${i}`);
      const n = ids.map((_, i) => (i === ids.length - 1 ? 'twelve' : i));
      for (let attempt = 0; attempt < 3; attempt++) {
        await expect(dataSource.transaction((em) => copyRows(em, ProbeRow, { id: ids, n }))).rejects.toThrow(/not an integer: twelve/);
      }
      expect((await dataSource.query(`select count(*)::int as n from copy_probe where id like 'bad-%'`))[0].n).toBe(0);
      await dataSource.transaction((em) => copyRows(em, ProbeRow, { id: ids.slice(0, 3), n: [1, 2, 3] }));
      expect((await dataSource.query(`select count(*)::int as n from copy_probe where id like 'bad-%'`))[0].n).toBe(3);
    });

    it('fails the statement on a duplicate key (COPY only inserts)', async () => {
      await expect(dataSource.transaction((em) => copyRows(em, ProbeRow, { id: ['plain'] }))).rejects.toThrow(/duplicate key/);
    });
  });
}
