import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

for (const target of testTargets()) {
  describe(`municipalities over HTTP (${target.name})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(target);
    });
    afterAll(async () => {
      await app.close();
    });

    it('registers a municipality and reads it back at the position the command wrote', async () => {
      const created = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'nookat', name: 'Nookat', oblast: 'Osh', district: 'Nookat district', kind: 'town', population: 64000 } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'nookat', version: 1 });
      expect(created.headers.get('etag')).toBe('"1"');
      const position = Number(created.headers.get('ledger-position'));
      expect(position).toBeGreaterThan(0);

      const read = await app.call('GET', `/municipalities/nookat?minPosition=${position}`, { as: users.auditor });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: 'nookat', version: 1, status: 'registered', name: 'Nookat', oblast: 'Osh', district: 'Nookat district', kind: 'town', population: 64000 });
      expect(read.headers.get('etag')).toBe('"1"');
      expect(Number(read.headers.get('ledger-position'))).toBeGreaterThanOrEqual(position);

      const list = await app.call('GET', `/municipalities?oblast=Osh&minPosition=${position}`, { as: users.auditor });
      expect(list.body.items.map((m: any) => m.id)).toContain('nookat');
    });

    it('runs its queries without JIT, on the event store\'s connections and the read models\'', async () => {
      const settings = [await app.running.store.pool.query('show jit'), await app.running.dataSource.query('show jit')];
      expect(settings.map((r: any) => (r.rows ?? r)[0].jit)).toEqual(['off', 'off']);
    });

    it('makes an id when the client sends none', async () => {
      const created = await app.call('POST', '/municipalities', { as: users.admin, body: { name: 'Kara-Suu', oblast: 'Osh' } });
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
    });

    it('answers 409 for an id that exists, and records nothing', async () => {
      await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'chaek', name: 'Chaek', oblast: 'Naryn' } });
      const before = await app.eventCount();
      const again = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'chaek', name: 'Chaek', oblast: 'Naryn' } });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await app.eventCount()).toBe(before);
    });

    it('answers 401 without or with a bad token, 403 for a role not allowed', async () => {
      expect((await app.call('POST', '/municipalities', { body: { name: 'X', oblast: 'Y' } })).status).toBe(401);
      expect((await app.call('GET', '/municipalities/nookat', { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
      const forged = (await app.token('ada', 'admin')).slice(0, -2) + 'xx';
      expect((await app.call('GET', '/municipalities/nookat', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
      const before = await app.eventCount();
      for (const who of [users.auditor, users.finance, users.member]) {
        const r = await app.call('POST', '/municipalities', { as: who, body: { name: 'X', oblast: 'Y' } });
        expect(r.status).toBe(403);
        expect(r.body).toMatchObject({ status: 403, title: 'Forbidden' });
      }
      expect(await app.eventCount()).toBe(before);
    });

    it('answers 400 with the list of problems for bad input, and records nothing', async () => {
      const before = await app.eventCount();
      const cases: [string, unknown][] = [
        ['missing fields', {}],
        ['unknown field', { name: 'A', oblast: 'B', mayor: 'C' }],
        ['wrong type', { name: 5, oblast: 'B' }],
        ['bad id', { id: 'Has Spaces', name: 'A', oblast: 'B' }],
        ['negative population', { name: 'A', oblast: 'B', population: -1 }],
        ['fractional population', { name: 'A', oblast: 'B', population: 1.5 }],
        ['string population', { name: 'A', oblast: 'B', population: '5' }],
        ['unknown kind', { name: 'A', oblast: 'B', kind: 'castle' }],
        ['array body', [1, 2]],
        ['null body', null],
      ];
      for (const [label, body] of cases) {
        const r = await app.call('POST', '/municipalities', { as: users.officer, body });
        expect([label, r.status]).toEqual([label, 400]);
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ type: expect.any(String), title: 'Bad Request', status: 400, detail: expect.any(String) });
      }
      const malformed = await app.call('POST', '/municipalities', { as: users.officer, rawBody: '{"name":' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.detail).toMatch(/^malformed JSON body: (?!malformed)/); // said once
      const empty = await app.call('POST', '/municipalities', { as: users.officer, rawBody: '' });
      expect(empty.status).toBe(400);
      expect(empty.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['name', 'oblast']));
      expect(malformed.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const missing = await app.call('POST', '/municipalities', { as: users.officer, body: {} });
      expect(missing.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['name', 'oblast']));
      expect(await app.eventCount()).toBe(before);
    });

    it('answers 404 problem+json for an unknown entity and an unknown route', async () => {
      const r = await app.call('GET', '/municipalities/nowhere', { as: users.auditor });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await app.call('GET', '/no-such-thing', { as: users.auditor })).status).toBe(404);
    });

    it('checks bad freshness parameters', async () => {
      expect((await app.call('GET', '/municipalities/nookat?minPosition=abc', { as: users.auditor })).status).toBe(400);
      expect((await app.call('GET', '/municipalities/nookat?minPosition=999999999', { as: users.auditor })).status).toBe(400);
      expect((await app.call('GET', '/municipalities?limit=0', { as: users.auditor })).status).toBe(400);
    });
  });
}
