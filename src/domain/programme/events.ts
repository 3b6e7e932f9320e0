import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export const RESERVATION_KINDS = ['facility', 'grant-call', 'grant'] as const;
export type ReservationKind = (typeof RESERVATION_KINDS)[number];

export type ProgrammeRegistered = DomainEvent<
  'ProgrammeRegistered',
  {
    programmeId: string;
    title: string;
    donor: { id: string; name: string };
    /** The budget as the agreement states it. */
    budget: MoneyJson;
    /** The rate used when the budget is not in the reporting currency, else null. */
    exchangeRate: ExchangeRate | null;
    /** The budget in the reporting currency: the ceiling the budget invariant guards. */
    budgetReporting: MoneyJson;
    startDate: string;
    endDate: string;
    reportingCurrency: string;
    implementer: string | null;
  }
>;

export type FundsReceived = DomainEvent<
  'FundsReceived',
  {
    programmeId: string;
    /** The money as it arrived. */
    amount: MoneyJson;
    exchangeRate: ExchangeRate | null;
    amountReporting: MoneyJson;
    receivedOn: string;
    reference: string;
  }
>;

export type BudgetReserved = DomainEvent<
  'BudgetReserved',
  {
    programmeId: string;
    reservationId: string;
    kind: ReservationKind;
    /** Reporting currency. */
    amount: MoneyJson;
  }
>;

export type BudgetReleased = DomainEvent<
  'BudgetReleased',
  {
    programmeId: string;
    reservationId: string;
    kind: ReservationKind;
    /** Reporting currency. */
    amount: MoneyJson;
  }
>;

/** A plan of this programme was endorsed by its municipality's council (see LinkEndorsedPlan). */
export type EndorsedPlanLinked = DomainEvent<
  'EndorsedPlanLinked',
  { programmeId: string; planId: string; municipalityId: string; endorsedOn: string }
>;

export type ProgrammeEvent = ProgrammeRegistered | FundsReceived | BudgetReserved | BudgetReleased | EndorsedPlanLinked;

export const programmeEventSchemas: EventSchemas = {
  ProgrammeRegistered: { version: 1 },
  FundsReceived: { version: 1 },
  BudgetReserved: { version: 1 },
  BudgetReleased: { version: 1 },
  EndorsedPlanLinked: { version: 1 },
};
