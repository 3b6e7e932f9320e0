import type { RecordDecision } from '../../src/domain/application/commands.js';
import { applicationDecider } from '../../src/domain/application/decider.js';
import type { Vote } from '../../src/domain/application/events.js';
import { AlreadyExists, InvalidValue, NotFound } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';
import { RATE, approved, callFacts, commission, kgs, recused, submit, submitted, usd } from './grants-fixtures.js';

const votes = (...list: [string, Vote['vote']][]): Vote[] => list.map(([memberId, vote]) => ({ memberId, vote }));

const decide = (overrides: Partial<RecordDecision> = {}): RecordDecision => ({
  type: 'RecordDecision',
  applicationId: 'app-1',
  actorId: 'aida',
  outcome: 'approved',
  approvedAmount: usd('3000.00'),
  votes: votes(['aida', 'for'], ['bakyt', 'for'], ['chynara', 'against']),
  minutesRef: 'minutes-2016-11',
  commission,
  minCoFundingRatio: '0.5',
  ...overrides,
});

describe('application', () => {
  describe('submission', () => {
    it('records the request and the pledge in the reporting currency', () => {
      given(applicationDecider).when(submit()).then([submitted]);
    });

    it('is submitted once', () => {
      given(applicationDecider, [submitted]).when(submit()).thenThrows(AlreadyExists);
    });

    it('is refused by a closed call: call-closed', () => {
      given(applicationDecider).when(submit({ call: { ...callFacts, status: 'closed' } })).thenThrows('call-closed');
    });

    it('is refused after the closing day: call-closed', () => {
      given(applicationDecider).when(submit({ submittedOn: '2017-01-01' })).thenThrows('call-closed');
      given(applicationDecider).when(submit({ submittedOn: '2016-12-31' })).then([{ ...submitted, data: { ...submitted.data, submittedOn: '2016-12-31' }, effectiveOn: '2016-12-31' } as any]);
    });

    it('serves an endorsed plan of the programme in the municipality: plan-not-endorsed', () => {
      const plan = { endorsed: true, programmeId: 'inl-2016', municipalityId: 'nookat' };
      given(applicationDecider).when(submit({ plan: { ...plan, endorsed: false } })).thenThrows('plan-not-endorsed');
      given(applicationDecider).when(submit({ plan: { ...plan, municipalityId: 'uzgen' } })).thenThrows('plan-not-endorsed');
      given(applicationDecider).when(submit({ plan: { ...plan, programmeId: 'pbf' } })).thenThrows('plan-not-endorsed');
    });

    it('pledges at least the call ratio of the request: co-funding-below-ratio', () => {
      given(applicationDecider).when(submit({ coFundingPledged: usd('1499.99') })).thenThrows('co-funding-below-ratio');
    });

    it('converts money in another currency with the rate given', () => {
      // 131,580 KGS × 0.0114 = 1,500.012 USD, rounded to 1,500.01: meets half of 3,000.00 USD.
      const [event] = applicationDecider.decide(
        submit({ coFundingPledged: kgs('131580.00'), exchangeRate: RATE }),
        applicationDecider.initialState(),
      );
      expect(event.type === 'ApplicationSubmitted' && event.data.coFundingPledgedReporting).toEqual({ amount: '1500.01', currency: 'USD' });
      expect(event.type === 'ApplicationSubmitted' && event.data.exchangeRate).toEqual(RATE);
    });

    it('needs a rate for money in another currency: exchange-rate-required', () => {
      given(applicationDecider).when(submit({ coFundingPledged: kgs('200000.00') })).thenThrows('exchange-rate-required');
    });

    it('refuses an unknown activity of the plan and an empty request', () => {
      const plan = { endorsed: true, programmeId: 'inl-2016', municipalityId: 'nookat', activityIds: ['a1'] };
      given(applicationDecider).when(submit({ plan, activityId: 'a2' })).thenThrows(InvalidValue);
      given(applicationDecider).when(submit({ requested: usd('0.00') })).thenThrows(InvalidValue);
    });
  });

  describe('conflicts of interest', () => {
    it('are declared by members for themselves', () => {
      given(applicationDecider, [submitted])
        .when({ type: 'DeclareConflict', applicationId: 'app-1', actorId: 'bakyt', reason: 'my cousin chairs the applicant', commission })
        .then([recused('bakyt')]);
    });

    it('are declared only by members: not-a-member', () => {
      given(applicationDecider, [submitted])
        .when({ type: 'DeclareConflict', applicationId: 'app-1', actorId: 'mallory', reason: 'x', commission })
        .thenThrows('not-a-member');
    });

    it('need an application: NotFound', () => {
      given(applicationDecider).when({ type: 'DeclareConflict', applicationId: 'app-1', actorId: 'bakyt', reason: 'x', commission }).thenThrows(NotFound);
    });
  });

  describe('scores', () => {
    it('are given by members', () => {
      given(applicationDecider, [submitted])
        .when({ type: 'ScoreApplication', applicationId: 'app-1', actorId: 'aida', score: 87, comment: 'clear plan', commission })
        .then([{ type: 'ApplicationScored', data: { applicationId: 'app-1', memberId: 'aida', score: 87, comment: 'clear plan' } }]);
    });

    it('are given only by members: not-a-member', () => {
      given(applicationDecider, [submitted]).when({ type: 'ScoreApplication', applicationId: 'app-1', actorId: 'mallory', score: 87, commission }).thenThrows('not-a-member');
    });

    it('are not given by a recused member: member-recused', () => {
      given(applicationDecider, [submitted, recused('aida')])
        .when({ type: 'ScoreApplication', applicationId: 'app-1', actorId: 'aida', score: 87, commission })
        .thenThrows('member-recused');
    });

    it('are whole numbers from 0 to 100', () => {
      for (const score of [-1, 101, 50.5]) {
        given(applicationDecider, [submitted]).when({ type: 'ScoreApplication', applicationId: 'app-1', actorId: 'aida', score, commission }).thenThrows(InvalidValue);
      }
    });
  });

  describe('decision', () => {
    it('approves with a majority of a quorum of non-recused members', () => {
      given(applicationDecider, [submitted]).when(decide()).then([approved()]);
    });

    it('approves less than requested', () => {
      given(applicationDecider, [submitted]).when(decide({ approvedAmount: usd('2500.00') })).then([approved('2500.00')]);
    });

    it('rejects when the votes do not carry it', () => {
      given(applicationDecider, [submitted])
        .when(decide({ outcome: 'rejected', approvedAmount: undefined, votes: votes(['aida', 'for'], ['bakyt', 'against'], ['chynara', 'abstain']), reason: 'weak budget' }))
        .then([
          {
            type: 'GrantRejected',
            data: {
              applicationId: 'app-1',
              grantCallId: 'call-1',
              votes: votes(['aida', 'for'], ['bakyt', 'against'], ['chynara', 'abstain']),
              minutesRef: 'minutes-2016-11',
              reason: 'weak budget',
              decidedBy: 'aida',
            },
          },
        ]);
    });

    it('is recorded by a member: not-a-member', () => {
      given(applicationDecider, [submitted]).when(decide({ actorId: 'mallory' })).thenThrows('not-a-member');
    });

    it('counts only votes of members: not-a-member', () => {
      given(applicationDecider, [submitted]).when(decide({ votes: votes(['aida', 'for'], ['bakyt', 'for'], ['mallory', 'for']) })).thenThrows('not-a-member');
    });

    it('is not recorded by a recused member: member-recused', () => {
      given(applicationDecider, [submitted, recused('daniyar')])
        .when(decide({ actorId: 'daniyar' }))
        .thenThrows('member-recused');
    });

    it('has no recused voter: member-recused', () => {
      given(applicationDecider, [submitted, recused('chynara')]).when(decide()).thenThrows('member-recused');
    });

    it('needs a quorum of voters: quorum-not-met', () => {
      given(applicationDecider, [submitted]).when(decide({ votes: votes(['aida', 'for'], ['bakyt', 'for']) })).thenThrows('quorum-not-met');
    });

    it('counts abstentions for the quorum', () => {
      given(applicationDecider, [submitted])
        .when(decide({ votes: votes(['aida', 'for'], ['bakyt', 'abstain'], ['chynara', 'abstain']) }))
        .then([{ ...approved(), data: { ...(approved().data as any), votes: votes(['aida', 'for'], ['bakyt', 'abstain'], ['chynara', 'abstain']) } }]);
    });

    it('approves only with more for than against: majority-not-reached', () => {
      given(applicationDecider, [submitted])
        .when(decide({ votes: votes(['aida', 'for'], ['bakyt', 'against'], ['chynara', 'abstain'], ['daniyar', 'abstain']) }))
        .thenThrows('majority-not-reached');
    });

    it('does not reject what the votes carry: outcome-contradicts-votes', () => {
      given(applicationDecider, [submitted]).when(decide({ outcome: 'rejected', approvedAmount: undefined })).thenThrows('outcome-contradicts-votes');
    });

    it('approves no more than requested: amount-exceeds-request', () => {
      given(applicationDecider, [submitted]).when(decide({ approvedAmount: usd('3000.01') })).thenThrows('amount-exceeds-request');
    });

    it('keeps pledged co-funding at the call ratio of the approved amount: co-funding-below-ratio', () => {
      // The pledge of 1,500 met half of the request; a stricter ratio for the decision does not.
      given(applicationDecider, [submitted]).when(decide({ minCoFundingRatio: '0.6' })).thenThrows('co-funding-below-ratio');
    });

    it('is recorded once: decision-already-recorded', () => {
      given(applicationDecider, [submitted, approved()]).when(decide()).thenThrows('decision-already-recorded');
      given(applicationDecider, [submitted, { type: 'GrantRejected', data: { ...(approved().data as any) } } as any])
        .when(decide())
        .thenThrows('decision-already-recorded');
    });

    it('names an approved amount in the requested currency', () => {
      given(applicationDecider, [submitted]).when(decide({ approvedAmount: undefined })).thenThrows(InvalidValue);
      given(applicationDecider, [submitted]).when(decide({ approvedAmount: kgs('1000.00') })).thenThrows(InvalidValue);
      given(applicationDecider, [submitted]).when(decide({ votes: votes(['aida', 'for'], ['aida', 'for'], ['bakyt', 'for']) })).thenThrows(InvalidValue);
    });

    it('values a grant in another currency at the rate of the submission', () => {
      const [kgsSubmitted] = applicationDecider.decide(
        submit({ requested: kgs('200000.00'), coFundingPledged: kgs('100000.00'), exchangeRate: RATE }),
        applicationDecider.initialState(),
      );
      const [event] = applicationDecider.decide(decide({ approvedAmount: kgs('150000.00') }), applicationDecider.evolve(applicationDecider.initialState(), kgsSubmitted));
      expect(event.type === 'GrantApproved' && event.data.approvedReporting).toEqual({ amount: '1710.00', currency: 'USD' });
      expect(event.type === 'GrantApproved' && event.data.exchangeRate).toEqual(RATE);
    });
  });

  describe('revocation', () => {
    const revoke = { type: 'RevokeGrant' as const, applicationId: 'app-1', actorId: 'bakyt', reason: 'applicant dissolved', minutesRef: 'minutes-2017-02', commission };

    it('revokes an approved grant', () => {
      given(applicationDecider, [submitted, approved()])
        .when(revoke)
        .then([
          {
            type: 'GrantRevoked',
            data: { applicationId: 'app-1', grantCallId: 'call-1', revokedReporting: { amount: '3000.00', currency: 'USD' }, reason: 'applicant dissolved', minutesRef: 'minutes-2017-02', revokedBy: 'bakyt' },
          },
        ]);
    });

    it('revokes only approved grants: invalid-state', () => {
      given(applicationDecider, [submitted]).when(revoke).thenThrows('invalid-state');
      const [revoked] = applicationDecider.decide(revoke, applicationDecider.evolve(applicationDecider.evolve(applicationDecider.initialState(), submitted), approved()));
      given(applicationDecider, [submitted, approved(), revoked]).when(revoke).thenThrows('invalid-state');
    });

    it('is recorded by a member: not-a-member', () => {
      given(applicationDecider, [submitted, approved()]).when({ ...revoke, actorId: 'mallory' }).thenThrows('not-a-member');
    });
  });
});
