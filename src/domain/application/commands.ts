import type { CommissionFacts } from '../commission/decider.js';
import type { GrantCallFacts } from '../grant-call/decider.js';
import type { ExchangeRate, Money } from '../shared/money.js';
import type { ApplicantType, Vote } from './events.js';

/** What the application needs to know about the plan it serves (loaded by the handler from plan-<id>). */
export interface PlanFacts {
  endorsed: boolean;
  programmeId: string;
  municipalityId: string;
  /** The plan's activity ids, when the handler knows them; an unknown activityId is then a 400. */
  activityIds?: readonly string[];
}

export interface SubmitApplication {
  type: 'SubmitApplication';
  applicationId: string;
  grantCallId: string;
  applicant: { name: string; type: ApplicantType };
  contactPerson?: { name: string; email?: string | null; phone?: string | null } | null;
  municipalityId: string;
  planId: string;
  activityId?: string;
  title: string;
  priority: string;
  requested: Money;
  coFundingPledged: Money;
  /** One rate for the command: converts whichever amount is not in the reporting currency. */
  exchangeRate?: ExchangeRate;
  /** Today (YYYY-MM-DD) as the handler's clock says: a call no longer takes applications after closesOn. */
  submittedOn: string;
  call: GrantCallFacts;
  plan: PlanFacts;
}

/** The caller (a commission member, by JWT sub) declares their own conflict of interest. */
export interface DeclareConflict {
  type: 'DeclareConflict';
  applicationId: string;
  actorId: string;
  reason: string;
  commission: CommissionFacts;
}

export interface ScoreApplication {
  type: 'ScoreApplication';
  applicationId: string;
  actorId: string;
  score: number;
  comment?: string;
  commission: CommissionFacts;
}

export interface RecordDecision {
  type: 'RecordDecision';
  applicationId: string;
  actorId: string;
  outcome: 'approved' | 'rejected';
  /** Required when approved; in the currency of the request. */
  approvedAmount?: Money;
  /** Rate for a grant not in the reporting currency; defaults to the rate the submission carried. */
  exchangeRate?: ExchangeRate;
  votes: Vote[];
  minutesRef: string;
  reason?: string;
  commission: CommissionFacts;
  /** The call's ratio (immutable once the call is opened). */
  minCoFundingRatio: string;
}

export interface RevokeGrant {
  type: 'RevokeGrant';
  applicationId: string;
  actorId: string;
  reason: string;
  minutesRef: string;
  commission: CommissionFacts;
}

export type ApplicationCommand = SubmitApplication | DeclareConflict | ScoreApplication | RecordDecision | RevokeGrant;
