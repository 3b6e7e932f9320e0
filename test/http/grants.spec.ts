import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

/**
 * The grants area over real HTTP: commissions, calls, applications and the commission's work on them,
 * disbursements and co-funding; every answer class (400/401/403/404/409/422), and the races the consistency
 * design must win (docs/consistency.md).
 */

const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };
const usd = (amount: string) => ({ amount, currency: 'USD' });

// Commission members are JWT subjects; maria is the shared test member, the others vote with her.
const maria = users.member;
const aida = ['aida', 'commission-member'];
const bakyt = ['bakyt', 'commission-member'];
const chynara = ['chynara', 'commission-member'];
const outsider = ['olzhas', 'commission-member'];

const votesFor = (...members: string[][]) => members.map((m) => ({ memberId: m[0], vote: 'for' }));

for (const target of testTargets()) {
  describe(`grants over HTTP (${target.name})`, () => {
    let app: TestApp;

    const ok = async (method: string, path: string, body: unknown, as = users.officer) => {
      const r = await app.call(method, path, { as, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r;
    };
    const read = async (path: string, command: { headers: Headers }) =>
      app.call('GET', `${path}?minPosition=${command.headers.get('ledger-position')}`, { as: users.auditor });
    /** The command is refused with this status (and rule), and nothing is recorded. */
    const refused = async (status: number, method: string, path: string, body: unknown, as = users.officer, rule?: string) => {
      const before = await app.eventCount();
      const r = await app.call(method, path, { as, body });
      expect([method, path, r.status, r.body?.rule]).toEqual([method, path, status, rule ?? r.body?.rule]);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      if (rule) expect(r.body).toMatchObject({ status, rule });
      expect(await app.eventCount()).toBe(before);
      return r;
    };
    const rule = (code: string, method: string, path: string, body: unknown, as = users.officer) => refused(422, method, path, body, as, code);

    /** A programme with an endorsed plan in a municipality, a commission, and an open call. */
    const world = async (name: string, { budget = '500000.00', envelope = '34000.00', ratio = '0.5', quorum = 3 } = {}) => {
      await ok('POST', '/municipalities', { id: `${name}-town`, name: `${name} town`, oblast: 'Osh' });
      await ok(
        'POST',
        '/programmes',
        { id: `${name}-prog`, title: 'Support to Crime Prevention', donor: { id: 'inl', name: 'INL' }, budget: usd(budget), startDate: '2016-01-01', endDate: '2018-01-31' },
        users.admin,
      );
      await ok('POST', '/plans', {
        id: `${name}-plan`,
        programmeId: `${name}-prog`,
        municipalityId: `${name}-town`,
        title: 'Local crime prevention plan',
        period: { from: '2016-01-01', to: '2017-12-31' },
        priorities: ['road safety'],
        activities: [{ id: 'a1', title: 'Safe roads to school', priority: 'road safety', fundingSource: 'programme' }],
      });
      await ok('POST', `/plans/${name}-plan/endorse`, { endorsedBy: 'town kenesh', decisionRef: 'No. 12/3', endorsedOn: '2016-03-03' });
      await ok('POST', '/commissions', {
        id: `${name}-com`,
        programmeId: `${name}-prog`,
        name: 'Small grants commission',
        quorum,
        members: [maria, aida, bakyt, chynara].map(([id]) => ({ id, name: id, affiliation: 'civil society' })),
      });
      const opened = await ok('POST', '/grant-calls', {
        id: `${name}-call`,
        programmeId: `${name}-prog`,
        commissionId: `${name}-com`,
        title: 'Small grants',
        envelope: usd(envelope),
        minCoFundingRatio: ratio,
        closesOn: '2099-12-31',
      });
      return { programmeId: `${name}-prog`, municipalityId: `${name}-town`, planId: `${name}-plan`, commissionId: `${name}-com`, callId: `${name}-call`, opened };
    };

    const applicationBody = (w: { municipalityId: string; planId: string }, id: string, requested = '3000.00', pledged = '1500.00') => ({
      id,
      applicant: { name: 'Youth LCPC', type: 'lcpc' },
      municipalityId: w.municipalityId,
      planId: w.planId,
      activityId: 'a1',
      title: 'Safe roads to school',
      priority: 'road safety',
      requested: usd(requested),
      coFundingPledged: usd(pledged),
    });
    const submit = (w: { callId: string; municipalityId: string; planId: string }, id: string, requested?: string, pledged?: string) =>
      ok('POST', `/grant-calls/${w.callId}/applications`, applicationBody(w, id, requested, pledged));
    const approve = (applicationId: string, amount: string, as = maria) =>
      app.call('POST', `/applications/${applicationId}/decision`, { as, body: { outcome: 'approved', approvedAmount: usd(amount), votes: votesFor(maria, aida, bakyt), minutesRef: 'GC-1' } });
    const approvedGrant = async (w: Awaited<ReturnType<typeof world>>, id: string, amount = '3000.00') => {
      await submit(w, id, amount, amount);
      const r = await approve(id, amount);
      if (r.status !== 200) throw new Error(`approve ${id}: ${r.status} ${r.text}`);
      return r;
    };

    beforeAll(async () => {
      app = await startTestApp(target);
    });
    afterAll(async () => {
      await app.close();
    });

    it('runs a grant from call to payment and co-funding, and reads every step back', async () => {
      const w = await world('nookat');
      const commission = await read(`/commissions/${w.commissionId}`, w.opened);
      expect(commission.body).toMatchObject({ id: w.commissionId, version: 1, status: 'constituted', quorum: 3, programmeId: w.programmeId });
      expect(commission.body.members.map((m: any) => m.id)).toEqual(['maria', 'aida', 'bakyt', 'chynara']);

      const submitted = await app.call('POST', `/grant-calls/${w.callId}/applications`, { as: users.officer, body: applicationBody(w, 'nookat-roads', '3000.00', '1500.00') });
      expect(submitted.status).toBe(201);
      expect(submitted.body).toEqual({ id: 'nookat-roads', version: 1 });
      expect(submitted.headers.get('etag')).toBe('"1"');

      const conflict = await app.call('POST', '/applications/nookat-roads/conflicts', { as: chynara, body: { reason: 'my cousin chairs the applicant' } });
      expect([conflict.status, conflict.body]).toEqual([200, { id: 'nookat-roads', version: 2 }]);
      expect((await app.call('POST', '/applications/nookat-roads/scores', { as: aida, body: { score: 87, comment: 'clear plan' } })).status).toBe(200);
      const decided = await app.call('POST', '/applications/nookat-roads/decision', {
        as: maria,
        body: { outcome: 'approved', approvedAmount: usd('2500.00'), votes: [...votesFor(maria, aida), { memberId: 'bakyt', vote: 'abstain' }], minutesRef: 'GC-2016/11', reason: 'trimmed' },
      });
      expect([decided.status, decided.body]).toEqual([200, { id: 'nookat-roads', version: 4 }]);

      const requested = await ok('POST', '/disbursements', { id: 'nookat-roads-t1', target: { kind: 'grant', id: 'nookat-roads' }, amount: usd('1000.00'), purpose: 'first tranche' });
      expect(requested.status).toBe(201);
      // Approving takes no body at all.
      const approved = await app.call('POST', '/disbursements/nookat-roads-t1/approve', { as: users.finance });
      expect([approved.status, approved.text]).toEqual([200, JSON.stringify({ id: 'nookat-roads-t1', version: 2 })]);
      const paid = await app.call('POST', '/disbursements/nookat-roads-t1/pay', { as: users.finance2, body: { paidOn: '2017-01-20', bankReference: 'RSK-42' } });
      expect([paid.status, paid.body]).toEqual([200, { id: 'nookat-roads-t1', version: 3 }]);
      const cofunded = await ok('POST', '/co-funding', {
        id: 'nookat-cf-1',
        target: { kind: 'grant', id: 'nookat-roads' },
        amount: { amount: '131580.00', currency: 'KGS' },
        exchangeRate: RATE,
        source: 'local-budget',
        evidenceRef: 'Nookat payment order 17/2017',
        receivedOn: '2017-05-10',
      });

      const application = await read('/applications/nookat-roads', cofunded);
      expect(application.status).toBe(200);
      expect(application.headers.get('etag')).toBe('"4"');
      expect(application.body).toMatchObject({
        id: 'nookat-roads',
        version: 4,
        status: 'approved',
        grantCallId: w.callId,
        requested: usd('3000.00'),
        approved: usd('2500.00'),
        pledged: usd('1500.00'),
        received: usd('1500.01'),
        disbursed: usd('1000.00'),
        recusedMembers: [expect.objectContaining({ memberId: 'chynara', reason: 'my cousin chairs the applicant' })],
        scores: [expect.objectContaining({ memberId: 'aida', score: 87, comment: 'clear plan' })],
        decision: expect.objectContaining({ outcome: 'approved', minutesRef: 'GC-2016/11', decidedBy: 'maria', tally: { for: 2, against: 0, abstain: 1 } }),
      });
      expect(application.body.decision.votes).toHaveLength(3);

      const listed = await read(`/grant-calls/${w.callId}/applications`, cofunded);
      expect(listed.body).toMatchObject({ total: 1, items: [expect.objectContaining({ id: 'nookat-roads', status: 'approved' })] });
      expect((await app.call('GET', '/grant-calls/none/applications', { as: users.auditor })).status).toBe(404);
      const call = await read(`/grant-calls/${w.callId}`, cofunded);
      expect(call.body).toMatchObject({ id: w.callId, status: 'open', envelope: usd('34000.00'), approvedTotal: usd('2500.00'), remaining: usd('31500.00'), applications: 1, minCoFundingRatio: '0.5' });
      const disbursement = await read('/disbursements/nookat-roads-t1', cofunded);
      expect(disbursement.body).toMatchObject({ id: 'nookat-roads-t1', version: 3, status: 'paid', requestedBy: 'oscar', approvedBy: 'fatima', paidBy: 'farid', paidOn: '2017-01-20', amountReporting: usd('1000.00') });
      const coFunding = await read('/co-funding/nookat-cf-1', cofunded);
      expect(coFunding.body).toMatchObject({ id: 'nookat-cf-1', amount: { amount: '131580.00', currency: 'KGS' }, amountReporting: usd('1500.01'), exchangeRate: RATE, programmeId: w.programmeId });

      // Closing the call gives the unspent envelope back: nothing remains to draw.
      const closed = await ok('POST', `/grant-calls/${w.callId}/close`, { closedOn: '2017-01-31', reason: 'all applications decided' });
      expect(closed.body).toEqual({ id: w.callId, version: 3 }); // opened, drawn, closed
      const afterClose = await read(`/grant-calls/${w.callId}`, closed);
      expect(afterClose.body).toMatchObject({ status: 'closed', approvedTotal: usd('2500.00'), remaining: usd('31500.00'), released: usd('31500.00'), closedOn: '2017-01-31' });
    });

    it('answers 401 without a token and 403 for every role the contract does not allow', async () => {
      const w = await world('roles');
      await submit(w, 'roles-app');
      const writes: [string, string, unknown, string[][]][] = [
        ['POST', '/commissions', { programmeId: w.programmeId, name: 'c', quorum: 1, members: [{ id: 'm', name: 'm', affiliation: 'a' }] }, [users.finance, maria, users.auditor]],
        ['POST', '/grant-calls', {}, [users.admin, users.finance, maria, users.auditor]],
        ['POST', `/grant-calls/${w.callId}/close`, {}, [users.admin, users.finance, maria, users.auditor]],
        ['POST', `/grant-calls/${w.callId}/applications`, applicationBody(w, 'roles-x'), [users.admin, users.finance, maria, users.auditor]],
        ['POST', '/applications/roles-app/conflicts', { reason: 'x' }, [users.admin, users.officer, users.finance, users.auditor]],
        ['POST', '/applications/roles-app/scores', { score: 5 }, [users.admin, users.officer, users.finance, users.auditor]],
        ['POST', '/applications/roles-app/decision', { outcome: 'rejected', votes: [], minutesRef: 'x' }, [users.admin, users.officer, users.finance, users.auditor]],
        ['POST', '/applications/roles-app/revoke', { reason: 'x', minutesRef: 'x' }, [users.admin, users.officer, users.finance, users.auditor]],
        ['POST', '/disbursements', {}, [users.admin, users.finance, maria, users.auditor]],
        ['POST', '/disbursements/d/approve', {}, [users.admin, users.officer, maria, users.auditor]],
        ['POST', '/disbursements/d/pay', { paidOn: '2017-01-01', bankReference: 'x' }, [users.admin, users.officer, maria, users.auditor]],
        ['POST', '/disbursements/d/cancel', { reason: 'x' }, [users.admin, maria, users.auditor]],
        ['POST', '/co-funding', {}, [users.admin, users.finance, maria, users.auditor]],
      ];
      const before = await app.eventCount();
      for (const [method, path, body, forbidden] of writes) {
        expect([path, (await app.call(method, path, { body })).status]).toEqual([path, 401]);
        for (const who of forbidden) expect([path, who[1], (await app.call(method, path, { as: who, body })).status]).toEqual([path, who[1], 403]);
      }
      for (const path of [`/commissions/${w.commissionId}`, `/grant-calls/${w.callId}`, '/applications/roles-app', '/disbursements/none', '/co-funding/none']) {
        expect((await app.call('GET', path)).status).toBe(401);
      }
      expect(await app.eventCount()).toBe(before);
      // Admins may constitute commissions too.
      expect((await app.call('POST', '/commissions', { as: users.admin, body: writes[0][2] })).status).toBe(201);
    });

    it('answers 400 for malformed, missing, unknown or mistyped fields on every command', async () => {
      const w = await world('bad');
      await submit(w, 'bad-app');
      const cases: [string, unknown, string[]?][] = [
        ['/commissions', { programmeId: w.programmeId, name: 'c', quorum: 0, members: [{ id: 'm', name: 'm', affiliation: 'a' }] }],
        ['/commissions', { programmeId: w.programmeId, name: 'c', quorum: 2, members: [{ id: 'm', name: 'm', affiliation: 'a' }] }],
        ['/commissions', { programmeId: w.programmeId, name: 'c', quorum: 1, members: [] }],
        ['/commissions', { programmeId: w.programmeId, name: 'c', quorum: 1, members: [{ id: 'm', name: 'm' }] }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: { amount: 34000, currency: 'USD' }, minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('1.001'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('1.00'), minCoFundingRatio: 0.5, closesOn: '2099-01-01' }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('1.00'), minCoFundingRatio: '0.5', closesOn: '2099-02-30' }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('-1.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        [`/grant-calls/${w.callId}/close`, { closedOn: 'yesterday' }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'bad-1'), applicant: { name: 'x', type: 'company' } }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'bad-2'), mayor: 'x' }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'bad-3'), requested: undefined }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'bad-4'), activityId: 'no-such-activity' }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'Bad Id') }],
        ['/applications/bad-app/conflicts', {}, maria],
        ['/applications/bad-app/scores', { score: 101 }, maria],
        ['/applications/bad-app/scores', { score: '50' }, maria],
        ['/applications/bad-app/decision', { outcome: 'maybe', votes: [], minutesRef: 'x' }, maria],
        ['/applications/bad-app/decision', { outcome: 'approved', votes: votesFor(maria, aida, bakyt), minutesRef: 'x' }, maria],
        ['/applications/bad-app/decision', { outcome: 'approved', approvedAmount: usd('1.00'), votes: [{ memberId: 'maria', vote: 'yes' }], minutesRef: 'x' }, maria],
        ['/applications/bad-app/decision', { outcome: 'approved', approvedAmount: usd('1.00'), votes: [...votesFor(maria, maria, aida)], minutesRef: 'x' }, maria],
        ['/applications/bad-app/revoke', { reason: 'x' }, maria],
        ['/disbursements', { target: { kind: 'loan', id: 'bad-app' }, amount: usd('1.00'), purpose: 'x' }],
        ['/disbursements', { target: { kind: 'grant', id: 'bad-app' }, amount: usd('0.00'), purpose: 'x' }],
        ['/disbursements/any/pay', { paidOn: '2017-13-01', bankReference: 'x' }, users.finance],
        ['/disbursements/any/cancel', {}],
        ['/disbursements/any/approve', { note: 'x' }, users.finance],
        ['/co-funding', { target: { kind: 'grant', id: 'bad-app' }, amount: usd('1.00'), source: 'donor', evidenceRef: 'x', receivedOn: '2017-01-01' }],
        ['/co-funding', { target: { kind: 'grant', id: 'bad-app' }, amount: usd('1.00'), source: 'local-budget', receivedOn: '2017-01-01' }],
        ['/co-funding', { target: { kind: 'grant', id: 'bad-app' }, amount: usd('1.00'), exchangeRate: { rate: '0', date: '2017-01-01', source: 'NBKR' }, source: 'local-budget', evidenceRef: 'x', receivedOn: '2017-01-01' }],
      ];
      for (const [path, body, as] of cases) {
        const r = await refused(400, 'POST', path, body, as ?? users.officer);
        expect(r.body).toMatchObject({ title: 'Bad Request', status: 400, detail: expect.any(String) });
      }
      const malformed = await app.call('POST', '/grant-calls', { as: users.officer, rawBody: '{"title":' });
      expect(malformed.status).toBe(400);
    });

    it('answers 404 for unknown entities, on commands and reads', async () => {
      const w = await world('lost');
      await submit(w, 'lost-app');
      const cases: [string, unknown, string[]?][] = [
        ['/commissions', { programmeId: 'no-prog', name: 'c', quorum: 1, members: [{ id: 'm', name: 'm', affiliation: 'a' }] }, users.admin],
        ['/grant-calls', { programmeId: 'no-prog', commissionId: w.commissionId, title: 't', envelope: usd('1.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        ['/grant-calls', { programmeId: w.programmeId, commissionId: 'no-com', title: 't', envelope: usd('1.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        ['/grant-calls/no-call/close', {}],
        ['/grant-calls/no-call/applications', applicationBody(w, 'lost-x')],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'lost-y'), planId: 'no-plan' }],
        [`/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'lost-z'), municipalityId: 'no-town' }],
        ['/applications/no-app/conflicts', { reason: 'x' }, maria],
        ['/applications/no-app/scores', { score: 5 }, maria],
        ['/applications/no-app/decision', { outcome: 'rejected', votes: [], minutesRef: 'x' }, maria],
        ['/applications/no-app/revoke', { reason: 'x', minutesRef: 'x' }, maria],
        ['/disbursements', { target: { kind: 'grant', id: 'no-app' }, amount: usd('1.00'), purpose: 'x' }],
        ['/disbursements', { target: { kind: 'facility', id: 'no-facility' }, amount: usd('1.00'), purpose: 'x' }],
        ['/disbursements/no-d/approve', {}, users.finance],
        ['/disbursements/no-d/pay', { paidOn: '2017-01-01', bankReference: 'x' }, users.finance],
        ['/disbursements/no-d/cancel', { reason: 'x' }],
        ['/co-funding', { target: { kind: 'plan', id: 'no-plan' }, amount: usd('1.00'), source: 'local-budget', evidenceRef: 'lost-1', receivedOn: '2017-01-01' }],
        ['/co-funding', { target: { kind: 'grant', id: 'no-app' }, amount: usd('1.00'), source: 'local-budget', evidenceRef: 'lost-2', receivedOn: '2017-01-01' }],
      ];
      for (const [path, body, as] of cases) await refused(404, 'POST', path, body, as ?? users.officer);
      for (const path of ['/commissions/none', '/grant-calls/none', '/applications/none', '/disbursements/none', '/co-funding/none']) {
        const r = await app.call('GET', path, { as: users.auditor });
        expect([path, r.status]).toEqual([path, 404]);
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    });

    it('answers 409 for ids that exist and for a stale If-Match', async () => {
      const w = await world('taken');
      await approvedGrant(w, 'taken-app');
      await ok('POST', '/disbursements', { id: 'taken-d', target: { kind: 'grant', id: 'taken-app' }, amount: usd('1.00'), purpose: 'x' });
      await ok('POST', '/co-funding', { id: 'taken-cf', target: { kind: 'grant', id: 'taken-app' }, amount: usd('1.00'), source: 'other', evidenceRef: 'taken-1', receivedOn: '2017-01-01' });
      const cases: [string, unknown][] = [
        ['/commissions', { id: w.commissionId, programmeId: w.programmeId, name: 'c', quorum: 1, members: [{ id: 'm', name: 'm', affiliation: 'a' }] }],
        ['/grant-calls', { id: w.callId, programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('1.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }],
        [`/grant-calls/${w.callId}/applications`, applicationBody(w, 'taken-app')],
        ['/disbursements', { id: 'taken-d', target: { kind: 'grant', id: 'taken-app' }, amount: usd('1.00'), purpose: 'x' }],
        ['/co-funding', { id: 'taken-cf', target: { kind: 'grant', id: 'taken-app' }, amount: usd('1.00'), source: 'other', evidenceRef: 'taken-2', receivedOn: '2017-01-01' }],
      ];
      for (const [path, body] of cases) await refused(409, 'POST', path, body);

      const before = await app.eventCount();
      const stale = await app.call('POST', '/disbursements/taken-d/approve', { as: users.finance, body: {}, headers: { 'if-match': '"7"' } });
      expect(stale.status).toBe(409);
      const staleScore = await app.call('POST', '/applications/taken-app/scores', { as: aida, body: { score: 5 }, headers: { 'if-match': '"1"' } });
      expect(staleScore.status).toBe(409);
      expect(await app.eventCount()).toBe(before);
      const fresh = await app.call('POST', '/disbursements/taken-d/approve', { as: users.finance, body: {}, headers: { 'if-match': '"1"' } });
      expect([fresh.status, fresh.headers.get('etag')]).toEqual([200, '"2"']);
    });

    describe('rules (422, nothing recorded)', () => {
      it('grant calls: budget-exceeded, invalid-state, exchange-rate-required', async () => {
        const w = await world('calls', { budget: '50000.00', envelope: '34000.00' });
        const callBody = (id: string, envelope: unknown, extra = {}) => ({ id, programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope, minCoFundingRatio: '0.5', closesOn: '2099-01-01', ...extra });
        await rule('budget-exceeded', 'POST', '/grant-calls', callBody('calls-2', usd('16000.01')));
        await rule('exchange-rate-required', 'POST', '/grant-calls', callBody('calls-3', { amount: '100000.00', currency: 'KGS' }));
        expect((await app.call('POST', '/grant-calls', { as: users.officer, body: callBody('calls-4', { amount: '1000000.00', currency: 'KGS' }, { exchangeRate: RATE }) })).status).toBe(201);
        await ok('POST', `/grant-calls/${w.callId}/close`, {});
        await rule('invalid-state', 'POST', `/grant-calls/${w.callId}/close`, {});
        // The closed call's envelope went back to the budget: a new call can take it.
        expect((await app.call('POST', '/grant-calls', { as: users.officer, body: callBody('calls-5', usd('34000.00')) })).status).toBe(201);
      });

      it('applications: call-closed, plan-not-endorsed, co-funding-below-ratio', async () => {
        const w = await world('subm');
        await rule('co-funding-below-ratio', 'POST', `/grant-calls/${w.callId}/applications`, applicationBody(w, 'subm-1', '3000.00', '1499.99'));
        await rule('exchange-rate-required', 'POST', `/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'subm-2'), coFundingPledged: { amount: '200000.00', currency: 'KGS' } });
        await ok('POST', '/plans', {
          id: 'subm-draft', programmeId: w.programmeId, municipalityId: w.municipalityId, title: 'draft', period: { from: '2016-01-01', to: '2016-12-31' },
          priorities: ['road safety'], activities: [{ id: 'a1', title: 'x', priority: 'road safety', fundingSource: 'programme' }],
        });
        await rule('plan-not-endorsed', 'POST', `/grant-calls/${w.callId}/applications`, { ...applicationBody(w, 'subm-3'), planId: 'subm-draft' });
        await ok('POST', '/grant-calls', { id: 'subm-past', programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('10.00'), minCoFundingRatio: '0', closesOn: '2016-12-31' });
        await rule('call-closed', 'POST', '/grant-calls/subm-past/applications', applicationBody(w, 'subm-4'));
        // Recorded after the fact with its real submission date: accepted before the call closed, refused after.
        await ok('POST', '/grant-calls/subm-past/applications', { ...applicationBody(w, 'subm-6'), submittedOn: '2016-12-01' });
        await rule('call-closed', 'POST', '/grant-calls/subm-past/applications', { ...applicationBody(w, 'subm-7'), submittedOn: '2017-01-01' });
        const future = await app.call('POST', '/grant-calls/subm-past/applications', { as: users.officer, body: { ...applicationBody(w, 'subm-8'), submittedOn: '2999-01-01' } });
        expect(future.status).toBe(400);
        const impossible = await app.call('POST', '/grant-calls/subm-past/applications', { as: users.officer, body: { ...applicationBody(w, 'subm-9'), submittedOn: '2016-02-30' } });
        expect(impossible.status).toBe(400);
        await ok('POST', `/grant-calls/${w.callId}/close`, {});
        await rule('call-closed', 'POST', `/grant-calls/${w.callId}/applications`, applicationBody(w, 'subm-5'));
      });

      it('the commission: not-a-member, member-recused, quorum-not-met, majority-not-reached, outcome-contradicts-votes', async () => {
        const w = await world('votes');
        await submit(w, 'votes-app');
        await ok('POST', '/applications/votes-app/conflicts', { reason: 'related to the applicant' }, chynara);
        const decision = (body: object) => ({ outcome: 'approved', approvedAmount: usd('3000.00'), votes: votesFor(maria, aida, bakyt), minutesRef: 'GC-1', ...body });
        await rule('not-a-member', 'POST', '/applications/votes-app/conflicts', { reason: 'x' }, outsider);
        await rule('not-a-member', 'POST', '/applications/votes-app/scores', { score: 50 }, outsider);
        await rule('not-a-member', 'POST', '/applications/votes-app/decision', decision({}), outsider);
        await rule('not-a-member', 'POST', '/applications/votes-app/decision', decision({ votes: votesFor(maria, aida, outsider) }), maria);
        await rule('member-recused', 'POST', '/applications/votes-app/scores', { score: 50 }, chynara);
        await rule('member-recused', 'POST', '/applications/votes-app/decision', decision({}), chynara);
        await rule('member-recused', 'POST', '/applications/votes-app/decision', decision({ votes: votesFor(maria, aida, chynara) }), maria);
        await rule('quorum-not-met', 'POST', '/applications/votes-app/decision', decision({ votes: votesFor(maria, aida) }), maria);
        await rule('majority-not-reached', 'POST', '/applications/votes-app/decision', decision({ votes: [...votesFor(maria), { memberId: 'aida', vote: 'against' }, { memberId: 'bakyt', vote: 'abstain' }] }), maria);
        await rule('outcome-contradicts-votes', 'POST', '/applications/votes-app/decision', { outcome: 'rejected', votes: votesFor(maria, aida, bakyt), minutesRef: 'GC-1' }, maria);
        await rule('not-a-member', 'POST', '/applications/votes-app/revoke', { reason: 'x', minutesRef: 'x' }, outsider);
      });

      it('decisions: amount-exceeds-request, envelope-exceeded, decision-already-recorded; revoke: invalid-state', async () => {
        const w = await world('dec', { envelope: '5000.00' });
        await submit(w, 'dec-1', '3000.00', '1500.00');
        await rule('amount-exceeds-request', 'POST', '/applications/dec-1/decision', { outcome: 'approved', approvedAmount: usd('3000.01'), votes: votesFor(maria, aida, bakyt), minutesRef: 'x' }, maria);
        await rule('invalid-state', 'POST', '/applications/dec-1/revoke', { reason: 'x', minutesRef: 'x' }, maria);
        expect((await approve('dec-1', '3000.00')).status).toBe(200);
        await rule('decision-already-recorded', 'POST', '/applications/dec-1/decision', { outcome: 'approved', approvedAmount: usd('3000.00'), votes: votesFor(maria, aida, bakyt), minutesRef: 'x' }, maria);
        await submit(w, 'dec-2', '3000.00', '3000.00');
        await rule('envelope-exceeded', 'POST', '/applications/dec-2/decision', { outcome: 'approved', approvedAmount: usd('2000.01'), votes: votesFor(maria, aida, bakyt), minutesRef: 'x' }, maria);
        expect((await approve('dec-2', '2000.00')).status).toBe(200);

        // Approving less than requested keeps the pledge above the ratio: 1,500 ≥ 0.5 × 2,000.
        await ok('POST', '/grant-calls', { id: 'dec-other', programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd('5000.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' });
        await ok('POST', '/grant-calls/dec-other/applications', applicationBody(w, 'dec-3', '3000.00', '1500.00'));
        expect((await approve('dec-3', '2000.00')).status).toBe(200);

        // Revoking gives the grant back to the envelope; a grant with money disbursed cannot be revoked.
        await ok('POST', '/disbursements', { id: 'dec-1-t1', target: { kind: 'grant', id: 'dec-1' }, amount: usd('100.00'), purpose: 'x' });
        await rule('invalid-state', 'POST', '/applications/dec-1/revoke', { reason: 'x', minutesRef: 'x' }, maria);
        await ok('POST', '/disbursements/dec-1-t1/cancel', { reason: 'entered by mistake' });
        const revoked = await ok('POST', '/applications/dec-1/revoke', { reason: 'applicant dissolved', minutesRef: 'GC-9' }, aida);
        await rule('invalid-state', 'POST', '/applications/dec-1/revoke', { reason: 'x', minutesRef: 'x' }, maria);
        const call = await read(`/grant-calls/${w.callId}`, revoked);
        expect(call.body).toMatchObject({ approvedTotal: usd('2000.00'), remaining: usd('3000.00') });
        const application = await read('/applications/dec-1', revoked);
        expect(application.body).toMatchObject({ status: 'revoked', revocation: expect.objectContaining({ reason: 'applicant dissolved', revokedBy: 'aida' }) });
        await rule('invalid-state', 'POST', '/disbursements', { target: { kind: 'grant', id: 'dec-1' }, amount: usd('1.00'), purpose: 'x' });
      });

      it('co-funding at decision: co-funding-below-ratio', async () => {
        const w = await world('ratio', { ratio: '0.5' });
        // Pledge exactly half of a request in KGS at the submission's rate, then approve the same amount at a higher decision rate.
        await ok('POST', `/grant-calls/${w.callId}/applications`, {
          ...applicationBody(w, 'ratio-1'),
          requested: { amount: '200000.00', currency: 'KGS' },
          coFundingPledged: { amount: '100000.00', currency: 'KGS' },
          exchangeRate: RATE,
        });
        await rule('co-funding-below-ratio', 'POST', '/applications/ratio-1/decision', {
          outcome: 'approved', approvedAmount: { amount: '200000.00', currency: 'KGS' }, exchangeRate: { rate: '0.0115', date: '2017-06-01', source: 'NBKR' }, votes: votesFor(maria, aida, bakyt), minutesRef: 'x',
        }, maria);
      });

      it('disbursements: invalid-state, disbursement-exceeds-award, same-person-approval, exchange-rate-required', async () => {
        const w = await world('pay');
        await submit(w, 'pay-pending');
        await rule('invalid-state', 'POST', '/disbursements', { target: { kind: 'grant', id: 'pay-pending' }, amount: usd('1.00'), purpose: 'x' });
        await approvedGrant(w, 'pay-app', '3000.00');
        await ok('POST', '/disbursements', { id: 'pay-1', target: { kind: 'grant', id: 'pay-app' }, amount: usd('2000.00'), purpose: 'x' });
        await rule('disbursement-exceeds-award', 'POST', '/disbursements', { target: { kind: 'grant', id: 'pay-app' }, amount: usd('1000.01'), purpose: 'x' });
        await rule('exchange-rate-required', 'POST', '/disbursements', { target: { kind: 'grant', id: 'pay-app' }, amount: { amount: '1000.00', currency: 'KGS' }, purpose: 'x' });
        // The requester is a finance officer too here: still cannot approve their own request.
        const both = ['olga', 'programme-officer', 'finance-officer'];
        await ok('POST', '/disbursements', { id: 'pay-2', target: { kind: 'grant', id: 'pay-app' }, amount: usd('500.00'), purpose: 'x' }, both);
        await rule('same-person-approval', 'POST', '/disbursements/pay-2/approve', {}, both);
        await rule('invalid-state', 'POST', '/disbursements/pay-1/pay', { paidOn: '2017-01-01', bankReference: 'x' }, users.finance);
        await ok('POST', '/disbursements/pay-1/approve', {}, users.finance);
        await rule('invalid-state', 'POST', '/disbursements/pay-1/approve', {}, users.finance);
        await ok('POST', '/disbursements/pay-1/pay', { paidOn: '2017-01-01', bankReference: 'x' }, users.finance);
        await rule('invalid-state', 'POST', '/disbursements/pay-1/cancel', { reason: 'x' });
        await rule('invalid-state', 'POST', '/disbursements/pay-1/pay', { paidOn: '2017-01-01', bankReference: 'x' }, users.finance);
        // Cancelling gives the reservation back to the award.
        await ok('POST', '/disbursements/pay-2/cancel', { reason: 'duplicate' });
        await rule('invalid-state', 'POST', '/disbursements/pay-2/cancel', { reason: 'x' });
        expect((await app.call('POST', '/disbursements', { as: users.officer, body: { target: { kind: 'grant', id: 'pay-app' }, amount: usd('1000.00'), purpose: 'x' } })).status).toBe(201);
      });

      it('facility disbursements stay within the programme share', async () => {
        const w = await world('fac');
        await ok('POST', '/facilities', { id: 'fac-station', programmeId: w.programmeId, municipalityId: w.municipalityId, kind: 'police-station', title: 'Police station', totalCost: usd('22000.00') });
        await rule('disbursement-exceeds-award', 'POST', '/disbursements', { target: { kind: 'facility', id: 'fac-station' }, amount: usd('11000.01'), purpose: 'x' });
        const r = await ok('POST', '/disbursements', { target: { kind: 'facility', id: 'fac-station' }, amount: usd('11000.00'), purpose: 'builder' });
        expect(r.status).toBe(201);
        await ok('POST', '/co-funding', { target: { kind: 'facility', id: 'fac-station' }, amount: usd('11000.00'), source: 'police-budget', evidenceRef: 'MoI order 7', receivedOn: '2017-02-01' });
        await ok('POST', '/co-funding', { target: { kind: 'plan', id: w.planId }, amount: usd('500.00'), source: 'local-budget', evidenceRef: 'kenesh decision 3', receivedOn: '2017-02-01' });
      });

      it('co-funding: evidence-already-counted (whatever the case and spacing), exchange-rate-required', async () => {
        const w = await world('evid');
        await approvedGrant(w, 'evid-app');
        const body = (evidenceRef: string, extra = {}) => ({ target: { kind: 'grant', id: 'evid-app' }, amount: usd('100.00'), source: 'local-budget', evidenceRef, receivedOn: '2017-01-01', ...extra });
        await ok('POST', '/co-funding', body('Payment order 17/2017'));
        await rule('evidence-already-counted', 'POST', '/co-funding', body('Payment order 17/2017'));
        await rule('evidence-already-counted', 'POST', '/co-funding', body('  PAYMENT   order 17/2017 '));
        await rule('exchange-rate-required', 'POST', '/co-funding', body('order 18', { amount: { amount: '100.00', currency: 'KGS' } }));
      });
    });

    it('keeps the budget whole: closing frees the unspent envelope, later approvals and revocations reserve and free their own', async () => {
      const w = await world('budget', { budget: '10000.00', envelope: '10000.00' });
      const newCall = (id: string, envelope: string) => ({ id, programmeId: w.programmeId, commissionId: w.commissionId, title: 't', envelope: usd(envelope), minCoFundingRatio: '0.5', closesOn: '2099-01-01' });
      await approvedGrant(w, 'budget-grant', '3000.00');
      await submit(w, 'budget-late', '2000.00', '1000.00');
      await ok('POST', `/grant-calls/${w.callId}/close`, {});
      // Closing ends submissions, not the commission's work: a pending application is still approved.
      expect((await approve('budget-late', '2000.00')).status).toBe(200);
      // 3,000 + 2,000 stay committed to the grants: a call of 5,000.01 does not fit.
      await rule('budget-exceeded', 'POST', '/grant-calls', newCall('budget-2', '5000.01'));
      const revoked = await ok('POST', '/applications/budget-grant/revoke', { reason: 'applicant dissolved', minutesRef: 'GC-3' }, maria);
      await ok('POST', '/applications/budget-late/revoke', { reason: 'applicant dissolved', minutesRef: 'GC-3' }, maria);
      expect((await app.call('POST', '/grant-calls', { as: users.officer, body: newCall('budget-3', '10000.00') })).status).toBe(201);
      const call = await read(`/grant-calls/${w.callId}`, revoked);
      expect(call.body).toMatchObject({ status: 'closed', released: usd('7000.00') });
    });

    it('answers a repeated request with the same Idempotency-Key once', async () => {
      const w = await world('idem');
      await approvedGrant(w, 'idem-grant');
      const body = { target: { kind: 'grant', id: 'idem-grant' }, amount: usd('100.00'), purpose: 'tranche' };
      const first = await app.call('POST', '/disbursements', { as: users.officer, body, headers: { 'idempotency-key': 'idem-1' } });
      const count = await app.eventCount();
      const again = await app.call('POST', '/disbursements', { as: users.officer, body, headers: { 'idempotency-key': 'idem-1' } });
      expect([first.status, again.status, again.body]).toEqual([201, 201, first.body]);
      expect(await app.eventCount()).toBe(count);
      const other = await app.call('POST', '/disbursements', { as: users.officer, body: { ...body, purpose: 'other' }, headers: { 'idempotency-key': 'idem-1' } });
      expect([other.status, other.body.rule]).toEqual([422, 'idempotency-key-reused']);
    });

    describe('races (real concurrent requests)', () => {
      it('two approvals racing for the last of an envelope: one wins, the other is envelope-exceeded', async () => {
        const w = await world('race-env', { envelope: '5000.00' });
        await submit(w, 'race-a', '3000.00', '1500.00');
        await submit(w, 'race-b', '3000.00', '1500.00');
        const [a, b] = await Promise.all([approve('race-a', '3000.00', maria), approve('race-b', '3000.00', aida)]);
        expect([a.status, b.status].sort()).toEqual([200, 422]);
        expect([a, b].find((r) => r.status === 422)!.body.rule).toBe('envelope-exceeded');
        const call = await read(`/grant-calls/${w.callId}`, [a, b].find((r) => r.status === 200)!);
        expect(call.body).toMatchObject({ approvedTotal: usd('3000.00'), remaining: usd('2000.00') });
      });

      it('many approvals racing: the envelope is never exceeded', async () => {
        const w = await world('race-many', { envelope: '10000.00' });
        for (let i = 0; i < 6; i++) await submit(w, `many-${i}`, '3000.00', '1500.00');
        const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => approve(`many-${i}`, '3000.00', [maria, aida, bakyt][i % 3])));
        expect(results.filter((r) => r.status === 200)).toHaveLength(3);
        expect(results.filter((r) => r.status === 422).every((r) => r.body.rule === 'envelope-exceeded')).toBe(true);
      });

      it('two disbursements racing for the last of an award: one wins, the other is disbursement-exceeds-award', async () => {
        const w = await world('race-award');
        await approvedGrant(w, 'race-grant', '3000.00');
        await ok('POST', '/disbursements', { target: { kind: 'grant', id: 'race-grant' }, amount: usd('2000.00'), purpose: 'first' });
        const request = (id: string) => app.call('POST', '/disbursements', { as: users.officer, body: { id, target: { kind: 'grant', id: 'race-grant' }, amount: usd('1000.00'), purpose: 'last' } });
        const [a, b] = await Promise.all([request('race-d1'), request('race-d2')]);
        expect([a.status, b.status].sort()).toEqual([201, 422]);
        expect([a, b].find((r) => r.status === 422)!.body.rule).toBe('disbursement-exceeds-award');
      });

      it('a revocation racing a disbursement request: never both', async () => {
        const w = await world('race-revoke');
        await approvedGrant(w, 'rr-grant', '3000.00');
        const [revoke, request] = await Promise.all([
          app.call('POST', '/applications/rr-grant/revoke', { as: maria, body: { reason: 'x', minutesRef: 'x' } }),
          app.call('POST', '/disbursements', { as: users.officer, body: { target: { kind: 'grant', id: 'rr-grant' }, amount: usd('100.00'), purpose: 'x' } }),
        ]);
        expect([revoke.status, request.status].filter((s) => s < 300)).toHaveLength(1);
        expect([revoke, request].find((r) => r.status >= 300)!.body.rule).toBe('invalid-state');
      });

      it('the same evidence submitted twice at once counts once', async () => {
        const w = await world('race-evid');
        await approvedGrant(w, 're-grant');
        const record = (id: string, ref: string) =>
          app.call('POST', '/co-funding', { as: users.officer, body: { id, target: { kind: 'grant', id: 're-grant' }, amount: usd('100.00'), source: 'local-budget', evidenceRef: ref, receivedOn: '2017-01-01' } });
        const [a, b] = await Promise.all([record('re-1', 'Bank statement 2017/05'), record('re-2', 'bank statement 2017/05')]);
        expect([a.status, b.status].sort()).toEqual([201, 422]);
        expect([a, b].find((r) => r.status === 422)!.body.rule).toBe('evidence-already-counted');
      });
    });

    it('rebuilds the grants read models from the log to the same rows', async () => {
      const head = await app.running.store.headPosition();
      const before = await app.call('GET', `/applications/nookat-roads?minPosition=${head}`, { as: users.auditor });
      expect((await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 'grants' } })).status).toBe(202);
      await app.running.runner.rebuildsSettled();
      const report = await app.call('GET', '/admin/projections/grants/rebuilds/latest', { as: users.admin });
      expect(report.body).toMatchObject({ name: 'grants', status: 'switched' });
      for (const table of report.body.diff) expect(table).toMatchObject({ onlyBefore: 0, onlyAfter: 0, schemaChanged: false });
      expect(report.body.diff.map((t: any) => t.table).sort()).toEqual(['co_fundings', 'commissions', 'disbursements', 'grant_applications', 'grant_calls']);
      const after = await app.call('GET', `/applications/nookat-roads?minPosition=${head}`, { as: users.auditor });
      expect(after.body).toEqual(before.body);
    });

    it('describes every grants endpoint in the OpenAPI document', async () => {
      const doc = await app.call('GET', '/docs-json');
      expect(doc.status).toBe(200);
      const paths = Object.keys(doc.body.paths);
      for (const p of [
        '/commissions', '/commissions/{id}', '/grant-calls', '/grant-calls/{id}', '/grant-calls/{id}/close', '/grant-calls/{id}/applications',
        '/applications/{id}', '/applications/{id}/conflicts', '/applications/{id}/scores', '/applications/{id}/decision', '/applications/{id}/revoke',
        '/disbursements', '/disbursements/{id}', '/disbursements/{id}/approve', '/disbursements/{id}/pay', '/disbursements/{id}/cancel', '/co-funding',
      ]) {
        expect(paths).toContain(p);
      }
    });
  });
}
