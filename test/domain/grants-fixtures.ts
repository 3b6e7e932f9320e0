/** Events and facts the grant specs start from: a USD programme, a commission of four, an open call. */
import type { SubmitApplication } from '../../src/domain/application/commands.js';
import type { ApplicationEvent } from '../../src/domain/application/events.js';
import type { CommissionFacts } from '../../src/domain/commission/decider.js';
import type { GrantCallFacts } from '../../src/domain/grant-call/decider.js';
import type { GrantCallEvent } from '../../src/domain/grant-call/events.js';
import { money } from '../../src/domain/shared/money.js';

export const usd = (amount: string) => money(amount, 'USD');
export const kgs = (amount: string) => money(amount, 'KGS');
export const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };

export const commission: CommissionFacts = { memberIds: ['aida', 'bakyt', 'chynara', 'daniyar'], quorum: 3 };

export const callOpened: GrantCallEvent = {
  type: 'GrantCallOpened',
  data: {
    grantCallId: 'call-1',
    programmeId: 'inl-2016',
    commissionId: 'com-1',
    title: 'Small grants 2016',
    envelope: { amount: '34000.00', currency: 'USD' },
    exchangeRate: null,
    envelopeReporting: { amount: '34000.00', currency: 'USD' },
    minCoFundingRatio: '0.5',
    closesOn: '2016-12-31',
  },
};

export const callFacts: GrantCallFacts = {
  grantCallId: 'call-1',
  programmeId: 'inl-2016',
  commissionId: 'com-1',
  status: 'open',
  closesOn: '2016-12-31',
  minCoFundingRatio: '0.5',
  reportingCurrency: 'USD',
};

export function submit(overrides: Partial<SubmitApplication> = {}): SubmitApplication {
  return {
    type: 'SubmitApplication',
    applicationId: 'app-1',
    grantCallId: 'call-1',
    applicant: { name: 'Nookat youth LCPC', type: 'lcpc' },
    municipalityId: 'nookat',
    planId: 'plan-nookat',
    title: 'Road safety for school children',
    priority: 'road safety',
    requested: usd('3000.00'),
    coFundingPledged: usd('1500.00'),
    submittedOn: '2016-10-01',
    call: callFacts,
    plan: { endorsed: true, programmeId: 'inl-2016', municipalityId: 'nookat' },
    ...overrides,
  };
}

export const submitted: ApplicationEvent = {
  type: 'ApplicationSubmitted',
  data: {
    applicationId: 'app-1',
    grantCallId: 'call-1',
    programmeId: 'inl-2016',
    commissionId: 'com-1',
    applicant: { name: 'Nookat youth LCPC', type: 'lcpc' },
    municipalityId: 'nookat',
    planId: 'plan-nookat',
    activityId: null,
    title: 'Road safety for school children',
    priority: 'road safety',
    requested: { amount: '3000.00', currency: 'USD' },
    coFundingPledged: { amount: '1500.00', currency: 'USD' },
    exchangeRate: null,
    requestedReporting: { amount: '3000.00', currency: 'USD' },
    coFundingPledgedReporting: { amount: '1500.00', currency: 'USD' },
    submittedOn: '2016-10-01',
    contactPerson: null,
  },
  effectiveOn: '2016-10-01',
};

export const recused = (memberId: string): ApplicationEvent => ({
  type: 'ConflictDeclared',
  data: { applicationId: 'app-1', memberId, reason: 'my cousin chairs the applicant' },
});

export const approved = (amount = '3000.00'): ApplicationEvent => ({
  type: 'GrantApproved',
  data: {
    applicationId: 'app-1',
    grantCallId: 'call-1',
    approvedAmount: { amount, currency: 'USD' },
    exchangeRate: null,
    approvedReporting: { amount, currency: 'USD' },
    votes: [
      { memberId: 'aida', vote: 'for' },
      { memberId: 'bakyt', vote: 'for' },
      { memberId: 'chynara', vote: 'against' },
    ],
    minutesRef: 'minutes-2016-11',
    reason: null,
    decidedBy: 'aida',
  },
});
