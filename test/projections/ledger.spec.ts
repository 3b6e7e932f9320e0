import { entriesFor, factKey, type Fact, type Leg } from '../../projections/ledger/postings.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';

/**
 * The fund-flow ledger as pure functions: every event's legs sum to zero in each book, balances follow the
 * contract's definitions (committed = approved grants not revoked + facility programme shares), and impact
 * deltas net out when a grant is revoked or a result retracted.
 */

const usd = (amount: string) => ({ amount, currency: 'USD' });
let position = 0;
const event = (type: string, data: Record<string, unknown>, streamId = 'x-1'): RecordedEvent => {
  position += 1;
  return {
    id: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
    streamId,
    streamVersion: 1,
    position,
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: { id: 'oscar', roles: ['programme-officer'] }, correlationId: 'c', causationId: null },
    effectiveOn: null,
    recordedAt: new Date(1_700_000_000_000 + position * 1000).toISOString(),
    recordedAtMicros: (1_700_000_000_000 + position * 1000) * 1000,
  };
};

/** Folds events through the ledger, checking each event's balance; returns every leg and impact delta. */
function post(events: RecordedEvent[]) {
  const facts = new Map<string, Fact>();
  const legs: Leg[] = [];
  const impact: { field: string; delta: bigint; municipalityId: string; priority: string }[] = [];
  for (const e of events) {
    const out = entriesFor(e, facts);
    for (const [k, f] of out.facts) facts.set(k, f);
    for (const book of ['budget', 'commitment', 'cash']) {
      expect([e.position, e.type, book, out.legs.filter((l) => l.book === book).reduce((s, l) => s + l.amount, 0n)]).toEqual([e.position, e.type, book, 0n]);
    }
    legs.push(...out.legs);
    impact.push(...out.impact);
  }
  const balance = (account: string, book = 'commitment') => legs.filter((l) => l.book === book && l.account === account).reduce((s, l) => s + l.amount, 0n);
  const figure = (field: string) => impact.filter((x) => x.field === field).reduce((s, x) => s + x.delta, 0n);
  return { facts, legs, impact, balance, figure };
}

const world = () => [
  event('MunicipalityRegistered', { municipalityId: 'nookat', name: 'Nookat', oblast: 'Osh', district: null, kind: null, population: null }),
  event('ProgrammeRegistered', {
    programmeId: 'p', title: 'T', donor: { id: 'inl', name: 'INL' }, budget: usd('500000.00'), exchangeRate: null, budgetReporting: usd('500000.00'),
    startDate: '2016-01-01', endDate: '2018-01-31', reportingCurrency: 'USD', implementer: null,
  }),
  event('PlanDrafted', { planId: 'plan', programmeId: 'p', municipalityId: 'nookat', title: 'Plan', period: { from: '2016-01-01', to: '2017-12-31' }, priorities: ['road safety'], activities: [] }),
  event('GrantCallOpened', { grantCallId: 'call', programmeId: 'p', commissionId: 'com', title: 'Call', envelope: usd('34000.00'), exchangeRate: null, envelopeReporting: usd('34000.00'), minCoFundingRatio: '0.5', closesOn: '2099-01-01' }),
  ...['g1', 'g2'].map((id) =>
    event('ApplicationSubmitted', {
      applicationId: id, grantCallId: 'call', programmeId: 'p', commissionId: 'com', applicant: { name: 'A', type: 'ngo' }, municipalityId: 'nookat', planId: 'plan', activityId: null,
      title: id, priority: 'road safety', requested: usd('3000.00'), coFundingPledged: usd('1500.00'), exchangeRate: null, requestedReporting: usd('3000.00'), coFundingPledgedReporting: usd('1500.00'), submittedOn: '2016-05-01',
    }),
  ),
];
const approve = (id: string, amount: string) =>
  event('GrantApproved', { applicationId: id, grantCallId: 'call', approvedAmount: usd(amount), exchangeRate: null, approvedReporting: usd(amount), votes: [], minutesRef: 'm', reason: null, decidedBy: 'maria' });

