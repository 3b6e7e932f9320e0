import { loadDemo, type DemoClient } from '../../src/demo/loader.js';
import { testTargets } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/http.js';

// The demo data set loads through the HTTP API, and loading it again records nothing new.
const [target] = testTargets();

describe(`demo data set (${target.name})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(target);
  });
  afterAll(async () => {
    await app.close();
  });

  const client = (): DemoClient => ({
    post: (as, path, body, key) => app.call('POST', path, { as, body, headers: { 'idempotency-key': key } }),
    get: (as, path) => app.call('GET', path, { as }),
  });

  it('loads the programme from the seeds and is idempotent', async () => {
    const first = await loadDemo(client());
    expect(first.writes).toBeGreaterThan(100);
    const events = await app.eventCount();

    const again = await loadDemo(client());
    expect(again.writes).toBe(first.writes);
    expect(await app.eventCount()).toBe(events);

    const head = await app.running.store.headPosition();
    const inl = await app.call('GET', `/programmes/inl-crime-prevention-2016?minPosition=${head}`, { as: ['aibek', 'auditor'] });
    // 6 facility shares (USD 132,000) + the grant envelope fully drawn (USD 34,000).
    expect(inl.body).toMatchObject({ budgetReporting: { amount: '500000.00', currency: 'USD' }, received: { amount: '500000.00', currency: 'USD' }, reserved: { amount: '166000.00', currency: 'USD' } });
    expect(inl.body.endorsedPlans).toHaveLength(15);
    const pbf = await app.call('GET', `/programmes/pbf-police-stations-2016?minPosition=${head}`, { as: ['aibek', 'auditor'] });
    expect(pbf.body.reserved).toEqual({ amount: '225500.00', currency: 'USD' });
    const history = await app.call('GET', `/plans/plan-jeti-oguz/history?minPosition=${head}`, { as: ['aibek', 'auditor'] });
    expect(history.body.map((h: any) => h.type)).toEqual(['PlanDrafted', 'PlanEndorsed', 'PlanAmended']);
  });
});
