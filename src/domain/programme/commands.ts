import type { ExchangeRate, Money } from '../shared/money.js';
import type { ReservationKind } from './events.js';

export interface RegisterProgramme {
  type: 'RegisterProgramme';
  programmeId: string;
  title: string;
  donor: { id: string; name: string };
  budget: Money;
  startDate: string;
  endDate: string;
  /** Defaults to the budget's currency. */
  reportingCurrency?: string;
  implementer?: string | null;
  /** Needed only when the budget is not in the reporting currency. */
  exchangeRate?: ExchangeRate | null;
}

/** A tranche from the donor arrived. */
export interface RecordFundsReceived {
  type: 'RecordFundsReceived';
  programmeId: string;
  amount: Money;
  /** Needed when the amount is not in the reporting currency (422 `exchange-rate-required`). */
  exchangeRate?: ExchangeRate | null;
  receivedOn: string;
  reference: string;
}

/**
 * Sets money of the budget aside for a commitment made in another stream (a facility's programme share, a
 * grant call's envelope, a grant). Staged by that stream's handler in the same atomic append, so the budget
 * invariant is decided on the programme stream and a race between two commitments is retried on fresh state.
 */
export interface ReserveBudget {
  type: 'ReserveBudget';
  /** Only used to name the programme in errors; the handler chose the stream. */
  programmeId?: string;
  /** Id of the commitment (the facility's, grant call's or grant's id); releases refer to it. */
  reservationId: string;
  kind: ReservationKind;
  /** In the programme's reporting currency. */
  amount: Money;
}

/** Gives back (part of) a reservation, e.g. the unspent part of a grant call's envelope when it closes. */
export interface ReleaseBudget {
  type: 'ReleaseBudget';
  programmeId?: string;
  reservationId: string;
  /** In the programme's reporting currency; at most what the reservation still holds. */
  amount: Money;
}

/**
 * Notes on the programme that a municipality's plan under it was endorsed. Staged with PlanEndorsed, so the
 * facility handler, which loads the programme stream for the budget anyway, knows from the same consistent
 * state where an endorsed plan exists (no read model that might lag, no scan of every plan).
 */
export interface LinkEndorsedPlan {
  type: 'LinkEndorsedPlan';
  programmeId: string;
  planId: string;
  municipalityId: string;
  endorsedOn: string;
}

export type ProgrammeCommand = RegisterProgramme | RecordFundsReceived | ReserveBudget | ReleaseBudget | LinkEndorsedPlan;
