import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { PersonalText } from '../shared/personal.js';
import type { EventSchemas } from '../shared/schema.js';

export const APPLICANT_TYPES = ['ngo', 'lcpc', 'local-institution'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/** The applicant's contact person: personal data, sealed under subject `contact-<applicationId>` once recorded. */
export interface ContactPerson {
  name: PersonalText;
  email: PersonalText | null;
  phone: PersonalText | null;
}

export const VOTE_VALUES = ['for', 'against', 'abstain'] as const;
export interface Vote {
  memberId: string;
  vote: (typeof VOTE_VALUES)[number];
}

export type ApplicationSubmitted = DomainEvent<
  'ApplicationSubmitted',
  {
    applicationId: string;
    grantCallId: string;
    programmeId: string;
    commissionId: string;
    applicant: { name: string; type: ApplicantType };
    municipalityId: string;
    planId: string;
    activityId: string | null;
    title: string;
    priority: string;
    requested: MoneyJson;
    coFundingPledged: MoneyJson;
    exchangeRate: ExchangeRate | null;
    requestedReporting: MoneyJson;
    coFundingPledgedReporting: MoneyJson;
    submittedOn: string;
    contactPerson: ContactPerson | null;
  }
>;

export type ConflictDeclared = DomainEvent<'ConflictDeclared', { applicationId: string; memberId: string; reason: string }>;

export type ApplicationScored = DomainEvent<
  'ApplicationScored',
  { applicationId: string; memberId: string; score: number; comment: string | null }
>;

export type GrantApproved = DomainEvent<
  'GrantApproved',
  {
    applicationId: string;
    grantCallId: string;
    approvedAmount: MoneyJson;
    exchangeRate: ExchangeRate | null;
    /** The grant in the reporting currency: what the envelope and the award count. */
    approvedReporting: MoneyJson;
    votes: Vote[];
    minutesRef: string;
    reason: string | null;
    decidedBy: string;
  }
>;

export type GrantRejected = DomainEvent<
  'GrantRejected',
  { applicationId: string; grantCallId: string; votes: Vote[]; minutesRef: string; reason: string | null; decidedBy: string }
>;

export type GrantRevoked = DomainEvent<
  'GrantRevoked',
  {
    applicationId: string;
    grantCallId: string;
    /** The approved amount (reporting currency) that stops being committed. */
    revokedReporting: MoneyJson;
    reason: string;
    minutesRef: string;
    revokedBy: string;
  }
>;

export type ApplicationEvent = ApplicationSubmitted | ConflictDeclared | ApplicationScored | GrantApproved | GrantRejected | GrantRevoked;

export const applicationEventSchemas: EventSchemas = {
  // v2 added contactPerson (null for applications recorded before).
  ApplicationSubmitted: { version: 2, upcast: { 1: (data) => ({ ...data, contactPerson: data.contactPerson ?? null }) } },
  ConflictDeclared: { version: 1 },
  ApplicationScored: { version: 1 },
  GrantApproved: { version: 1 },
  GrantRejected: { version: 1 },
  GrantRevoked: { version: 1 },
};
