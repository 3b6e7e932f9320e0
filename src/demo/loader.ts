import { shareCost } from '../domain/facility/decider.js';
import { fromJson, toJson } from '../domain/shared/money.js';
import { inReportingCurrency } from '../domain/shared/reporting.js';
import * as data from './dataset.js';

/**
 * Loads the demo data set through the public HTTP API, exactly as a client would: every write is a POST
 * with the role the contract requires and an Idempotency-Key, so running the loader again replays the
 * first answers and records nothing new.
 */

export interface DemoClient {
  /** POSTs as the user [sub, ...roles]; resolves with the answer's status and body. */
  post(as: string[], path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; body: any }>;
  get(as: string[], path: string): Promise<{ status: number; body: any }>;
}

export const demoUsers = {
  admin: ['demo-admin', 'admin'],
  officer: ['demo-officer', 'programme-officer'],
  /** Maker-checker: another person approves what the officer requested. */
  finance: ['demo-finance', 'finance-officer'],
  member: (id: string) => [id, 'commission-member'],
};

export interface DemoSummary {
  writes: number;
  programmes: unknown[];
}

/** A facility's programme share (all demo programmes report in USD), computed as the ledger does. */
function programmeShare(f: (typeof data.facilities)[number]): data.Money {
  const total = inReportingCurrency(fromJson(f.totalCost), 'USD', 'exchangeRate' in f ? f.exchangeRate : null);
  return toJson(shareCost(total, ('localShareRatio' in f ? f.localShareRatio : undefined) ?? '0.5').programmeShare);
}

/** Today as YYYY-MM-DD (UTC). */

