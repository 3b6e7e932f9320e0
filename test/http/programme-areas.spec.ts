import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';

/** Programmes, plans, facilities and results over HTTP: the contract's answers and what gets recorded. */

const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };

const programmeBody = (id: string, budget = '500000.00') => ({
  id,
  title: 'Support to Crime Prevention in the Kyrgyz Republic',
  donor: { id: 'inl', name: 'US State Department, INL' },
  budget: { amount: budget, currency: 'USD' },
  startDate: '2016-01-01',
  endDate: '2018-01-31',
  implementer: 'UNODC',
});

const planBody = (id: string, programmeId: string, municipalityId: string) => ({
  id,
  programmeId,
  municipalityId,
  title: 'Local crime prevention plan 2016-2017',
  period: { from: '2016-01-01', to: '2017-12-31' },
  priorities: ['road safety', 'domestic violence'],
  activities: [
    { id: 'a1', title: 'Street lighting near schools', priority: 'road safety', budget: { amount: '150000.00', currency: 'KGS' }, fundingSource: 'local-budget' },
    { id: 'a2', title: 'Crisis centre hotline', priority: 'domestic violence', fundingSource: 'programme' },
  ],
});

const facilityBody = (id: string, programmeId: string, municipalityId: string, totalCost = '22000.00') => ({
  id,
  programmeId,
  municipalityId,
  kind: 'police-and-lcpc',
  title: 'Police station and LCPC office',
  totalCost: { amount: totalCost, currency: 'USD' },
});

