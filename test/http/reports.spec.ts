import { entriesFor, factKey, type Fact } from '../../projections/ledger/postings.js';
import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

/**
 * The read side for auditors over HTTP: impact and fund-flow reports checked against a hand-computed
 * scenario (KGS with exchange rates, a revoked grant, a cancelled disbursement, a retracted result),
 * rows adding up to totals, reports as of a past moment that never change, identical reports after a
 * rebuild, every figure explained by its events, the trace of a payment and the audit trail.
 */

const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };
const usd = (amount: string) => ({ amount, currency: 'USD' });
const kgs = (amount: string) => ({ amount, currency: 'KGS' });
const maria = users.member;
const aida = ['aida', 'commission-member'];
const bakyt = ['bakyt', 'commission-member'];
const chynara = ['chynara', 'commission-member'];
const vote = (vote: string, ...members: string[][]) => members.map((m) => ({ memberId: m[0], vote }));

const P = 'rep-prog';
const IMPACT_FIELDS = [
  'plansEndorsed', 'planAmendments', 'grantsApproved', 'grantsRejected', 'grantedAmount', 'coFundingPledged', 'coFundingReceived', 'disbursedAmount',
  'facilitiesEstablished', 'localInvestment', 'trainings', 'trainingParticipants', 'exchangeVisits', 'directBeneficiaries', 'indirectBeneficiaries',
];
const AMOUNTS = new Set(['grantedAmount', 'coFundingPledged', 'coFundingReceived', 'disbursedAmount', 'localInvestment']);
const zeroRow = Object.fromEntries(IMPACT_FIELDS.map((f) => [f, AMOUNTS.has(f) ? '0.00' : 0]));
const cents = (s: string) => BigInt(s.replace('.', ''));
const fromCents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;

/** Sum of the rows, field by field, in the same representation as the totals. */
function sumRows(rows: any[]) {
  return Object.fromEntries(
    IMPACT_FIELDS.map((f) => [f, AMOUNTS.has(f) ? fromCents(rows.reduce((s, r) => s + cents(r[f]), 0n)) : rows.reduce((s, r) => s + r[f], 0)]),
  );
}

