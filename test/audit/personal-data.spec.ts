import { generateSigningKey, publicKeyPem } from '../../src/audit/checkpoint.js';
import { verifyBundle } from '../../src/audit/verify-bundle.js';
import { verifyInclusion } from '../../src/audit/merkle.js';
import { ERASED, PersonalData } from '../../src/audit/personal-data.js';
import { generateMasterKey, isEnvelope } from '../../src/audit/subject-crypto.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

/**
 * Personal data is crypto-shredded: names and contacts are recorded encrypted per person, read models keep
 * the ciphertext and the API decrypts at read time; erasing a person destroys their key, so their data reads
 * "[erased]" everywhere while the hash chain, checkpoints and proofs still verify.
 */
const target = testTargets()[0];
const usd = (amount: string) => ({ amount, currency: 'USD' });

describe(`PersonalData (${target.name} PostgreSQL)`, () => {
  let store: PostgresEventStore;
  let data: PersonalData;

  beforeAll(async () => {
    store = await PostgresEventStore.connect(await freshDatabase(target.url));
    data = new PersonalData(store.pool, generateMasterKey());
    await data.init();
    await data.init(); // idempotent
  });
  afterAll(async () => {
    await store.close();
  });

  it('protects, reveals deep values, and erases for good', async () => {
    const sealed = await data.protect('p-1', 'Aida Sadykova');
    expect(isEnvelope(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('Aida');
    const other = await data.protect('p-2', 'Bakyt');
    const doc = { members: [{ id: 'p-1', name: sealed }, { id: 'p-2', name: other }], n: 3, at: null };
    expect(await data.reveal(doc)).toEqual({ members: [{ id: 'p-1', name: 'Aida Sadykova' }, { id: 'p-2', name: 'Bakyt' }], n: 3, at: null });
    // The key is stored wrapped, never in the clear.
    const { rows } = await store.pool.query(`select wrapped::text from subject_keys where subject = 'p-1'`);
    expect(rows[0].wrapped).toContain('"ct"');

    expect(await data.erase('p-1')).toBe('active');
    expect(await data.erase('p-1')).toBe('erased');
    expect(await data.erase('nobody')).toBe('unknown');
    expect(await data.reveal(doc)).toEqual({ members: [{ id: 'p-1', name: ERASED }, { id: 'p-2', name: 'Bakyt' }], n: 3, at: null });
    await expect(data.protect('p-1', 'again')).rejects.toMatchObject({ rule: 'subject-erased' });
    // Another master key cannot open anyone's data: it reads as erased, never as someone else's.
    expect(await new PersonalData(store.pool, generateMasterKey()).reveal(other)).toBe(ERASED);
  });
});

for (const t of testTargets()) {
  describe(`erasure over HTTP (${t.name})`, () => {
    let app: TestApp;
    const ok = async (method: string, path: string, body: unknown, as = users.officer) => {
      const r = await app.call(method, path, { as, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r;
    };
    const read = (path: string, command: { headers: Headers }) => app.call('GET', `${path}?minPosition=${command.headers.get('ledger-position')}`, { as: users.auditor });

    beforeAll(async () => {
      app = await startTestApp(t);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('keeps names and contacts encrypted, reveals them, erases them everywhere, and every proof still verifies', async () => {
      await ok('POST', '/municipalities', { id: 'pd-town', name: 'PD town', oblast: 'Osh' });
      await ok('POST', '/programmes', { id: 'pd-prog', title: 'P', donor: { id: 'inl', name: 'INL' }, budget: usd('500000.00'), startDate: '2016-01-01', endDate: '2018-01-31' }, users.admin);
      await ok('POST', '/plans', {
        id: 'pd-plan', programmeId: 'pd-prog', municipalityId: 'pd-town', title: 'Plan', period: { from: '2016-01-01', to: '2017-12-31' },
        priorities: ['road safety'], activities: [{ id: 'a1', title: 'Safe roads', priority: 'road safety', fundingSource: 'programme' }],
      });
      await ok('POST', '/plans/pd-plan/endorse', { endorsedBy: 'kenesh', decisionRef: 'No. 1', endorsedOn: '2016-03-03' });
      const commission = await ok('POST', '/commissions', {
        id: 'pd-com', programmeId: 'pd-prog', name: 'Commission', quorum: 1,
        members: [{ id: 'maria', name: 'Maria Petrova', affiliation: 'civil society' }, { id: 'aida', name: 'Aida Sadykova', affiliation: 'akimiat' }],
      });
      await ok('POST', '/grant-calls', { id: 'pd-call', programmeId: 'pd-prog', commissionId: 'pd-com', title: 'Call', envelope: usd('34000.00'), minCoFundingRatio: '0.5', closesOn: '2099-12-31' });
      const submitted = await ok('POST', '/grant-calls/pd-call/applications', {
        id: 'pd-app', applicant: { name: 'Youth LCPC', type: 'lcpc' }, municipalityId: 'pd-town', planId: 'pd-plan', activityId: 'a1',
        title: 'Safe roads', priority: 'road safety', requested: usd('3000.00'), coFundingPledged: usd('1500.00'),
        contactPerson: { name: 'Gulnara Toktogulova', email: 'gulnara@example.org', phone: '+996 555 123 456' },
      });
      // A bad contact is a 400 and records nothing.
      const before = await app.eventCount();
      const bad = await app.call('POST', '/grant-calls/pd-call/applications', {
        as: users.officer,
        body: { id: 'pd-bad', applicant: { name: 'X', type: 'lcpc' }, municipalityId: 'pd-town', planId: 'pd-plan', title: 'T', priority: 'road safety', requested: usd('10.00'), coFundingPledged: usd('5.00'), contactPerson: { name: 'X', email: 'not-an-email' } },
      });
      expect(bad.status).toBe(400);
      expect(await app.eventCount()).toBe(before);

      // Stored events, read-model rows and the export hold ciphertext only.
      const { rows: stored } = await app.running.store.pool.query(`select data::text from events where stream_id in ('commission-pd-com', 'application-pd-app')`);
      for (const r of stored) expect(r.data).not.toMatch(/Maria Petrova|Aida Sadykova|Gulnara|gulnara@example|555 123/);

      // The API reveals them (the read model keeps ciphertext).
      expect((await read('/commissions/pd-com', commission)).body.members).toEqual([
        { id: 'maria', name: 'Maria Petrova', affiliation: 'civil society' },
        { id: 'aida', name: 'Aida Sadykova', affiliation: 'akimiat' },
      ]);
      expect((await read('/applications/pd-app', submitted)).body.contactPerson).toEqual({ name: 'Gulnara Toktogulova', email: 'gulnara@example.org', phone: '+996 555 123 456' });
      const rm: { m: string }[] = await app.running.dataSource.query(`select members::text as m from commissions where id = 'pd-com'`);
      expect(rm[0].m).toContain('"enc"');
      expect(rm[0].m).not.toContain('Maria Petrova');

      const before1 = (await app.call('POST', '/audit/checkpoints', { as: users.admin })).body;

      // Only an admin erases; unknown subjects are 404; the erasure is an event on subject-<id>.
      expect((await app.call('POST', '/admin/subjects/maria/erase', { as: users.officer, body: {} })).status).toBe(403);
      expect((await app.call('POST', '/admin/subjects/maria/erase', { body: {} })).status).toBe(401);
      expect((await app.call('POST', '/admin/subjects/nobody-at-all/erase', { as: users.admin, body: {} })).status).toBe(404);
      expect((await app.call('POST', '/admin/subjects/maria/erase', { as: users.admin, body: { reason: 1 } })).status).toBe(400);
      expect((await app.call('POST', '/admin/subjects/maria/erase', { as: users.admin, body: { why: 'x' } })).status).toBe(400);
      const erased = await app.call('POST', '/admin/subjects/maria/erase', { as: users.admin, body: { reason: 'erasure request 2026-11-23' } });
      expect(erased.status).toBe(200);
      expect(erased.body).toEqual({ id: 'maria', version: 1 });
      const noBody = await app.call('POST', '/admin/subjects/contact-pd-app/erase', { as: users.admin });
      expect(noBody.status).toBe(200);
      const again = await app.call('POST', '/admin/subjects/maria/erase', { as: users.admin, body: {} });
      expect([again.status, again.body.rule]).toEqual([422, 'already-erased']);
      const [event] = await app.running.store.readStream('subject-maria');
      expect(event).toMatchObject({ type: 'PersonalDataErased', data: { subjectId: 'maria' }, metadata: { reason: 'erasure request 2026-11-23', actor: { id: 'ada' } } });

      // Unreadable everywhere, read models included; others untouched.
      expect((await read('/commissions/pd-com', commission)).body.members.map((m: any) => m.name)).toEqual([ERASED, 'Aida Sadykova']);
      expect((await read('/applications/pd-app', submitted)).body.contactPerson).toEqual({ name: ERASED, email: ERASED, phone: ERASED });
      const list = await app.call('GET', '/grant-calls/pd-call/applications', { as: users.auditor });
      expect(list.body.items[0].contactPerson.name).toBe(ERASED);

      // The chain, the earlier checkpoint and every proof still verify.
      expect((await app.call('GET', '/audit/verify?full=true', { as: users.auditor })).body).toMatchObject({ valid: true });
      const position = Number(commission.headers.get('ledger-position'));
      const proof = (await app.call('GET', `/audit/proofs/inclusion?position=${position}&treeSize=${before1.treeSize}`, { as: users.auditor })).body;
      expect(proof.rootHash).toBe(before1.rootHash);
      expect(verifyInclusion(Buffer.from(proof.eventHash, 'hex'), proof.leafIndex, proof.treeSize, proof.proof.map((h: string) => Buffer.from(h, 'hex')), Buffer.from(before1.rootHash, 'hex'))).toBe(true);
      const bundle = await app.call('GET', '/audit/export', { as: users.auditor });
      const key = (await app.call('GET', '/audit/public-key', { as: users.auditor })).body.publicKeyPem;
      expect(verifyBundle(bundle.text, { publicKey: key }).valid).toBe(true);
      expect(verifyBundle(bundle.text, { publicKey: publicKeyPem(generateSigningKey()) }).valid).toBe(false);
      expect(bundle.text).not.toContain('Maria Petrova');

      // An erased person's data is never recorded again.
      const reuse = await app.call('POST', '/commissions', {
        as: users.officer,
        body: { id: 'pd-com-2', programmeId: 'pd-prog', name: 'C2', quorum: 1, members: [{ id: 'maria', name: 'Maria Petrova', affiliation: 'x' }] },
      });
      expect([reuse.status, reuse.body.rule]).toEqual([422, 'subject-erased']);
    });
  });
}