for (const target of testTargets()) {
  describe(`programmes, plans, facilities and results over HTTP (${target.name})`, () => {
    let app: TestApp;

    const ok = async (method: string, path: string, body: unknown, as = users.officer) => {
      const r = await app.call(method, path, { as, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r;
    };
    /** Reads the entity once the read side has reached the command's position. */
    const read = async (path: string, command: { headers: Headers }) =>
      app.call('GET', `${path}?minPosition=${command.headers.get('ledger-position')}`, { as: users.auditor });

    /** A programme, a municipality and (optionally) an endorsed plan of the programme there. */
    const world = async (name: string, { budget = '500000.00', endorsed = true } = {}) => {
      await ok('POST', '/municipalities', { id: `${name}-town`, name: `${name} town`, oblast: 'Osh' });
      await ok('POST', '/programmes', programmeBody(`${name}-prog`, budget), users.admin);
      await ok('POST', '/plans', planBody(`${name}-plan`, `${name}-prog`, `${name}-town`));
      if (endorsed) await ok('POST', `/plans/${name}-plan/endorse`, { endorsedBy: 'town kenesh', decisionRef: 'No. 12/3', endorsedOn: '2016-03-03' });
      return { programmeId: `${name}-prog`, municipalityId: `${name}-town`, planId: `${name}-plan` };
    };

    beforeAll(async () => {
      app = await startTestApp(target);
    });
    afterAll(async () => {
      await app.close();
    });

    describe('programmes', () => {
      it('registers a programme, records funds in another currency and reads both back', async () => {
        const created = await app.call('POST', '/programmes', { as: users.admin, body: programmeBody('inl-2016') });
        expect(created.status).toBe(201);
        expect(created.body).toEqual({ id: 'inl-2016', version: 1 });
        expect(created.headers.get('etag')).toBe('"1"');

        const funds = await app.call('POST', '/programmes/inl-2016/funds-received', {
          as: users.officer,
          body: { amount: { amount: '2000000.00', currency: 'KGS' }, exchangeRate: RATE, receivedOn: '2017-05-10', reference: 'KGS transfer 7' },
        });
        expect(funds.status).toBe(200);
        expect(funds.body).toEqual({ id: 'inl-2016', version: 2 });

        const got = await read('/programmes/inl-2016', funds);
        expect(got.status).toBe(200);
        expect(got.headers.get('etag')).toBe('"2"');
        expect(got.body).toMatchObject({
          id: 'inl-2016',
          version: 2,
          status: 'registered',
          reportingCurrency: 'USD',
          budget: { amount: '500000.00', currency: 'USD' },
          received: { amount: '22800.00', currency: 'USD' },
          reserved: { amount: '0.00', currency: 'USD' },
          available: { amount: '500000.00', currency: 'USD' },
          donor: { id: 'inl', name: 'US State Department, INL' },
        });
      });

      it('answers 422 exchange-rate-required for money in another currency without a rate, recording nothing', async () => {
        await ok('POST', '/programmes', programmeBody('rate-prog'), users.admin);
        const before = await app.eventCount();
        const r = await app.call('POST', '/programmes/rate-prog/funds-received', {
          as: users.admin,
          body: { amount: { amount: '100.00', currency: 'KGS' }, receivedOn: '2017-05-10', reference: 'x' },
        });
        expect(r.status).toBe(422);
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ status: 422, rule: 'exchange-rate-required' });
        expect(await app.eventCount()).toBe(before);
      });

      it('answers 400 for bad input, 404 for an unknown programme, 409 for a taken id or a stale If-Match', async () => {
        await ok('POST', '/programmes', programmeBody('taken-prog'), users.admin);
        const before = await app.eventCount();
        const bad: [string, unknown][] = [
          ['missing fields', {}],
          ['end before start', { ...programmeBody('p-bad'), endDate: '2015-12-31' }],
          ['amount as a number', { ...programmeBody('p-bad'), budget: { amount: 500000, currency: 'USD' } }],
          ['too many decimals', { ...programmeBody('p-bad'), budget: { amount: '1.001', currency: 'USD' } }],
          ['negative amount', { ...programmeBody('p-bad'), budget: { amount: '-1.00', currency: 'USD' } }],
          ['unknown currency', { ...programmeBody('p-bad'), budget: { amount: '1.00', currency: 'XYZ' } }],
          ['unknown field', { ...programmeBody('p-bad'), sponsor: 'x' }],
          ['impossible date', { ...programmeBody('p-bad'), startDate: '2016-02-30' }],
          ['donor missing its name', { ...programmeBody('p-bad'), donor: { id: 'inl' } }],
        ];
        for (const [label, body] of bad) {
          const r = await app.call('POST', '/programmes', { as: users.admin, body });
          expect([label, r.status]).toEqual([label, 400]);
          expect(r.body).toMatchObject({ title: 'Bad Request', status: 400 });
        }
        expect((await app.call('POST', '/programmes/nowhere/funds-received', { as: users.admin, body: { amount: { amount: '1.00', currency: 'USD' }, receivedOn: '2017-01-01', reference: 'x' } })).status).toBe(404);
        expect((await app.call('GET', '/programmes/nowhere', { as: users.auditor })).status).toBe(404);
        expect((await app.call('POST', '/programmes', { as: users.admin, body: programmeBody('taken-prog') })).status).toBe(409);
        const stale = await app.call('POST', '/programmes/taken-prog/funds-received', {
          as: users.admin,
          headers: { 'if-match': '"7"' },
          body: { amount: { amount: '1.00', currency: 'USD' }, receivedOn: '2017-01-01', reference: 'x' },
        });
        expect(stale.status).toBe(409);
        expect(await app.eventCount()).toBe(before);
      });

      it('lets only admins and programme officers write programmes (401 without a token)', async () => {
        const before = await app.eventCount();
        expect((await app.call('POST', '/programmes', { body: programmeBody('p-x') })).status).toBe(401);
        for (const who of [users.finance, users.member, users.auditor]) {
          expect((await app.call('POST', '/programmes', { as: who, body: programmeBody('p-x') })).status).toBe(403);
        }
        expect(await app.eventCount()).toBe(before);
        expect((await app.call('POST', '/programmes', { as: users.officer, body: programmeBody('p-by-officer') })).status).toBe(201);
      });
    });

    describe('plans', () => {
      it('drafts, endorses and amends a plan; history shows the plan after every version', async () => {
        await world('jalal', { endorsed: false });
        const endorsed = await app.call('POST', '/plans/jalal-plan/endorse', { as: users.officer, body: { endorsedBy: 'Jalal-Abad city kenesh', decisionRef: 'No. 5/2', endorsedOn: '2015-09-03' } });
        expect(endorsed.status).toBe(200);
        expect(endorsed.body).toEqual({ id: 'jalal-plan', version: 2 });

        const needsDecision = await app.call('POST', '/plans/jalal-plan/amendments', { as: users.officer, body: { reason: 'survey', addPriorities: ['cattle theft'] } });
        expect(needsDecision.status).toBe(422);
        expect(needsDecision.body.rule).toBe('decision-ref-required');

        const amended = await app.call('POST', '/plans/jalal-plan/amendments', {
          as: users.officer,
          body: {
            reason: 'the 2017 survey found cattle theft rising',
            decisionRef: 'No. 9/1',
            addPriorities: ['cattle theft'],
            addActivities: [{ id: 'a3', title: 'Cattle branding', priority: 'cattle theft', budget: { amount: '40000.00', currency: 'KGS' }, fundingSource: 'local-budget' }],
            changeActivities: [{ id: 'a1', budget: null }],
            removeActivities: ['a2'],
          },
        });
        expect(amended.status).toBe(200);
        expect(amended.body).toEqual({ id: 'jalal-plan', version: 3 });

        const plan = await read('/plans/jalal-plan', amended);
        expect(plan.status).toBe(200);
        expect(plan.headers.get('etag')).toBe('"3"');
        expect(plan.body).toMatchObject({
          id: 'jalal-plan',
          version: 3,
          status: 'endorsed',
          programmeId: 'jalal-prog',
          municipalityId: 'jalal-town',
          priorities: ['road safety', 'domestic violence', 'cattle theft'],
          endorsement: { endorsedBy: 'Jalal-Abad city kenesh', decisionRef: 'No. 5/2', endorsedOn: '2015-09-03' },
          amendments: 1,
        });
        expect(plan.body.activities.map((a: any) => [a.id, a.budget])).toEqual([
          ['a1', null],
          ['a3', { amount: '40000.00', currency: 'KGS' }],
        ]);

        const history = await read('/plans/jalal-plan/history', amended);
        expect(history.status).toBe(200);
        expect(history.body.map((h: any) => [h.version, h.amendmentNo, h.decisionRef])).toEqual([
          [1, 0, null],
          [2, 0, 'No. 5/2'],
          [3, 1, 'No. 9/1'],
        ]);
        const [first, endorsement, last] = history.body;
        expect(first.plan.activities.map((a: any) => a.id)).toEqual(['a1', 'a2']);
        expect(endorsement.plan).toEqual(first.plan); // an endorsement changes nothing in the plan
        const { title, period, priorities, activities } = plan.body;
        expect(last.plan).toEqual({ title, period, priorities, activities }); // the last version is the plan as it stands
        expect(last).toMatchObject({ reason: 'the 2017 survey found cattle theft rising', actor: { id: 'oscar', roles: ['programme-officer'] } });
        expect(last.changes.removeActivities).toEqual(['a2']);
        expect(last.plan.activities.map((a: any) => a.id)).toEqual(['a1', 'a3']);
        expect(typeof last.recordedAt).toBe('string');
      });

      it('answers 422 invalid-state for a second endorsement and for amendments that make no sense, recording nothing', async () => {
        await world('suzak');
        const before = await app.eventCount();
        const again = await app.call('POST', '/plans/suzak-plan/endorse', { as: users.officer, body: { endorsedBy: 'kenesh', decisionRef: 'No. 2', endorsedOn: '2016-04-01' } });
        expect(again.status).toBe(422);
        expect(again.body.rule).toBe('invalid-state');
        for (const body of [
          { reason: 'r', decisionRef: 'd' },
          { reason: 'r', decisionRef: 'd', removeActivities: ['zzz'] },
          { reason: 'r', decisionRef: 'd', addActivities: [{ id: 'a1', title: 't', priority: 'road safety', fundingSource: 'other' }] },
          { reason: 'r', decisionRef: 'd', addActivities: [{ id: 'a9', title: 't', priority: 'not in plan', fundingSource: 'other' }] },
          { reason: 'r', decisionRef: 'd', removePriorities: ['road safety'] },
        ]) {
          const r = await app.call('POST', '/plans/suzak-plan/amendments', { as: users.officer, body });
          expect([body, r.status, r.body.rule]).toEqual([body, 422, 'invalid-state']);
        }
        expect(await app.eventCount()).toBe(before);
      });

      it('answers 400, 403 and 404 as the contract says', async () => {
        await world('kerben', { endorsed: false });
        const before = await app.eventCount();
        for (const body of [
          { ...planBody('k2', 'kerben-prog', 'kerben-town'), priorities: [] },
          { ...planBody('k2', 'kerben-prog', 'kerben-town'), activities: [{ id: 'a1', title: 't', priority: 'road safety', fundingSource: 'donor' }] },
          { ...planBody('k2', 'kerben-prog', 'kerben-town'), period: { from: '2017-01-01', to: '2016-01-01' } },
          { ...planBody('k2', 'kerben-prog', 'kerben-town'), activities: [{ id: 'a1', title: 't', priority: 'not a priority', fundingSource: 'other' }] },
        ]) {
          expect((await app.call('POST', '/plans', { as: users.officer, body })).status).toBe(400);
        }
        expect((await app.call('POST', '/plans/kerben-plan/amendments', { as: users.officer, body: { decisionRef: 'x' } })).status).toBe(400);
        expect((await app.call('POST', '/plans', { as: users.officer, body: planBody('k3', 'no-prog', 'kerben-town') })).status).toBe(404);
        expect((await app.call('POST', '/plans', { as: users.officer, body: planBody('k3', 'kerben-prog', 'no-town') })).status).toBe(404);
        expect((await app.call('POST', '/plans/nope/endorse', { as: users.officer, body: { endorsedBy: 'k', decisionRef: 'd', endorsedOn: '2016-01-01' } })).status).toBe(404);
        for (const who of [users.admin, users.finance, users.auditor]) {
          expect((await app.call('POST', '/plans', { as: who, body: planBody('k4', 'kerben-prog', 'kerben-town') })).status).toBe(403);
          expect((await app.call('POST', '/plans/kerben-plan/endorse', { as: who, body: { endorsedBy: 'k', decisionRef: 'd', endorsedOn: '2016-01-01' } })).status).toBe(403);
        }
        expect(await app.eventCount()).toBe(before);
        expect((await app.call('GET', '/plans/nope', { as: users.auditor })).status).toBe(404);
        expect((await app.call('GET', '/plans/nope/history', { as: users.auditor })).status).toBe(404);
      });
    });

    describe('facilities', () => {
      it('agrees a facility where an endorsed plan exists, reserving the programme share, and completes it', async () => {
        const { programmeId, municipalityId } = await world('nookat');
        const agreed = await app.call('POST', '/facilities', {
          as: users.officer,
          body: { ...facilityBody('nookat-station', programmeId, municipalityId), totalCost: { amount: '2000000.00', currency: 'KGS' }, exchangeRate: RATE, localShareRatio: '0.6' },
        });
        expect(agreed.status).toBe(201);
        expect(agreed.body).toEqual({ id: 'nookat-station', version: 1 });

        const facility = await read('/facilities/nookat-station', agreed);
        expect(facility.body).toMatchObject({
          id: 'nookat-station',
          version: 1,
          status: 'agreed',
          planId: 'nookat-plan',
          totalCost: { amount: '2000000.00', currency: 'KGS' },
          totalCostReporting: { amount: '22800.00', currency: 'USD' },
          localShareRatio: '0.6',
          programmeShare: { amount: '9120.00', currency: 'USD' },
          localShare: { amount: '13680.00', currency: 'USD' },
        });
        const programme = await read(`/programmes/${programmeId}`, agreed);
        expect(programme.body.reserved).toEqual({ amount: '9120.00', currency: 'USD' });

        const completed = await app.call('POST', '/facilities/nookat-station/complete', { as: users.officer, body: { completedOn: '2017-06-30' } });
        expect(completed.status).toBe(200);
        expect(completed.body).toEqual({ id: 'nookat-station', version: 2 });
        expect((await read('/facilities/nookat-station', completed)).body).toMatchObject({ status: 'established', completedOn: '2017-06-30', version: 2 });

        const before = await app.eventCount();
        const again = await app.call('POST', '/facilities/nookat-station/complete', { as: users.officer, body: { completedOn: '2017-07-01' } });
        expect(again.status).toBe(422);
        expect(again.body.rule).toBe('invalid-state');
        expect(await app.eventCount()).toBe(before);
      });

      it('answers 422 plan-not-endorsed without an endorsed plan, and budget-exceeded above the budget, recording nothing', async () => {
        const draftOnly = await world('chaek', { endorsed: false });
        const small = await world('amanbaev', { budget: '1000.00' });
        const before = await app.eventCount();
        const noPlan = await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('chaek-station', draftOnly.programmeId, draftOnly.municipalityId) });
        expect(noPlan.status).toBe(422);
        expect(noPlan.body.rule).toBe('plan-not-endorsed');
        // The plan of another programme does not count either.
        const otherProgramme = await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('chaek-station', small.programmeId, draftOnly.municipalityId) });
        expect(otherProgramme.body.rule).toBe('plan-not-endorsed');
        const tooDear = await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('amanbaev-station', small.programmeId, small.municipalityId, '2000.02') });
        expect(tooDear.status).toBe(422);
        expect(tooDear.body.rule).toBe('budget-exceeded');
        const noRate = await app.call('POST', '/facilities', {
          as: users.officer,
          body: { ...facilityBody('amanbaev-station', small.programmeId, small.municipalityId), totalCost: { amount: '1000.00', currency: 'KGS' } },
        });
        expect(noRate.body.rule).toBe('exchange-rate-required');
        expect(await app.eventCount()).toBe(before);
        // To the last cent is fine: 2000.00 × 0.5 = 1000.00.
        expect((await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('amanbaev-station', small.programmeId, small.municipalityId, '2000.00') })).status).toBe(201);
      });

      it('keeps the budget when two facilities race for the last of it', async () => {
        const { programmeId, municipalityId } = await world('uch-korgon', { budget: '1000.00' });
        const race = await Promise.all(
          ['race-a', 'race-b', 'race-c', 'race-d'].map((id) => app.call('POST', '/facilities', { as: users.officer, body: facilityBody(id, programmeId, municipalityId, '1200.00') })),
        );
        const statuses = race.map((r) => r.status).sort();
        expect(statuses).toEqual([201, 422, 422, 422]);
        expect(race.filter((r) => r.status === 422).every((r) => r.body.rule === 'budget-exceeded')).toBe(true);
        const winner = race.find((r) => r.status === 201)!;
        const programme = await read(`/programmes/${programmeId}`, winner);
        expect(programme.body.reserved).toEqual({ amount: '600.00', currency: 'USD' });
        expect(programme.body.available).toEqual({ amount: '400.00', currency: 'USD' });
      });

      it('answers 400, 403, 404 and 409 as the contract says', async () => {
        const { programmeId, municipalityId } = await world('kulundu');
        await ok('POST', '/facilities', facilityBody('kulundu-station', programmeId, municipalityId));
        const before = await app.eventCount();
        for (const body of [
          { ...facilityBody('k-x', programmeId, municipalityId), kind: 'school' },
          { ...facilityBody('k-x', programmeId, municipalityId), localShareRatio: '1.5' },
          { ...facilityBody('k-x', programmeId, municipalityId), localShareRatio: 0.5 },
          { ...facilityBody('k-x', programmeId, municipalityId), totalCost: { amount: '0', currency: 'USD' } },
          { programmeId, municipalityId },
        ]) {
          expect([body, (await app.call('POST', '/facilities', { as: users.officer, body })).status]).toEqual([body, 400]);
        }
        expect((await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('k-x', 'no-prog', municipalityId) })).status).toBe(404);
        expect((await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('k-x', programmeId, 'no-town') })).status).toBe(404);
        expect((await app.call('POST', '/facilities/nope/complete', { as: users.officer, body: { completedOn: '2017-01-01' } })).status).toBe(404);
        expect((await app.call('POST', '/facilities', { as: users.officer, body: facilityBody('kulundu-station', programmeId, municipalityId) })).status).toBe(409);
        for (const who of [users.admin, users.finance, users.auditor, users.member]) {
          expect((await app.call('POST', '/facilities', { as: who, body: facilityBody('k-y', programmeId, municipalityId) })).status).toBe(403);
        }
        expect((await app.call('POST', '/facilities', { body: facilityBody('k-y', programmeId, municipalityId) })).status).toBe(401);
        expect(await app.eventCount()).toBe(before);
        expect((await app.call('GET', '/facilities/nope', { as: users.auditor })).status).toBe(404);
      });
    });

    it('replays a repeated facility command with the same Idempotency-Key and refuses the key with another body', async () => {
      const { programmeId, municipalityId } = await world('kara-kulja');
      const body = facilityBody('kk-station', programmeId, municipalityId);
      const headers = { 'idempotency-key': 'kk-station-1' };
      const first = await app.call('POST', '/facilities', { as: users.officer, body, headers });
      expect(first.status).toBe(201);
      const before = await app.eventCount();
      const again = await app.call('POST', '/facilities', { as: users.officer, body, headers });
      expect([again.status, again.body]).toEqual([201, first.body]);
      const other = await app.call('POST', '/facilities', { as: users.officer, body: { ...body, title: 'another' }, headers });
      expect([other.status, other.body.rule]).toEqual([422, 'idempotency-key-reused']);
      expect(await app.eventCount()).toBe(before);
    });

    it('lists plans, facilities, results and programmes with filters', async () => {
      const { programmeId, municipalityId } = await world('khalmion');
      const last = await ok('POST', '/facilities', facilityBody('khalmion-station', programmeId, municipalityId));
      const at = `minPosition=${last.headers.get('ledger-position')}`;
      const plans = await app.call('GET', `/plans?programmeId=${programmeId}&status=endorsed&${at}`, { as: users.auditor });
      expect(plans.body).toMatchObject({ total: 1, items: [{ id: 'khalmion-plan', municipalityId }] });
      const facilities = await app.call('GET', `/facilities?municipalityId=${municipalityId}&status=&${at}`, { as: users.auditor });
      expect(facilities.body.items.map((f: any) => f.id)).toEqual(['khalmion-station']);
      expect((await app.call('GET', `/results?programmeId=${programmeId}&${at}`, { as: users.auditor })).body).toEqual({ items: [], total: 0 });
      expect((await app.call('GET', `/programmes?limit=1000&${at}`, { as: users.auditor })).body.items.map((p: any) => p.id)).toContain(programmeId);
      expect((await app.call('GET', '/plans?limit=0', { as: users.auditor })).status).toBe(400);
    });

    it('describes every endpoint of these areas in the OpenAPI document', async () => {
      const docs = await app.call('GET', '/docs-json', { as: users.auditor });
      expect(docs.status).toBe(200);
      const paths = Object.keys(docs.body.paths);
      for (const path of [
        '/programmes', '/programmes/{id}', '/programmes/{id}/funds-received',
        '/plans', '/plans/{id}', '/plans/{id}/endorse', '/plans/{id}/amendments', '/plans/{id}/history',
        '/facilities', '/facilities/{id}', '/facilities/{id}/complete',
        '/results', '/results/{id}', '/results/{id}/retract',
      ]) {
        expect(paths).toContain(path);
      }
    });

    describe('results', () => {
      it('records a result, retracts it once, and reads it back', async () => {
        const { programmeId, municipalityId } = await world('uzgen');
        const recorded = await app.call('POST', '/results', {
          as: users.officer,
          body: { id: 'tot-uzgen', programmeId, municipalityId, kind: 'training', date: '2016-05-20', title: 'Training of trainers', priority: 'road safety', participants: 34 },
        });
        expect(recorded.status).toBe(201);
        expect(recorded.body).toEqual({ id: 'tot-uzgen', version: 1 });
        expect((await read('/results/tot-uzgen', recorded)).body).toMatchObject({ id: 'tot-uzgen', version: 1, status: 'recorded', participants: 34, directBeneficiaries: null });

        const retracted = await app.call('POST', '/results/tot-uzgen/retract', { as: users.officer, body: { reason: 'recorded twice' } });
        expect(retracted.status).toBe(200);
        expect((await read('/results/tot-uzgen', retracted)).body).toMatchObject({ version: 2, status: 'retracted', retractionReason: 'recorded twice' });

        const before = await app.eventCount();
        const again = await app.call('POST', '/results/tot-uzgen/retract', { as: users.officer, body: { reason: 'again' } });
        expect(again.status).toBe(422);
        expect(again.body.rule).toBe('invalid-state');
        expect(await app.eventCount()).toBe(before);
      });

      it('answers 400, 403, 404 and 409 as the contract says', async () => {
        const { programmeId } = await world('kyzyl-tuu');
        const body = { id: 'r-1', programmeId, kind: 'beneficiaries', date: '2017-12-31', title: 'People reached', directBeneficiaries: 350, indirectBeneficiaries: 600000 };
        await ok('POST', '/results', body);
        const before = await app.eventCount();
        for (const bad of [
          { ...body, id: 'r-2', participants: -1 },
          { ...body, id: 'r-2', participants: 2.5 },
          { ...body, id: 'r-2', participants: '3' },
          { ...body, id: 'r-2', kind: 'concert' },
          { ...body, id: 'r-2', date: '31.12.2017' },
        ]) {
          expect([bad, (await app.call('POST', '/results', { as: users.officer, body: bad })).status]).toEqual([bad, 400]);
        }
        expect((await app.call('POST', '/results', { as: users.officer, body: { ...body, id: 'r-2', programmeId: 'no-prog' } })).status).toBe(404);
        expect((await app.call('POST', '/results', { as: users.officer, body: { ...body, id: 'r-2', municipalityId: 'no-town' } })).status).toBe(404);
        expect((await app.call('POST', '/results/nope/retract', { as: users.officer, body: { reason: 'x' } })).status).toBe(404);
        expect((await app.call('POST', '/results', { as: users.officer, body })).status).toBe(409);
        for (const who of [users.admin, users.finance, users.auditor]) {
          expect((await app.call('POST', '/results', { as: who, body: { ...body, id: 'r-3' } })).status).toBe(403);
        }
        expect(await app.eventCount()).toBe(before);
        expect((await app.call('GET', '/results/nope', { as: users.auditor })).status).toBe(404);
      });
    });
  });
}