for (const target of testTargets()) {
  describe(`reports for auditors over HTTP (${target.name})`, () => {
    let app: TestApp;
    let head = 0;
    /** Database time between the first and the second half of the scenario. */
    let midpoint = '';
    let midpointImpact: any;

    const ok = async (method: string, path: string, body?: unknown, as = users.officer) => {
      const r = await app.call(method, path, { as, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      head = Math.max(head, Number(r.headers.get('ledger-position')));
      return r;
    };
    const get = (path: string, headers: Record<string, string> = {}, as = users.auditor) =>
      app.call('GET', `${path}${path.includes('?') ? '&' : '?'}minPosition=${head}`, { as, headers });
    const dbNow = async () => {
      const { rows } = await app.running.store.pool.query(`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`);
      await new Promise((r) => setTimeout(r, 30));
      return rows[0].now as string;
    };

    beforeAll(async () => {
      app = await startTestApp(target);
      await ok('POST', '/municipalities', { id: 'nookat', name: 'Nookat town', oblast: 'Osh' });
      await ok('POST', '/municipalities', { id: 'kerben', name: 'Kerben town', oblast: 'Jalal-Abad' });
      await ok('POST', '/programmes', { id: P, title: 'Support to Crime Prevention', donor: { id: 'inl', name: 'INL' }, budget: usd('500000.00'), startDate: '2016-01-01', endDate: '2018-01-31' }, users.admin);
      await ok('POST', '/plans', {
        id: 'plan-n', programmeId: P, municipalityId: 'nookat', title: 'Nookat plan', period: { from: '2016-01-01', to: '2017-12-31' },
        priorities: ['road safety', 'domestic violence'],
        activities: [
          { id: 'a1', title: 'Safe roads to school', priority: 'road safety', fundingSource: 'programme' },
          { id: 'a2', title: 'Crisis hotline', priority: 'domestic violence', fundingSource: 'programme' },
        ],
      });
      await ok('POST', '/plans/plan-n/endorse', { endorsedBy: 'Nookat kenesh', decisionRef: 'No. 12/3', endorsedOn: '2016-03-03' });
      await ok('POST', '/plans', {
        id: 'plan-k', programmeId: P, municipalityId: 'kerben', title: 'Kerben plan', period: { from: '2016-01-01', to: '2017-12-31' },
        priorities: ['cattle theft'], activities: [{ id: 'k1', title: 'Cattle branding', priority: 'cattle theft', fundingSource: 'local-budget' }],
      });
      await ok('POST', '/plans/plan-k/endorse', { endorsedBy: 'Kerben kenesh', decisionRef: 'No. 3/1', endorsedOn: '2016-04-01' });
      await ok('POST', '/programmes/rep-prog/funds-received', { amount: usd('100000.00'), receivedOn: '2016-02-01', reference: 'INL tranche 1' });
      await ok('POST', '/commissions', {
        id: 'rep-com', programmeId: P, name: 'Small grants commission', quorum: 3,
        members: [maria, aida, bakyt, chynara].map(([id]) => ({ id, name: id, affiliation: 'civil society' })),
      });
      await ok('POST', '/grant-calls', { id: 'rep-call', programmeId: P, commissionId: 'rep-com', title: 'Small grants 2016', envelope: usd('34000.00'), minCoFundingRatio: '0.5', closesOn: '2099-12-31' });
      const apply = (id: string, municipalityId: string, planId: string, activityId: string, priority: string, requested: string, pledged: string) =>
        ok('POST', '/grant-calls/rep-call/applications', {
          id, applicant: { name: `${id} LCPC`, type: 'lcpc' }, municipalityId, planId, activityId, title: `${id} project`, priority, requested: usd(requested), coFundingPledged: usd(pledged),
        });
      await apply('g1', 'nookat', 'plan-n', 'a1', 'road safety', '3000.00', '1500.00');
      await apply('g2', 'kerben', 'plan-k', 'k1', 'cattle theft', '4000.00', '2000.00');
      await apply('g3', 'nookat', 'plan-n', 'a2', 'domestic violence', '1000.00', '500.00');
      await ok('POST', '/applications/g1/conflicts', { reason: 'my cousin chairs the applicant' }, chynara);
      await ok('POST', '/applications/g1/scores', { score: 87, comment: 'clear plan' }, aida);
      await ok('POST', '/applications/g1/decision', { outcome: 'approved', approvedAmount: usd('2500.00'), votes: [...vote('for', maria, aida), ...vote('abstain', bakyt)], minutesRef: 'GC-2016/11', reason: 'trimmed' }, maria);
      await ok('POST', '/applications/g2/decision', { outcome: 'approved', approvedAmount: usd('4000.00'), votes: vote('for', maria, aida, bakyt), minutesRef: 'GC-2016/11' }, maria);
      await ok('POST', '/applications/g3/decision', { outcome: 'rejected', votes: vote('against', maria, aida, bakyt), minutesRef: 'GC-2016/11' }, maria);
      await ok('POST', '/disbursements', { id: 'd1', target: { kind: 'grant', id: 'g1' }, amount: usd('1000.00'), purpose: 'first tranche' });
      await ok('POST', '/disbursements/d1/approve', undefined, users.finance);
      await ok('POST', '/disbursements/d1/pay', { paidOn: '2017-01-20', bankReference: 'RSK-42' }, users.finance2);
      await ok('POST', '/results', { id: 'r1', programmeId: P, municipalityId: 'nookat', kind: 'training', date: '2016-05-20', title: 'Training of trainers', priority: 'road safety', participants: 34, directBeneficiaries: 34 });

      midpoint = await dbNow();
      midpointImpact = (await get(`/reports/impact?programmeId=${P}&groupBy=municipality&asOf=${midpoint}`)).text;

      // Second half: KGS money, a revocation, a cancellation, a facility, a retraction.
      await ok('POST', '/programmes/rep-prog/funds-received', { amount: kgs('2000000.00'), exchangeRate: RATE, receivedOn: '2017-05-10', reference: 'INL tranche 2 (KGS)' });
      await ok('POST', '/plans/plan-n/amendments', { reason: 'new activity', decisionRef: 'No. 9/1', addActivities: [{ id: 'a3', title: 'Street lights', priority: 'road safety', fundingSource: 'local-budget' }] });
      await ok('POST', '/applications/g2/revoke', { reason: 'applicant dissolved', minutesRef: 'GC-2017/02' }, maria);
      await ok('POST', '/disbursements', { id: 'd2', target: { kind: 'grant', id: 'g1' }, amount: kgs('43859.65'), exchangeRate: RATE, purpose: 'second tranche (KGS)' });
      await ok('POST', '/disbursements/d2/approve', undefined, users.finance);
      await ok('POST', '/disbursements/d2/pay', { paidOn: '2017-05-12', bankReference: 'RSK-43' }, users.finance2);
      await ok('POST', '/disbursements', { id: 'd3', target: { kind: 'grant', id: 'g1' }, amount: usd('200.00'), purpose: 'duplicate request' });
      await ok('POST', '/disbursements/d3/cancel', { reason: 'duplicate' });
      await ok('POST', '/facilities', { id: 'f1', programmeId: P, municipalityId: 'nookat', kind: 'police-and-lcpc', title: 'Police station and LCPC office', totalCost: usd('22000.00') });
      await ok('POST', '/facilities/f1/complete', { completedOn: '2017-06-30' });
      await ok('POST', '/disbursements', { id: 'd4', target: { kind: 'facility', id: 'f1' }, amount: usd('5000.00'), purpose: 'construction' });
      await ok('POST', '/disbursements/d4/approve', undefined, users.finance);
      await ok('POST', '/disbursements/d4/pay', { paidOn: '2017-06-01', bankReference: 'RSK-44' }, users.finance2);
      await ok('POST', '/co-funding', { id: 'cf1', target: { kind: 'grant', id: 'g1' }, amount: kgs('131580.00'), exchangeRate: RATE, source: 'local-budget', evidenceRef: 'Nookat payment order 17/2017', receivedOn: '2017-05-10' });
      await ok('POST', '/co-funding', { id: 'cf2', target: { kind: 'facility', id: 'f1' }, amount: usd('11000.00'), source: 'police-budget', evidenceRef: 'MVD order 5', receivedOn: '2017-05-11' });
      await ok('POST', '/co-funding', { id: 'cf3', target: { kind: 'plan', id: 'plan-k' }, amount: usd('1000.00'), source: 'local-budget', evidenceRef: 'Kerben order 1', receivedOn: '2017-05-12' });
      await ok('POST', '/results', { id: 'r2', programmeId: P, municipalityId: 'kerben', kind: 'exchange-visit', date: '2016-06-01', title: 'Visit to Osh', participants: 12, directBeneficiaries: 10, indirectBeneficiaries: 1000 });
      await ok('POST', '/results', { id: 'r3', programmeId: P, grantId: 'g1', kind: 'beneficiaries', date: '2017-06-01', title: 'Reached by the project', directBeneficiaries: 300, indirectBeneficiaries: 35500 });
      await ok('POST', '/results', { id: 'r4', programmeId: P, municipalityId: 'kerben', kind: 'training', date: '2016-07-01', title: 'Recorded by mistake', participants: 20 });
      await ok('POST', '/results/r4/retract', { reason: 'recorded twice' });
    }, 120_000);
    afterAll(async () => {
      await app.close();
    });

    const expectedTotals = {
      plansEndorsed: 2, planAmendments: 1, grantsApproved: 1, grantsRejected: 1, grantedAmount: '2500.00', coFundingPledged: '1500.00', coFundingReceived: '1500.01',
      disbursedAmount: '6500.00', facilitiesEstablished: 1, localInvestment: '13500.01', trainings: 1, trainingParticipants: 34, exchangeVisits: 1,
      directBeneficiaries: 344, indirectBeneficiaries: 36500,
    };
    const nookat = {
      ...expectedTotals, plansEndorsed: 1, localInvestment: '12500.01', exchangeVisits: 0, directBeneficiaries: 334, indirectBeneficiaries: 35500,
    };
    const kerben = { ...zeroRow, plansEndorsed: 1, localInvestment: '1000.00', exchangeVisits: 1, directBeneficiaries: 10, indirectBeneficiaries: 1000 };

    it('rolls up impact in total and by municipality, oblast and priority, rows adding up to the totals', async () => {
      const none = await get(`/reports/impact?programmeId=${P}`);
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ programmeId: P, asOf: null, currency: 'USD', totals: expectedTotals, rows: [{ key: 'all', ...expectedTotals }] });

      const byMunicipality = (await get(`/reports/impact?programmeId=${P}&groupBy=municipality`)).body;
      expect(byMunicipality.rows).toEqual([{ key: 'kerben', ...kerben }, { key: 'nookat', ...nookat }]);
      const byOblast = (await get(`/reports/impact?programmeId=${P}&groupBy=oblast`)).body;
      expect(byOblast.rows).toEqual([{ key: 'Jalal-Abad', ...kerben }, { key: 'Osh', ...nookat }]);

      const byPriority = (await get(`/reports/impact?programmeId=${P}&groupBy=priority`)).body;
      const row = (key: string | null) => byPriority.rows.find((r: any) => r.key === key);
      expect(row('road safety')).toEqual({
        ...zeroRow, key: 'road safety', grantsApproved: 1, grantedAmount: '2500.00', coFundingPledged: '1500.00', coFundingReceived: '1500.01', disbursedAmount: '1500.00',
        localInvestment: '1500.01', trainings: 1, trainingParticipants: 34, directBeneficiaries: 334, indirectBeneficiaries: 35500,
      });
      expect(row('domestic violence')).toEqual({ ...zeroRow, key: 'domestic violence', grantsRejected: 1 });
      expect(row('cattle theft')).toEqual({ ...zeroRow, key: 'cattle theft' }); // approved, then revoked
      expect(row(null)).toMatchObject({ plansEndorsed: 2, planAmendments: 1, disbursedAmount: '5000.00', facilitiesEstablished: 1, localInvestment: '12000.00', exchangeVisits: 1 });

      for (const report of [none.body, byMunicipality, byOblast, byPriority]) expect(sumRows(report.rows)).toEqual(report.totals);
    });

    it('gives the impact rows as CSV', async () => {
      const csv = await get(`/reports/impact?programmeId=${P}&groupBy=municipality`, { accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe(['key', ...IMPACT_FIELDS].join(','));
      expect(lines[2]).toBe(['nookat', ...IMPACT_FIELDS.map((f) => (nookat as any)[f])].join(','));
      expect(lines).toHaveLength(3);
    });

    it('reports the fund flow from the double-entry ledger', async () => {
      const r = await get(`/reports/fund-flow?programmeId=${P}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        programmeId: P,
        asOf: null,
        currency: 'USD',
        donor: { id: 'inl', name: 'INL' },
        budget: '500000.00',
        received: '122800.00',
        committed: '13500.00',
        disbursed: '6500.00',
        coFundingReceived: '13500.01',
        available: '486500.00',
        byMunicipality: [
          { municipalityId: 'kerben', committed: '0.00', disbursed: '0.00', coFundingReceived: '1000.00' },
          { municipalityId: 'nookat', committed: '13500.00', disbursed: '6500.00', coFundingReceived: '12500.01' },
        ],
        flows: [
          { from: 'donor:inl', to: `programme:${P}`, amount: '122800.00' },
          { from: 'facility:f1', to: 'municipality:nookat', amount: '5000.00' },
          { from: 'grant:g1', to: 'municipality:nookat', amount: '1500.00' },
          { from: 'local-budget:kerben', to: 'plan:plan-k', amount: '1000.00' },
          { from: 'local-budget:nookat', to: 'grant:g1', amount: '1500.01' },
          { from: 'police-budget:nookat', to: 'facility:f1', amount: '11000.00' },
          { from: `programme:${P}`, to: 'facility:f1', amount: '5000.00' },
          { from: `programme:${P}`, to: 'grant:g1', amount: '1500.00' },
        ],
      });
    });

    it('posts balanced entries: every event sums to zero in every book, in the tables and in the pure function', async () => {
      const { rows } = await app.running.dataSource.query(`select position, book, sum(amount)::text as s from read.ledger_postings group by 1, 2 having sum(amount) <> 0`).then((rows: any) => ({ rows }));
      expect(rows).toEqual([]);
      const events = await app.running.store.readAll({ fromPosition: 1, limit: 10_000 });
      const facts = new Map<string, Fact>();
      let posted = 0;
      for (const event of events) {
        const entries = entriesFor(event, facts);
        for (const [k, f] of entries.facts) facts.set(k, f);
        for (const book of ['budget', 'commitment', 'cash']) {
          expect([event.type, entries.legs.filter((l) => l.book === book).reduce((s, l) => s + l.amount, 0n)]).toEqual([event.type, 0n]);
        }
        posted += entries.legs.length;
      }
      expect(posted).toBeGreaterThan(20);
      expect(facts.get(factKey('grant', 'g2'))).toMatchObject({ status: 'revoked' });
    });

    it('answers as of a past moment: the figures then, byte-identical however many events follow', async () => {
      const then = await get(`/reports/impact?programmeId=${P}&groupBy=municipality&asOf=${midpoint}`);
      expect(then.status).toBe(200);
      expect(then.text).toBe(midpointImpact);
      expect(then.body.asOf).toBe(midpoint);
      expect(then.body.totals).toMatchObject({ plansEndorsed: 2, planAmendments: 0, grantsApproved: 2, grantsRejected: 1, grantedAmount: '6500.00', coFundingPledged: '3500.00', disbursedAmount: '1000.00', trainings: 1, facilitiesEstablished: 0, localInvestment: '0.00' });
      const flow = (await get(`/reports/fund-flow?programmeId=${P}&asOf=${midpoint}`)).body;
      expect(flow).toMatchObject({ received: '100000.00', committed: '6500.00', disbursed: '1000.00', coFundingReceived: '0.00', available: '493500.00' });
      const flowText = (await get(`/reports/fund-flow?programmeId=${P}&asOf=${midpoint}`)).text;
      await app.running.sequencer.catchUp(); // every event so far chained: its hash is in the answer
      const traceBefore = (await get(`/reports/trace/disbursements/d1?asOf=${midpoint}`)).text;

      await ok('POST', '/results', { id: 'r5', programmeId: P, municipalityId: 'nookat', kind: 'training', date: '2017-09-01', title: 'Later training', participants: 5 });
      await ok('POST', '/co-funding', { id: 'cf4', target: { kind: 'grant', id: 'g1' }, amount: usd('10.00'), source: 'local-budget', evidenceRef: 'late order', receivedOn: '2017-09-01' });
      expect((await get(`/reports/impact?programmeId=${P}&groupBy=municipality&asOf=${midpoint}`)).text).toBe(midpointImpact);
      expect((await get(`/reports/fund-flow?programmeId=${P}&asOf=${midpoint}`)).text).toBe(flowText);
      expect((await get(`/reports/trace/disbursements/d1?asOf=${midpoint}`)).text).toBe(traceBefore);
      // Before the programme existed: unknown then.
      expect((await get(`/reports/fund-flow?programmeId=${P}&asOf=2000-01-01T00:00:00Z`)).status).toBe(404);
      // Now it counts the new events.
      expect((await get(`/reports/impact?programmeId=${P}`)).body.totals).toMatchObject({ trainings: 2, coFundingReceived: '1510.01' });
    });

    it('explains every figure by the events behind it', async () => {
      const explain = (await get(`/reports/impact/explain?programmeId=${P}&field=grantedAmount`)).body;
      expect(explain.value).toBe('2500.00');
      expect(explain.items.map((i: any) => [i.type, i.delta])).toEqual([
        ['GrantApproved', '2500.00'],
        ['GrantApproved', '4000.00'],
        ['GrantRevoked', '-4000.00'],
      ]);
      for (const item of explain.items) expect(item).toEqual(expect.objectContaining({ position: expect.any(Number), streamId: expect.any(String) }));
      expect(explain.items.every((i: any) => i.hash === null || /^[0-9a-f]{64}$/.test(i.hash))).toBe(true);

      const byKey = (await get(`/reports/impact/explain?programmeId=${P}&field=localInvestment&key=nookat`)).body;
      expect([byKey.groupBy, byKey.value]).toEqual(['municipality', '12510.01']);
      const byPriority = (await get(`/reports/impact/explain?programmeId=${P}&field=disbursedAmount&key=road%20safety`)).body;
      expect([byPriority.groupBy, byPriority.value, byPriority.items.length]).toEqual(['priority', '1500.00', 2]);
      const paged = (await get(`/reports/impact/explain?programmeId=${P}&field=grantedAmount&limit=2`)).body;
      expect(paged.items).toHaveLength(2);
      const rest = (await get(`/reports/impact/explain?programmeId=${P}&field=grantedAmount&limit=2&fromPosition=${paged.nextPosition}`)).body;
      expect([rest.items.length, rest.nextPosition]).toEqual([1, null]);

      const flow = (await get(`/reports/fund-flow?programmeId=${P}`)).body;
      for (const field of ['budget', 'received', 'committed', 'disbursed', 'coFundingReceived', 'available']) {
        const e = (await get(`/reports/fund-flow/explain?programmeId=${P}&field=${field}`)).body;
        expect([field, e.value]).toEqual([field, flow[field]]);
      }
      const nookatDisbursed = (await get(`/reports/fund-flow/explain?programmeId=${P}&field=disbursed&key=nookat`)).body;
      expect(nookatDisbursed.items.map((i: any) => [i.type, i.amount])).toEqual([
        ['DisbursementPaid', '1000.00'],
        ['DisbursementPaid', '500.00'],
        ['DisbursementPaid', '5000.00'],
      ]);
      const oneFlow = (await get(`/reports/fund-flow/explain?programmeId=${P}&field=flows&key=${encodeURIComponent(`donor:inl>programme:${P}`)}`)).body;
      expect([oneFlow.value, oneFlow.items.map((i: any) => i.type)]).toEqual(['122800.00', ['FundsReceived', 'FundsReceived']]);
    });

    it('traces a payment back to the donor, the decision, the plan activity and the co-funding', async () => {
      await app.running.sequencer.catchUp();
      const r = await get('/reports/trace/disbursements/d2');
      expect(r.status).toBe(200);
      const t = r.body;
      expect(t.disbursement).toMatchObject({ id: 'd2', status: 'paid', amount: kgs('43859.65'), exchangeRate: RATE, amountReporting: usd('500.00'), requestedBy: 'oscar', approvedBy: 'fatima', paidBy: 'farid', bankReference: 'RSK-43' });
      expect(t.donor).toMatchObject({ id: 'inl', name: 'INL' });
      expect(t.programme).toMatchObject({ id: P, reportingCurrency: 'USD' });
      expect(t.programme.fundsReceived).toHaveLength(2);
      expect(t.call).toMatchObject({ id: 'rep-call', envelope: usd('34000.00') });
      expect(t.decision).toMatchObject({ outcome: 'approved', minutesRef: 'GC-2016/11', tally: { for: 2, against: 0, abstain: 1 }, commission: { id: 'rep-com', quorum: 3 } });
      expect(t.decision.recusals).toEqual([expect.objectContaining({ memberId: 'chynara', reason: 'my cousin chairs the applicant' })]);
      expect(t.grant).toMatchObject({ id: 'g1', municipalityId: 'nookat', priority: 'road safety', status: 'approved' });
      expect(t.facility).toBeNull();
      expect(t.municipality).toMatchObject({ id: 'nookat', oblast: 'Osh' });
      expect(t.plan).toMatchObject({ id: 'plan-n', status: 'endorsed', amendments: 1 });
      expect(t.activity).toMatchObject({ id: 'a1', title: 'Safe roads to school', priority: 'road safety' });
      expect(t.coFunding.map((c: any) => [c.id, c.amountReporting.amount])).toEqual([['cf1', '1500.01'], ['cf4', '10.00']]);
      expect(t.coFunding[0].events.map((e: any) => e.type)).toEqual(['CoFundingReceived', 'EvidenceCounted']);
      const proofs = [t.disbursement, t.donor, t.programme, t.call, t.decision, t.decision.commission, t.grant, t.municipality, t.plan, t.activity, ...t.coFunding].flatMap((s: any) => s.events);
      for (const p of proofs) expect(p).toEqual({ position: expect.any(Number), type: expect.any(String), streamId: expect.any(String), recordedAt: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(t.disbursement.events.map((e: any) => e.type)).toEqual(['DisbursementRequested', 'AwardDrawn', 'DisbursementApproved', 'DisbursementPaid']);
      expect(t.decision.events.map((e: any) => e.type)).toEqual(['ConflictDeclared', 'ApplicationScored', 'GrantApproved']);

      const facility = (await get('/reports/trace/disbursements/d4')).body;
      expect(facility.grant).toBeNull();
      expect(facility.facility).toMatchObject({ id: 'f1', programmeShare: usd('11000.00'), status: 'established' });
      expect(facility.coFunding.map((c: any) => c.id)).toEqual(['cf2']);
      expect(facility.plan).toMatchObject({ id: 'plan-n' });
      expect((await get('/reports/trace/disbursements/nope')).status).toBe(404);
      expect((await get('/reports/trace/disbursements/d2?asOf=2000-01-01')).status).toBe(404);
    });

    it('lists the audit trail by entity, type, actor and position, and exports it as CSV', async () => {
      const byGrant = await get('/audit/events?entityId=g1&limit=1000');
      expect(byGrant.status).toBe(200);
      const types = byGrant.body.items.map((i: any) => i.type);
      expect(types).toEqual(expect.arrayContaining(['ApplicationSubmitted', 'GrantApproved', 'DisbursementRequested', 'DisbursementPaid', 'CoFundingReceived', 'EnvelopeDrawn', 'ResultRecorded']));
      expect(byGrant.body.nextPosition).toBeNull();
      const positions = byGrant.body.items.map((i: any) => i.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      const paid = byGrant.body.items.find((i: any) => i.type === 'DisbursementPaid');
      expect(paid).toMatchObject({ streamId: 'disbursement-d1', streamVersion: 3, actor: { id: 'farid', roles: ['finance-officer'] }, data: { disbursementId: 'd1', bankReference: 'RSK-42' } });
      expect(paid).toEqual(expect.objectContaining({ correlationId: expect.any(String), recordedAt: expect.any(String), reason: null }));
      expect(paid.hash === null || /^[0-9a-f]{64}$/.test(paid.hash)).toBe(true);

      const decisions = (await get('/audit/events?type=GrantApproved')).body.items;
      expect(decisions.map((i: any) => i.data.applicationId)).toEqual(['g1', 'g2']);
      const byMaria = (await get('/audit/events?actorId=maria')).body.items;
      expect(new Set(byMaria.map((i: any) => i.type))).toEqual(new Set(['GrantApproved', 'EnvelopeDrawn', 'GrantRejected', 'GrantRevoked', 'AwardClosed', 'EnvelopeReturned']));
      const revoke = byMaria.find((i: any) => i.type === 'GrantRevoked');
      expect((await get('/audit/events?entityId=g2&type=GrantRevoked&actorId=maria')).body.items.map((i: any) => i.position)).toEqual([revoke.position]);

      // Pages: nextPosition is the next page's fromPosition (inclusive), null after the last.
      const all: number[] = [];
      let from: number | null = 1;
      while (from !== null) {
        const page: any = (await get(`/audit/events?fromPosition=${from}&limit=7`)).body;
        expect(page.items.length).toBeLessThanOrEqual(7);
        all.push(...page.items.map((i: any) => i.position));
        from = page.nextPosition;
      }
      expect(all).toEqual([...new Set(all)].sort((a, b) => a - b));
      expect(all.length).toBe(await app.eventCount());

      const csv = await get('/audit/events?entityId=d1', { accept: 'text/csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('position,streamId,streamVersion,type,recordedAt,actorId,actorRoles,correlationId,reason,hash,data');
      expect(lines.length).toBe(1 + 4);
    });

    it('refuses bad parameters with 400, unknown programmes with 404, no token with 401, and lets every role read', async () => {
      const bad = [
        `/reports/impact`,
        `/reports/impact?programmeId=${P}&groupBy=district`,
        `/reports/impact?programmeId=${P}&asOf=yesterday`,
        `/reports/impact?programmeId=${P}&asOf=2017-02-30T00:00:00Z`,
        `/reports/fund-flow?programmeId=${P}&asOf=2017-01-01T25:00:00Z`,
        `/reports/fund-flow?programmeId=${P}&programmeId=x`,
        `/reports/impact/explain?programmeId=${P}&field=nope`,
        `/reports/fund-flow/explain?programmeId=${P}&field=flows&key=nonsense`,
        `/reports/trace/disbursements/d1?asOf=2017-13-01T00:00:00Z`,
        `/audit/events?limit=0`,
        `/audit/events?limit=1001`,
        `/audit/events?limit=abc`,
        `/audit/events?fromPosition=0`,
        `/audit/events?fromPosition=-3`,
        `/audit/events?entityId=%00`,
        `/audit/events?type=${'x'.repeat(300)}`,
        `/reports/impact/explain?programmeId=${P}&field=trainings&key=a%00b`,
      ];
      for (const path of bad) {
        const r = await app.call('GET', path, { as: users.auditor });
        expect([path, r.status]).toEqual([path, 400]);
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(r.body.errors?.length).toBeGreaterThan(0);
      }
      expect((await app.call('GET', '/reports/impact?programmeId=nope', { as: users.auditor })).status).toBe(404);
      expect((await app.call('GET', '/reports/trace/disbursements/%00', { as: users.auditor })).status).toBe(404);
      // Offsets and bare dates are timestamps too: a date alone is the end of that day, UTC.
      const offset = await app.call('GET', `/reports/fund-flow?programmeId=${P}&asOf=2099-01-01T06:00:00%2B06:00`, { as: users.auditor });
      expect([offset.status, offset.body.asOf]).toEqual([200, '2099-01-01T00:00:00.000000Z']);
      const day = await app.call('GET', `/reports/impact?programmeId=${P}&asOf=2099-01-01`, { as: users.auditor });
      expect([day.status, day.body.asOf]).toEqual([200, '2099-01-01T23:59:59.999999Z']);
      expect((await app.call('GET', '/reports/fund-flow?programmeId=nope', { as: users.auditor })).status).toBe(404);
      expect((await app.call('GET', '/reports/impact/explain?programmeId=nope&field=trainings', { as: users.auditor })).status).toBe(404);
      for (const path of [`/reports/impact?programmeId=${P}`, `/reports/fund-flow?programmeId=${P}`, '/reports/trace/disbursements/d1', '/audit/events']) {
        expect((await app.call('GET', path)).status).toBe(401);
        for (const as of Object.values(users)) expect([path, as[1], (await app.call('GET', path, { as })).status]).toEqual([path, as[1], 200]);
      }
      const docs = (await app.call('GET', '/docs-json')).body;
      for (const path of ['/reports/impact', '/reports/impact/explain', '/reports/fund-flow', '/reports/fund-flow/explain', '/reports/trace/disbursements/{id}', '/audit/events']) {
        expect([path, Object.keys(docs.paths[path]?.get ?? {}).length > 0]).toEqual([path, true]);
      }
      expect(docs.paths['/reports/impact'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['programmeId', 'groupBy', 'asOf']));
    });

    it('answers the same reports after a rebuild of the ledger and the audit index', async () => {
      const paths = [
        ...['none', 'oblast', 'municipality', 'priority'].map((g) => `/reports/impact?programmeId=${P}&groupBy=${g}`),
        `/reports/impact?programmeId=${P}&groupBy=municipality&asOf=${midpoint}`,
        `/reports/fund-flow?programmeId=${P}`,
        `/reports/fund-flow?programmeId=${P}&asOf=${midpoint}`,
        `/reports/impact/explain?programmeId=${P}&field=localInvestment`,
        '/reports/trace/disbursements/d2',
        '/audit/events?entityId=g1',
      ];
      await app.running.sequencer.catchUp();
      const before = await Promise.all(paths.map(async (p) => (await get(p)).text));
      const rebuild = await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 'ledger' } });
      expect(rebuild.status).toBe(202);
      expect((await app.call('POST', '/admin/projections/rebuild', { as: users.admin, body: { name: 'grants' } })).status).toBe(202);
      await app.running.runner.rebuildsSettled();
      const after = await Promise.all(paths.map(async (p) => (await get(p)).text));
      expect(after).toEqual(before);
      const report = await app.running.runner.latestRebuild('ledger');
      expect(report?.status).toBe('switched');
      expect(report?.diff?.every((d) => d.onlyBefore === 0 && d.onlyAfter === 0)).toBe(true);
    });
  });
}
