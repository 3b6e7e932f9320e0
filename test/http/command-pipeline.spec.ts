import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

for (const target of testTargets()) {
  describe(`command pipeline over HTTP (${target.name})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(target);
    });
    afterAll(async () => {
      await app.close();
    });

    describe('Idempotency-Key', () => {
      it('replays the first answer for a repeat and records nothing new', async () => {
        const headers = { 'idempotency-key': 'register-uzgen-1' };
        const body = { name: 'Uzgen', oblast: 'Osh' };
        const first = await app.call('POST', '/municipalities', { as: users.officer, body, headers });
        expect(first.status).toBe(201);
        const count = await app.eventCount();
        const again = await app.call('POST', '/municipalities', { as: users.officer, body, headers });
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
        expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
        expect(again.headers.get('ledger-position')).toBe(first.headers.get('ledger-position'));
        expect(await app.eventCount()).toBe(count);
      });

      it('answers 422 idempotency-key-reused for the same key with another body', async () => {
        const headers = { 'idempotency-key': 'register-2' };
        await app.call('POST', '/municipalities', { as: users.officer, body: { name: 'Suzak', oblast: 'Jalal-Abad' }, headers });
        const count = await app.eventCount();
        const other = await app.call('POST', '/municipalities', { as: users.officer, body: { name: 'Ala-Buka', oblast: 'Jalal-Abad' }, headers });
        expect(other.status).toBe(422);
        expect(other.body.rule).toBe('idempotency-key-reused');
        expect(await app.eventCount()).toBe(count);
      });

      it('records once when two requests with the same key race, and both get the same answer', async () => {
        const count = await app.eventCount();
        const headers = { 'idempotency-key': 'race-1' };
        const body = { name: 'Kerben', oblast: 'Jalal-Abad' };
        const answers = await Promise.all(Array.from({ length: 8 }, () => app.call('POST', '/municipalities', { as: users.officer, body, headers })));
        expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
        expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
        expect(await app.eventCount()).toBe(count + 1);
      });

      it('replays a refusal too', async () => {
        await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'amanbaev', name: 'Amanbaev', oblast: 'Talas' } });
        const headers = { 'idempotency-key': 'dup-amanbaev' };
        const first = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'amanbaev', name: 'Amanbaev', oblast: 'Talas' }, headers });
        expect(first.status).toBe(409);
        const again = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'amanbaev', name: 'Amanbaev', oblast: 'Talas' }, headers });
        expect(again.status).toBe(409);
        expect(again.body).toEqual(first.body);
      });

      it('keeps keys apart per user', async () => {
        const headers = { 'idempotency-key': 'shared-key' };
        const a = await app.call('POST', '/municipalities', { as: users.officer, body: { name: 'Jeti-Oguz', oblast: 'Issyk-Kul' }, headers });
        const b = await app.call('POST', '/municipalities', { as: users.admin, body: { name: 'Cholpon', oblast: 'Naryn' }, headers });
        expect([a.status, b.status]).toEqual([201, 201]);
        expect(a.body.id).not.toBe(b.body.id);
      });

      it('rejects a malformed key with 400', async () => {
        const r = await app.call('POST', '/municipalities', { as: users.officer, body: { name: 'X', oblast: 'Y' }, headers: { 'idempotency-key': 'has spaces in it' } });
        expect(r.status).toBe(400);
      });
    });

    describe('If-Match', () => {
      it('answers 409 when the entity is not at the version named, and records nothing', async () => {
        const count = await app.eventCount();
        const r = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'kulundu', name: 'Kulundu', oblast: 'Batken' }, headers: { 'if-match': '"3"' } });
        expect(r.status).toBe(409);
        expect(await app.eventCount()).toBe(count);
      });

      it('accepts the version the entity is at', async () => {
        const r = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'kulundu', name: 'Kulundu', oblast: 'Batken' }, headers: { 'if-match': '"0"' } });
        expect(r.status).toBe(201);
      });

      it('rejects a malformed If-Match with 400', async () => {
        const r = await app.call('POST', '/municipalities', { as: users.officer, body: { name: 'X', oblast: 'Y' }, headers: { 'if-match': 'yesterday' } });
        expect(r.status).toBe(400);
      });
    });

    describe('recorded metadata', () => {
      it('keeps who, when and the correlation id with every event', async () => {
        const r = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'nariman', name: 'Nariman', oblast: 'Osh' }, headers: { 'x-correlation-id': 'corr-nariman' } });
        expect(r.headers.get('x-correlation-id')).toBe('corr-nariman');
        const [event] = await app.running.store.readStream('municipality-nariman');
        expect(event.metadata).toMatchObject({ actor: { id: 'oscar', roles: ['programme-officer'] }, correlationId: 'corr-nariman', causationId: null });
        expect(Date.parse(event.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
      });
    });

    describe('operations', () => {
      it('serves health, metrics and the OpenAPI document', async () => {
        expect((await app.call('GET', '/health')).body).toMatchObject({ status: 'ok', database: 'up' });
        const metrics = await app.call('GET', '/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.text).toContain('http_requests_total');
        expect(metrics.text).toContain('ledger_projection_lag_events{projection="municipalities"}');
        expect(metrics.text).toContain('ledger_appended_events_total');
        const docs = await app.call('GET', '/docs-json');
        expect(docs.body.paths['/municipalities'].post).toBeDefined();
        expect(docs.body.paths['/admin/projections/rebuild'].post).toBeDefined();
        expect((await app.call('GET', '/docs')).status).toBe(200);
      });

      it('lists projections for admins only', async () => {
        expect((await app.call('GET', '/admin/projections', { as: users.auditor })).status).toBe(403);
        const r = await app.call('GET', '/admin/projections', { as: users.admin });
        expect(r.status).toBe(200);
        expect(r.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'municipalities', checkpoint: expect.any(Number), headPosition: expect.any(Number), lag: expect.any(Number), status: expect.any(String) })]));
      });

      it('rebuilds a projection blue-green: reads keep answering, the diff report is kept, the data is the same', async () => {
        const head = await app.running.store.headPosition();
        const before = await app.call('GET', `/municipalities?limit=1000&minPosition=${head}`, { as: users.auditor });
        const started = await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 'municipalities' } });
        expect(started.status).toBe(202);
        // While it rebuilds, reads still answer.
        expect((await app.call('GET', '/municipalities/nookat', { as: users.auditor })).status).toBeLessThan(500);
        await app.running.runner.rebuildsSettled();
        const report = await app.call('GET', '/admin/projections/municipalities/rebuilds/latest', { as: users.admin });
        expect(report.body).toMatchObject({ name: 'municipalities', status: 'switched', fromGeneration: 1, toGeneration: 2 });
        expect(report.body.diff).toEqual([expect.objectContaining({ table: 'municipalities', onlyBefore: 0, onlyAfter: 0, schemaChanged: false })]);
        expect(Object.keys(report.body.phases)).toEqual(['filled', 'indexed', 'caughtUp', 'compared', 'switched']);
        const after = await app.call('GET', `/municipalities?limit=1000&minPosition=${head}`, { as: users.auditor });
        expect(after.body).toEqual(before.body);
        const status = await app.call('GET', '/admin/projections', { as: users.admin });
        expect(status.body.find((p: any) => p.name === 'municipalities')).toMatchObject({ generation: 2, status: 'running' });
        // New events keep flowing into the new generation.
        const created = await app.call('POST', '/municipalities', { as: users.officer, body: { id: 'khalmion', name: 'Khalmion', oblast: 'Batken' } });
        const read = await app.call('GET', `/municipalities/khalmion?minPosition=${created.headers.get('ledger-position')}`, { as: users.auditor });
        expect(read.status).toBe(200);
      });

      it('answers 404 for an unknown projection', async () => {
        expect((await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 'nope' } })).status).toBe(404);
        expect((await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 5 } })).status).toBe(400);
      });
    });
  });
}
