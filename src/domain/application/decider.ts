import type { CommissionFacts } from '../commission/decider.js';
import { assertMember } from '../commission/decider.js';
import type { Decider } from '../shared/decider.js';
import { parseDecimal } from '../shared/decimal.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import type { ExchangeRate, Money } from '../shared/money.js';
import { compare, fromJson, multiply, toJson } from '../shared/money.js';
import { assertBusinessDate } from '../shared/dates.js';
import { inReportingCurrency } from '../shared/reporting.js';
import { assertText } from '../shared/text.js';
import type { ApplicationCommand, SubmitApplication } from './commands.js';
import type { ApplicationEvent, Vote } from './events.js';
import { APPLICANT_TYPES, VOTE_VALUES } from './events.js';

export type ApplicationStatus = 'none' | 'submitted' | 'approved' | 'rejected' | 'revoked';

export interface ApplicationState {
  exists: boolean;
  applicationId?: string;
  grantCallId?: string;
  programmeId?: string;
  commissionId?: string;
  status: ApplicationStatus;
  requested?: Money;
  /** The rate the submission carried (null: the request is in the reporting currency). */
  exchangeRate?: ExchangeRate | null;
  requestedReporting?: Money;
  pledgedReporting?: Money;
  approvedReporting?: Money;
  /** Members who declared a conflict of interest with this application. */
  recused: string[];
  /** memberId -> latest score. */
  scores: Record<string, number>;
}

/** The award a disbursement may draw on, seen from the application (the grant) side. */
export function grantAward(state: ApplicationState, applicationId: string): { active: boolean; ceiling: Money | null } {
  if (!state.exists) throw new NotFound('grant', applicationId);
  return { active: state.status === 'approved', ceiling: state.status === 'approved' ? state.approvedReporting! : null };
}

function assertNotRecused(state: ApplicationState, memberId: string): void {
  if (state.recused.includes(memberId)) {
    throw new RuleViolation('member-recused', `member '${memberId}' declared a conflict of interest with this application`);
  }
}

/** pledged ≥ ratio × amount, both in the reporting currency; the product is rounded to the minor unit. */
function assertCoFundingRatio(pledged: Money, amount: Money, ratio: string): void {
  const needed = multiply(amount, parseDecimal(ratio, 'minCoFundingRatio'));
  if (compare(pledged, needed) < 0) {
    throw new RuleViolation(
      'co-funding-below-ratio',
      `co-funding pledged ${toJson(pledged).amount} is below ${ratio} × ${toJson(amount).amount} = ${toJson(needed).amount} ${amount.currency}`,
    );
  }
}

function decideSubmission(command: SubmitApplication, state: ApplicationState): ApplicationEvent[] {
  if (state.exists) throw new AlreadyExists('application', command.applicationId);
  if (!APPLICANT_TYPES.includes(command.applicant.type)) {
    throw new InvalidValue('applicant.type', `applicant.type must be one of ${APPLICANT_TYPES.join(', ')}`);
  }
  assertText(command.title, 'title');
  assertText(command.applicant.name, 'applicant.name');
  if (command.contactPerson) assertText(command.contactPerson.name, 'contactPerson.name');
  assertText(command.priority, 'priority');
  assertBusinessDate(command.submittedOn, 'submittedOn');
  const { call, plan } = command;
  // A call takes applications until it is closed or its closing day has passed.
  if (call.status === 'closed' || command.submittedOn > call.closesOn) {
    throw new RuleViolation('call-closed', `the call closed on ${call.closesOn}`);
  }
  // Grants serve an endorsed local plan of the same programme, in the applicant's municipality.
  if (!plan.endorsed || plan.programmeId !== call.programmeId || plan.municipalityId !== command.municipalityId) {
    throw new RuleViolation('plan-not-endorsed', `plan '${command.planId}' is not an endorsed plan of this programme in '${command.municipalityId}'`);
  }
  if (command.activityId !== undefined && plan.activityIds && !plan.activityIds.includes(command.activityId)) {
    throw new InvalidValue('activityId', `the plan has no activity '${command.activityId}'`);
  }
  if (command.requested.minor <= 0n) throw new InvalidValue('requested', 'the requested amount must be greater than zero');
  const foreign = new Set([command.requested.currency, command.coFundingPledged.currency].filter((c) => c !== call.reportingCurrency));
  // A rate does not name its currency, so one rate can only convert one foreign currency.
  if (foreign.size > 1) throw new InvalidValue('exchangeRate', 'requested and coFundingPledged in two foreign currencies need one rate each');
  const requestedReporting = inReportingCurrency(command.requested, call.reportingCurrency, command.exchangeRate);
  const pledgedReporting = inReportingCurrency(command.coFundingPledged, call.reportingCurrency, command.exchangeRate);
  // Co-funding from local budgets is a requirement for submission: pledged ≥ ratio × requested.
  assertCoFundingRatio(pledgedReporting, requestedReporting, call.minCoFundingRatio);
  return [
    {
      type: 'ApplicationSubmitted',
      data: {
        applicationId: command.applicationId,
        grantCallId: command.grantCallId,
        programmeId: call.programmeId,
        commissionId: call.commissionId,
        applicant: { name: command.applicant.name, type: command.applicant.type },
        municipalityId: command.municipalityId,
        planId: command.planId,
        activityId: command.activityId ?? null,
        title: command.title,
        priority: command.priority,
        requested: toJson(command.requested),
        coFundingPledged: toJson(command.coFundingPledged),
        exchangeRate: foreign.size > 0 ? command.exchangeRate! : null,
        requestedReporting: toJson(requestedReporting),
        coFundingPledgedReporting: toJson(pledgedReporting),
        submittedOn: command.submittedOn,
        contactPerson: command.contactPerson
          ? { name: command.contactPerson.name, email: command.contactPerson.email ?? null, phone: command.contactPerson.phone ?? null }
          : null,
      },
      effectiveOn: command.submittedOn,
    },
  ];
}