export async function loadDemo(client: DemoClient, log: (line: string) => void = () => undefined): Promise<DemoSummary> {
  let writes = 0;
  const post = async (as: string[], path: string, body: unknown, key: string) => {
    const answer = await client.post(as, path, body, `demo:${key}`);
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`POST ${path} (${key}) answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    writes++;
    return answer.body as { id: string; version: number };
  };
  const { admin, officer, finance, member } = demoUsers;

  log(`municipalities: ${data.municipalities.length}`);
  for (const m of data.municipalities) await post(officer, '/municipalities', m, `municipality:${m.id}`);

  for (const { tranches, ...programme } of data.programmes) {
    log(`programme ${programme.id}`);
    await post(admin, '/programmes', programme, `programme:${programme.id}`);
    for (const [i, tranche] of tranches.entries()) {
      await post(officer, `/programmes/${programme.id}/funds-received`, tranche, `funds:${programme.id}:${i + 1}`);
    }
  }

  log(`plans: ${data.plans.length} (${data.plans.filter((p) => p.endorsement).length} endorsed), amendments: ${data.amendments.length}`);
  for (const { endorsement, ...plan } of data.plans) {
    await post(officer, '/plans', plan, `plan:${plan.id}`);
    if (endorsement) await post(officer, `/plans/${plan.id}/endorse`, endorsement, `endorse:${plan.id}`);
  }
  for (const [i, { planId, ...amendment }] of data.amendments.entries()) {
    await post(officer, `/plans/${planId}/amendments`, amendment, `amend:${planId}:${i + 1}`);
  }

  log(`facilities: ${data.facilities.length}`);
  for (const { completedOn, ...facility } of data.facilities) {
    await post(officer, '/facilities', facility, `facility:${facility.id}`);
    await post(officer, `/facilities/${facility.id}/complete`, { completedOn }, `complete:${facility.id}`);
  }
  for (const { facilityId, ...coFunding } of data.facilityCoFunding) {
    await post(officer, '/co-funding', { id: `cf-${facilityId}`, target: { kind: 'facility', id: facilityId }, ...coFunding }, `co-funding:${facilityId}`);
  }
  for (const { planId, ...coFunding } of data.planCoFunding) {
    await post(officer, '/co-funding', { id: `cf-${planId}`, target: { kind: 'plan', id: planId }, ...coFunding }, `co-funding:${planId}`);
  }

  log(`grants: commission, call, ${data.grants.length} applications (${data.grants.filter((g) => g.approved).length} approved)`);
  await post(officer, '/commissions', data.commission, `commission:${data.commission.id}`);
  // A historical call: applications are recorded with the date they were submitted, before it closed.
  await post(officer, '/grant-calls', data.grantCall, `grant-call:${data.grantCall.id}`);
  const members = data.commission.members.map((m) => m.id);
  for (const g of data.grants) {
    const planId = `plan-${g.municipalityId}`;
    await post(
      officer,
      `/grant-calls/${data.grantCall.id}/applications`,
      { id: g.id, applicant: g.applicant, municipalityId: g.municipalityId, planId, activityId: g.activity, title: g.title, priority: g.priority, requested: g.requested, coFundingPledged: g.coFundingPledged, submittedOn: data.applicationsSubmittedOn },
      `application:${g.id}`,
    );
    if (g.recused) {
      await post(member(g.recused), `/applications/${g.id}/conflicts`, { reason: 'a relative works for the applicant' }, `conflict:${g.id}:${g.recused}`);
    }
    const voters = members.filter((m) => m !== g.recused);
    for (const [i, m] of voters.entries()) {
      await post(member(m), `/applications/${g.id}/scores`, { score: g.approved ? 70 + i * 5 : 35 + i * 5 }, `score:${g.id}:${m}`);
    }
    const vote = g.approved ? 'for' : 'against';
    await post(
      member(voters[0]),
      `/applications/${g.id}/decision`,
      {
        outcome: g.approved ? 'approved' : 'rejected',
        ...(g.approved ? { approvedAmount: g.requested } : {}),
        votes: voters.map((memberId, i) => ({ memberId, vote: i === voters.length - 1 && voters.length > 3 ? 'abstain' : vote })),
        minutesRef: 'Grants commission minutes 2016/3',
        ...(g.approved ? {} : { reason: 'the activity is not in the plan budget for 2016' }),
      },
      `decision:${g.id}`,
    );
  }
  await post(officer, `/grant-calls/${data.grantCall.id}/close`, {}, `close:${data.grantCall.id}`);

  log('co-funding received and disbursements paid');
  const approved = data.grants.filter((g) => g.approved);
  for (const g of approved) {
    await post(
      officer,
      '/co-funding',
      { id: `cf-${g.id}`, target: { kind: 'grant', id: g.id }, amount: g.coFundingPledged, source: 'local-budget', evidenceRef: g.coFundingEvidence, receivedOn: '2016-12-15' },
      `co-funding:${g.id}`,
    );
  }
  const payments = [
    ...approved.map((g) => ({ id: `pay-${g.id}`, target: { kind: 'grant', id: g.id }, amount: g.requested, purpose: 'grant, single tranche', paidOn: '2016-12-20' })),
    ...data.facilities.map((f) => ({ id: `pay-${f.id}`, target: { kind: 'facility', id: f.id }, amount: programmeShare(f), purpose: "programme's share of the works", paidOn: f.completedOn })),
  ];
  for (const [i, p] of payments.entries()) {
    await post(officer, '/disbursements', { id: p.id, target: p.target, amount: p.amount, purpose: p.purpose }, `disbursement:${p.id}`);
    await post(finance, `/disbursements/${p.id}/approve`, {}, `approve:${p.id}`);
    await post(finance, `/disbursements/${p.id}/pay`, { paidOn: p.paidOn, bankReference: `RSK-${p.paidOn.slice(0, 4)}-${String(i + 1).padStart(4, '0')}` }, `pay:${p.id}`);
  }

  log(`results: ${data.results.length}, retractions: ${data.retractions.length}`);
  for (const r of data.results) await post(officer, '/results', r, `result:${r.id}`);
  for (const { resultId, reason } of data.retractions) await post(officer, `/results/${resultId}/retract`, { reason }, `retract:${resultId}`);

  const programmes = [];
  for (const p of data.programmes) programmes.push((await client.get(officer, `/programmes/${p.id}`)).body);
  return { writes, programmes };
}