describe('the fund-flow ledger', () => {
  it('commits approved grants from the call envelope, and a revocation gives them back', () => {
    const { balance, figure } = post([...world(), approve('g1', '2500.00'), approve('g2', '3000.00'), event('GrantRevoked', { applicationId: 'g2', grantCallId: 'call', revokedReporting: usd('3000.00'), reason: 'r', minutesRef: 'm', revokedBy: 'maria' })]);
    expect([balance('grant:g1'), balance('grant:g2'), balance('call:call'), balance('programme:p')]).toEqual([250000n, 0n, 3150000n, -3400000n]);
    expect([figure('grantsApproved'), figure('grantedAmount'), figure('coFundingPledged')]).toEqual([1n, 250000n, 150000n]);
    expect(balance('programme:p', 'budget')).toBe(50000000n);
  });

  it('closing a call returns the unspent envelope; a grant revoked after closing goes back to the budget', () => {
    const { balance } = post([
      ...world(),
      approve('g1', '2500.00'),
      approve('g2', '3000.00'),
      event('GrantCallClosed', { grantCallId: 'call', closedOn: null, drawn: usd('5500.00'), released: usd('28500.00') }),
      event('GrantRevoked', { applicationId: 'g2', grantCallId: 'call', revokedReporting: usd('3000.00'), reason: 'r', minutesRef: 'm', revokedBy: 'maria' }),
    ]);
    expect([balance('call:call'), balance('programme:p'), balance('grant:g1'), balance('grant:g2')]).toEqual([0n, -250000n, 250000n, 0n]);
  });

  it('pays disbursements through the grant or facility to the municipality, in the reporting currency', () => {
    const { legs, figure, balance } = post([
      ...world(),
      approve('g1', '2500.00'),
      event('FacilityAgreed', {
        facilityId: 'f1', programmeId: 'p', municipalityId: 'nookat', planId: 'plan', kind: 'police-station', title: 'F', totalCost: { amount: '2000000.00', currency: 'KGS' },
        exchangeRate: { rate: '0.0114', date: '2017-05-10', source: 'NBKR' }, totalCostReporting: usd('22800.00'), localShareRatio: '0.5', programmeShare: usd('11400.00'), localShare: usd('11400.00'),
      }),
      event('DisbursementRequested', { disbursementId: 'd1', programmeId: 'p', target: { kind: 'grant', id: 'g1' }, amount: { amount: '43859.65', currency: 'KGS' }, exchangeRate: { rate: '0.0114', date: '2017-05-10', source: 'NBKR' }, amountReporting: usd('500.00'), purpose: 'x', requestedBy: 'oscar' }),
      event('DisbursementRequested', { disbursementId: 'd2', programmeId: 'p', target: { kind: 'facility', id: 'f1' }, amount: usd('700.00'), exchangeRate: null, amountReporting: usd('700.00'), purpose: 'x', requestedBy: 'oscar' }),
      event('DisbursementCancelled', { disbursementId: 'd2', reason: 'dup', cancelledBy: 'oscar' }),
      event('DisbursementPaid', { disbursementId: 'd1', paidOn: '2017-05-12', bankReference: 'b', paidBy: 'farid' }),
      event('CoFundingReceived', { coFundingId: 'c1', programmeId: 'p', target: { kind: 'facility', id: 'f1' }, amount: usd('11400.00'), exchangeRate: null, amountReporting: usd('11400.00'), source: 'police-budget', evidenceRef: 'e', receivedOn: '2017-05-10' }),
    ]);
    const cash = legs.filter((l) => l.book === 'cash' && l.amount > 0n).map((l) => [l.counterAccount, l.account, l.amount]);
    expect(cash).toEqual([
      ['programme:p', 'grant:g1', 50000n],
      ['grant:g1', 'municipality:nookat', 50000n],
      ['police-budget:nookat', 'facility:f1', 1140000n],
    ]);
    expect([figure('disbursedAmount'), figure('localInvestment'), figure('coFundingReceived')]).toEqual([50000n, 1140000n, 0n]);
    expect(balance('facility:f1')).toBe(1140000n); // committed: the facility's programme share
  });

  it('counts results once and takes them back on retraction, attributed through their grant', () => {
    const { impact, figure, facts } = post([
      ...world(),
      event('ResultRecorded', { resultId: 'r1', programmeId: 'p', kind: 'training', date: '2016-05-20', title: 't', municipalityId: null, grantId: 'g1', priority: null, participants: 34, directBeneficiaries: 34, indirectBeneficiaries: null }),
      event('ResultRecorded', { resultId: 'r2', programmeId: 'p', kind: 'exchange-visit', date: '2016-05-20', title: 't', municipalityId: 'nookat', grantId: null, priority: null, participants: 12, directBeneficiaries: 3, indirectBeneficiaries: 7 }),
      event('ResultRetracted', { resultId: 'r2', reason: 'dup' }),
      event('ResultRetracted', { resultId: 'r2', reason: 'dup again' }),
    ]);
    expect([figure('trainings'), figure('trainingParticipants'), figure('exchangeVisits'), figure('directBeneficiaries'), figure('indirectBeneficiaries')]).toEqual([1n, 34n, 0n, 34n, 0n]);
    expect(impact.filter((x) => x.field === 'trainings')[0]).toMatchObject({ municipalityId: 'nookat', priority: 'road safety' });
    expect(facts.get(factKey('result', 'r2'))).toMatchObject({ retracted: true });
  });

  it('keeps every event balanced over random sequences of approvals, revocations, payments and co-funding', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 20; run++) {
      const events = [...world()];
      for (let i = 0; i < 30; i++) {
        const cents = `${1 + rand(5000)}.${String(rand(100)).padStart(2, '0')}`;
        const grant = rand(2) ? 'g1' : 'g2';
        const pick = rand(5);
        if (pick === 0) events.push(approve(grant, cents));
        if (pick === 1) events.push(event('GrantRevoked', { applicationId: grant, grantCallId: 'call', revokedReporting: usd(cents), reason: 'r', minutesRef: 'm', revokedBy: 'maria' }));
        if (pick === 2) {
          events.push(event('DisbursementRequested', { disbursementId: `d${i}`, programmeId: 'p', target: { kind: 'grant', id: grant }, amount: usd(cents), exchangeRate: null, amountReporting: usd(cents), purpose: 'x', requestedBy: 'o' }));
          events.push(event('DisbursementPaid', { disbursementId: `d${i}`, paidOn: '2017-01-01', bankReference: 'b', paidBy: 'f' }));
        }
        if (pick === 3) events.push(event('CoFundingReceived', { coFundingId: `c${i}`, programmeId: 'p', target: { kind: 'grant', id: grant }, amount: usd(cents), exchangeRate: null, amountReporting: usd(cents), source: 'local-budget', evidenceRef: `e${i}`, receivedOn: '2017-01-01' }));
        if (pick === 4) events.push(event('FundsReceived', { programmeId: 'p', amount: usd(cents), exchangeRate: null, amountReporting: usd(cents), receivedOn: '2017-01-01', reference: `t${i}` }));
      }
      const { legs, balance } = post(events);
      expect(legs.reduce((s, l) => s + l.amount, 0n)).toBe(0n);
      expect(balance('grant:g1') >= 0n && balance('grant:g2') >= 0n).toBe(true);
    }
  });
});