/** The votes must come from members without a conflict, enough of them for the quorum. */
function assertVotes(votes: readonly Vote[], commission: CommissionFacts, state: ApplicationState): { for: number; against: number } {
  const seen = new Set<string>();
  for (const [i, v] of votes.entries()) {
    if (!VOTE_VALUES.includes(v.vote)) throw new InvalidValue(`votes[${i}].vote`, `vote must be one of ${VOTE_VALUES.join(', ')}`);
    if (seen.has(v.memberId)) throw new InvalidValue(`votes[${i}].memberId`, `member '${v.memberId}' voted twice`);
    seen.add(v.memberId);
    assertMember(commission, v.memberId);
    assertNotRecused(state, v.memberId);
  }
  // Quorum counts members present and entitled to vote: abstentions count, recused members never do.
  const entitled = votes.filter((v) => !state.recused.includes(v.memberId)).length;
  if (entitled < commission.quorum) {
    throw new RuleViolation('quorum-not-met', `${entitled} non-recused voters, quorum is ${commission.quorum}`);
  }
  return { for: votes.filter((v) => v.vote === 'for').length, against: votes.filter((v) => v.vote === 'against').length };
}

export const applicationDecider: Decider<ApplicationCommand, ApplicationState, ApplicationEvent> = {
  initialState: () => ({ exists: false, status: 'none', recused: [], scores: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'ApplicationSubmitted':
        return {
          ...state,
          exists: true,
          applicationId: event.data.applicationId,
          grantCallId: event.data.grantCallId,
          programmeId: event.data.programmeId,
          commissionId: event.data.commissionId,
          status: 'submitted',
          requested: fromJson(event.data.requested),
          exchangeRate: event.data.exchangeRate,
          requestedReporting: fromJson(event.data.requestedReporting),
          pledgedReporting: fromJson(event.data.coFundingPledgedReporting),
        };
      case 'ConflictDeclared':
        return state.recused.includes(event.data.memberId) ? state : { ...state, recused: [...state.recused, event.data.memberId] };
      case 'ApplicationScored':
        return { ...state, scores: { ...state.scores, [event.data.memberId]: event.data.score } };
      case 'GrantApproved':
        return { ...state, status: 'approved', approvedReporting: fromJson(event.data.approvedReporting) };
      case 'GrantRejected':
        return { ...state, status: 'rejected' };
      case 'GrantRevoked':
        return { ...state, status: 'revoked' };
    }
  },

  decide(command, state) {
    if (command.type === 'SubmitApplication') return decideSubmission(command, state);
    if (!state.exists) throw new NotFound('application', command.applicationId);
    switch (command.type) {
      case 'DeclareConflict':
        assertText(command.reason, 'reason');
        assertMember(command.commission, command.actorId);
        return [{ type: 'ConflictDeclared', data: { applicationId: command.applicationId, memberId: command.actorId, reason: command.reason } }];

      case 'ScoreApplication': {
        if (!Number.isInteger(command.score) || command.score < 0 || command.score > 100) {
          throw new InvalidValue('score', 'score must be an integer from 0 to 100');
        }
        assertMember(command.commission, command.actorId);
        // A member with a declared conflict neither scores nor votes.
        assertNotRecused(state, command.actorId);
        return [
          {
            type: 'ApplicationScored',
            data: { applicationId: command.applicationId, memberId: command.actorId, score: command.score, comment: command.comment ?? null },
          },
        ];
      }

      case 'RecordDecision': {
        assertText(command.minutesRef, 'minutesRef');
        assertMember(command.commission, command.actorId);
        // Decisions are final records: a grant is corrected only by a later, different decision (revocation).
        if (state.status !== 'submitted') throw new RuleViolation('decision-already-recorded', `the application is already ${state.status}`);
        assertNotRecused(state, command.actorId);
        const tally = assertVotes(command.votes, command.commission, state);
        const votes = command.votes.map((v) => ({ memberId: v.memberId, vote: v.vote }));
        const common = {
          applicationId: command.applicationId,
          grantCallId: state.grantCallId!,
          votes,
          minutesRef: command.minutesRef,
          reason: command.reason ?? null,
          decidedBy: command.actorId,
        };
        if (command.outcome === 'rejected') {
          // A rejection the votes contradict would be a record that misstates the meeting.
          if (tally.for > tally.against) {
            throw new RuleViolation('outcome-contradicts-votes', `${tally.for} for and ${tally.against} against cannot reject`);
          }
          return [{ type: 'GrantRejected', data: common }];
        }
        // Abstentions count for the quorum, not for the majority.
        if (tally.for <= tally.against) {
          throw new RuleViolation('majority-not-reached', `${tally.for} for and ${tally.against} against is no majority`);
        }
        const approved = command.approvedAmount;
        if (!approved) throw new InvalidValue('approvedAmount', 'approvedAmount is required when the outcome is approved');
        if (approved.currency !== state.requested!.currency) {
          throw new InvalidValue('approvedAmount.currency', `approvedAmount must be in the requested currency ${state.requested!.currency}`);
        }
        if (approved.minor <= 0n) throw new InvalidValue('approvedAmount', 'approvedAmount must be greater than zero');
        if (compare(approved, state.requested!) > 0) {
          throw new RuleViolation('amount-exceeds-request', `approved ${toJson(approved).amount} exceeds the ${toJson(state.requested!).amount} requested`);
        }
        const reportingCurrency = state.requestedReporting!.currency;
        const rate = approved.currency === reportingCurrency ? null : (command.exchangeRate ?? state.exchangeRate ?? null);
        const approvedReporting = inReportingCurrency(approved, reportingCurrency, rate);
        assertCoFundingRatio(state.pledgedReporting!, approvedReporting, command.minCoFundingRatio);
        return [
          {
            type: 'GrantApproved',
            data: {
              applicationId: common.applicationId,
              grantCallId: common.grantCallId,
              approvedAmount: toJson(approved),
              exchangeRate: rate,
              approvedReporting: toJson(approvedReporting),
              votes,
              minutesRef: common.minutesRef,
              reason: common.reason,
              decidedBy: common.decidedBy,
            },
          },
        ];
      }

      case 'RevokeGrant': {
        assertText(command.reason, 'reason');
        assertText(command.minutesRef, 'minutesRef');
        assertMember(command.commission, command.actorId);
        if (state.status !== 'approved') throw new RuleViolation('invalid-state', `only an approved grant can be revoked; it is ${state.status}`);
        // "Nothing disbursed" is guarded by the award stream: the handler appends AwardClosed in the same append.
        return [
          {
            type: 'GrantRevoked',
            data: {
              applicationId: command.applicationId,
              grantCallId: state.grantCallId!,
              revokedReporting: toJson(state.approvedReporting!),
              reason: command.reason,
              minutesRef: command.minutesRef,
              revokedBy: command.actorId,
            },
          },
        ];
      }
    }
  },
};
