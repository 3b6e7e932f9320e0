import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ContactPerson } from '../../src/domain/application/events.js';
import type { ExchangeRate, MoneyJson } from '../../src/domain/shared/money.js';
import type { PersonalText } from '../../src/domain/shared/personal.js';

/** Read models of the grants area: one row per commission, call, application, disbursement, co-funding. */

@Entity('commissions')
export class CommissionRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  @Column('text') status: string;
  @Index() @Column('text') programmeId: string;
  @Column('text') name: string;
  @Column('integer') quorum: number;
  /** `name` is personal data, a sealed envelope (src/domain/shared/personal.ts): the API reveals it at read time. */
  @Column('json') members: { id: string; name: PersonalText; affiliation: string }[];
  @Column('timestamptz') constitutedAt: string;
}

@Entity('grant_calls')
export class GrantCallRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  /** open | closed */
  @Column('text') status: string;
  @Index() @Column('text') programmeId: string;
  @Column('text') commissionId: string;
  @Column('text') title: string;
  /** As the call was opened; envelopeReporting and the totals below are in the reporting currency. */
  @Column('json') envelope: MoneyJson;
  @Column('json', { nullable: true }) exchangeRate: ExchangeRate | null;
  @Column('json') envelopeReporting: MoneyJson;
  @Column('text') minCoFundingRatio: string;
  @Column('text') closesOn: string;
  /** Approved grants not revoked. */
  @Column('json') approvedTotal: MoneyJson;
  /** What approvals may still draw: envelope − approvedTotal. */
  @Column('json') remaining: MoneyJson;
  /** The unspent envelope given back to the programme's budget when the call closed. */
  @Column('json', { nullable: true }) released: MoneyJson | null;
  @Column('integer') applications: number;
  @Column('timestamptz') openedAt: string;
  @Column('text', { nullable: true }) closedOn: string | null;
  @Column('timestamptz', { nullable: true }) closedAt: string | null;
}

export interface DecisionView {
  outcome: 'approved' | 'rejected';
  approvedAmount: MoneyJson | null;
  approvedReporting: MoneyJson | null;
  votes: { memberId: string; vote: string }[];
  tally: { for: number; against: number; abstain: number };
  minutesRef: string;
  reason: string | null;
  decidedBy: string;
  decidedAt: string;
}

@Entity('grant_applications')
export class ApplicationRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  /** submitted | approved | rejected | revoked */
  @Column('text') status: string;
  @Index() @Column('text') grantCallId: string;
  @Index() @Column('text') programmeId: string;
  @Column('text') commissionId: string;
  @Column('json') applicant: { name: string; type: string };
  @Column('text') municipalityId: string;
  @Column('text') planId: string;
  @Column('text', { nullable: true }) activityId: string | null;
  @Column('text') title: string;
  @Column('text') priority: string;
  /** Amounts as given; the *Reporting ones and received/disbursed are in the reporting currency. */
  @Column('json') requested: MoneyJson;
  @Column('json') pledged: MoneyJson;
  @Column('json', { nullable: true }) exchangeRate: ExchangeRate | null;
  @Column('json') requestedReporting: MoneyJson;
  @Column('json') pledgedReporting: MoneyJson;
  @Column('json', { nullable: true }) approved: MoneyJson | null;
  @Column('json', { nullable: true }) approvedReporting: MoneyJson | null;
  /** Co-funding received on this grant. */
  @Column('json') received: MoneyJson;
  /** Disbursements paid on this grant. */
  @Column('json') disbursed: MoneyJson;
  @Column('json') recusedMembers: { memberId: string; reason: string; declaredAt: string }[];
  @Column('json') scores: { memberId: string; score: number; comment: string | null; scoredAt: string }[];
  @Column('json', { nullable: true }) decision: DecisionView | null;
  @Column('json', { nullable: true }) revocation: { reason: string; minutesRef: string; revokedBy: string; revokedAt: string } | null;
  @Column('text') submittedOn: string;
  @Column('timestamptz') submittedAt: string;
  /** Personal data, sealed envelopes (src/domain/shared/personal.ts): the API reveals them at read time. */
  @Column('json', { nullable: true }) contactPerson: ContactPerson | null;
}

@Entity('disbursements')
export class DisbursementRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  /** requested | approved | paid | cancelled */
  @Column('text') status: string;
  @Index() @Column('text') programmeId: string;
  @Column('json') target: { kind: string; id: string };
  @Column('json') amount: MoneyJson;
  @Column('json', { nullable: true }) exchangeRate: ExchangeRate | null;
  @Column('json') amountReporting: MoneyJson;
  @Column('text') purpose: string;
  @Column('text') requestedBy: string;
  @Column('timestamptz') requestedAt: string;
  @Column('text', { nullable: true }) approvedBy: string | null;
  @Column('timestamptz', { nullable: true }) approvedAt: string | null;
  @Column('text', { nullable: true }) paidOn: string | null;
  @Column('text', { nullable: true }) bankReference: string | null;
  @Column('text', { nullable: true }) paidBy: string | null;
  @Column('text', { nullable: true }) cancelledBy: string | null;
  @Column('text', { nullable: true }) cancelReason: string | null;
  @Column('timestamptz', { nullable: true }) cancelledAt: string | null;
}

@Entity('co_fundings')
export class CoFundingRow {
  @PrimaryColumn('text') id: string;
  @Column('integer') version: number;
  @Column('text') status: string;
  @Index() @Column('text') programmeId: string;
  @Column('json') target: { kind: string; id: string };
  @Column('json') amount: MoneyJson;
  @Column('json', { nullable: true }) exchangeRate: ExchangeRate | null;
  @Column('json') amountReporting: MoneyJson;
  @Column('text') source: string;
  @Column('text') evidenceRef: string;
  @Column('text') receivedOn: string;
  @Column('timestamptz') recordedAt: string;
}
