import pg from 'pg';
import { chainHashes } from '../../src/audit/hashing.js';
import { verifyBundle } from '../../src/audit/verify-bundle.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { WrongExpectedVersion } from '../../src/eventstore/port.js';
import { uuidv7 } from '../../src/eventstore/uuid.js';
import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

/**
 * Someone with superuser access to the database rewrites history behind the service's back (the append-only
 * triggers switched off). Each kind of change is found by GET /audit/verify, default and full, at the right
 * first broken position; undone, the chain verifies again.
 */
for (const target of testTargets()) {
  describe(`tampering with the events table (${target.name})`, () => {
    let app: TestApp;
    /** A superuser session with the append-only triggers disabled for it. */
    let attacker: pg.Client;
    let positions: number[];
    let gap: number;

    const verify = async (full: boolean) => {
      const r = await app.call('GET', `/audit/verify${full ? '?full=true' : ''}`, { as: users.auditor });
      expect(r.status).toBe(200);
      return r.body;
    };
    const expectBrokenAt = async (position: number) => {
      for (const full of [false, true]) expect(await verify(full)).toMatchObject({ valid: false, firstInvalidPosition: position });
    };
    const expectIntact = async () => {
      for (const full of [false, true]) expect(await verify(full)).toMatchObject({ valid: true, eventsChecked: positions.length });
    };
    const rowAt = async (position: number) => (await attacker.query('select * from events where position = $1', [position])).rows[0];
    const putBack = async (row: Record<string, unknown>) => {
      const cols = Object.keys(row);
      await attacker.query(`insert into events (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => (c === 'data' || c === 'metadata' ? JSON.stringify(row[c]) : row[c])));
    };

    beforeAll(async () => {
      app = await startTestApp(target);
      const register = async (id: string) => {
        const r = await app.call('POST', '/municipalities', { as: users.admin, body: { id, name: `Town ${id}`, oblast: 'Osh' } });
        expect(r.status).toBe(201);
      };
      for (let i = 1; i <= 4; i++) await register(`t-${i}`);
      // An append the unique index refuses has drawn its position: a gap in the log, a place to slip a forged event in.
      const metadata = { actor: { id: 'x', roles: [] }, correlationId: 'c', causationId: null };
      await expect(app.running.store.append('municipality-t-1', 'no-stream', [{ type: 'Noted', data: {}, metadata }])).rejects.toBeInstanceOf(WrongExpectedVersion);
      gap = (await app.running.store.headPosition()) + 1;
      for (let i = 5; i <= 9; i++) await register(`t-${i}`);
      positions = (await app.running.store.pool.query('select position from events order by position')).rows.map((r) => Number(r.position));
      expect(positions).not.toContain(gap);
      await app.call('POST', '/audit/checkpoints', { as: users.admin });
      await expectIntact();

      attacker = new pg.Client({ connectionString: (app.running.store.pool as any).options.connectionString });
      await attacker.connect();
      // Either switch works for a superuser; the first makes this session skip every trigger.
      await attacker.query(`set session_replication_role = replica`);
    });
    afterAll(async () => {
      await attacker?.end();
      await app?.close();
    });

    it('refuses the same changes while the triggers are on', async () => {
      const ordinary = new pg.Client({ connectionString: (app.running.store.pool as any).options.connectionString });
      await ordinary.connect();
      try {
        await expect(ordinary.query(`update events set data = '{}' where position = $1`, [positions[0]])).rejects.toThrow(/append-only/);
      } finally {
        await ordinary.end();
      }
    });

    it('finds an event whose data was changed', async () => {
      const p = positions[2];
      const before = await rowAt(p);
      await attacker.query(`update events set data = jsonb_set(data, '{name}', '"Forged town"') where position = $1`, [p]);
      await expectBrokenAt(p);
      await attacker.query(`update events set data = $2 where position = $1`, [p, JSON.stringify(before.data)]);
      await expectIntact();
    });

    it('finds a deleted event', async () => {
      const p = positions[5];
      const row = await rowAt(p);
      await attacker.query('delete from events where position = $1', [p]);
      await expectBrokenAt(p);
      await putBack(row);
      await expectIntact();
    });

    it('finds a deleted last event', async () => {
      const p = positions.at(-1)!;
      const row = await rowAt(p);
      await attacker.query('delete from events where position = $1', [p]);
      await expectBrokenAt(p);
      await putBack(row);
      await expectIntact();
    });

    it('finds two events whose data was swapped', async () => {
      const [a, b] = [positions[1], positions[6]];
      const [ra, rb] = [await rowAt(a), await rowAt(b)];
      await attacker.query('update events set data = $2 where position = $1', [a, JSON.stringify(rb.data)]);
      await attacker.query('update events set data = $2 where position = $1', [b, JSON.stringify(ra.data)]);
      await expectBrokenAt(a);
      await attacker.query('update events set data = $2 where position = $1', [a, JSON.stringify(ra.data)]);
      await attacker.query('update events set data = $2 where position = $1', [b, JSON.stringify(rb.data)]);
      await expectIntact();
    });

    it('finds a forged event slipped into a gap of the log', async () => {
      const before = await rowAt(gap - 1);
      await attacker.query(
        `insert into events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, tx_id)
         values ($1, $2, 'municipality-forged', 1, 'MunicipalityRegistered', 2, $3, $4, $5, $6)`,
        [gap, uuidv7(), JSON.stringify({ municipalityId: 'forged', name: 'Forged', oblast: 'Osh', district: null, kind: null, population: null }), JSON.stringify(before.metadata), before.recorded_at, before.tx_id],
      );
      await expectBrokenAt(gap);
      await attacker.query('delete from events where position = $1', [gap]);
      await expectIntact();
    });

    it('finds a rewrite of an event together with its stored hashes only in the full check (the signed checkpoint)', async () => {
      const p = positions[3];
      const before = await rowAt(p);
      const savedHashes = (await attacker.query(`select position, encode(hash, 'hex') as hash from event_hashes order by position`)).rows;
      await attacker.query(`update events set data = jsonb_set(data, '{name}', '"Rewritten"') where position = $1`, [p]);
      // The attacker recomputes every stored hash from the changed event on, so the chain agrees with itself.
      await app.running.sequencer.settle();
      const events = await new PostgresEventStore(app.running.store.pool).readAll();
      expect(events).toHaveLength(positions.length);
      const hashes = chainHashes(events);
      for (const [i, e] of events.entries()) await attacker.query(`update event_hashes set hash = decode($2, 'hex') where position = $1`, [e.position, hashes[i]]);
      expect(await verify(false)).toMatchObject({ valid: true });
      const full = await verify(true);
      expect(full).toMatchObject({ valid: false, firstInvalidPosition: positions[0], invalidCheckpoint: { reason: expect.stringMatching(/root/) } });
      // The exported bundle fails offline too: its signed checkpoint no longer matches.
      const bundle = await app.call('GET', '/audit/export', { as: users.auditor });
      expect(bundle.status).toBeLessThan(500);
      if (bundle.status === 200) expect(verifyBundle(bundle.text).valid).toBe(false);

      await attacker.query(`update events set data = $2 where position = $1`, [p, JSON.stringify(before.data)]);
      for (const row of savedHashes) await attacker.query(`update event_hashes set hash = decode($2, 'hex') where position = $1`, [row.position, row.hash]);
      await expectIntact();
    });
  });
}
