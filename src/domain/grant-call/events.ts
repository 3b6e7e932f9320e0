import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export type GrantCallOpened = DomainEvent<
  'GrantCallOpened',
  {
    grantCallId: string;
    programmeId: string;
    commissionId: string;
    title: string;
    envelope: MoneyJson;
    exchangeRate: ExchangeRate | null;
    /** The envelope in the reporting currency: all envelope accounting is done in it. */
    envelopeReporting: MoneyJson;
    minCoFundingRatio: string;
    closesOn: string;
  }
>;

export type GrantCallClosed = DomainEvent<
  'GrantCallClosed',
  {
    grantCallId: string;
    closedOn: string | null;
    /** Approved grants (not revoked) drawn from the envelope when the call closed. */
    drawn: MoneyJson;
    /**
     * envelope − drawn: handed back to the programme's budget (ReleaseBudget) in the same append. The
     * commission may still approve pending applications within the envelope; such a grant then reserves its
     * own amount on the budget (see EnvelopeDrawn.budgetReservationId).
     */
    released: MoneyJson;
  }
>;

export type EnvelopeDrawn = DomainEvent<
  'EnvelopeDrawn',
  {
    grantCallId: string;
    applicationId: string;
    amount: MoneyJson;
    /**
     * null while the call is open (its envelope is reserved on the budget already). After closing, the
     * unspent envelope is back in the budget, so the grant reserves its amount under this id (ReserveBudget,
     * kind grant) in the same append.
     */
    budgetReservationId: string | null;
  }
>;

export type EnvelopeReturned = DomainEvent<
  'EnvelopeReturned',
  {
    grantCallId: string;
    applicationId: string;
    amount: MoneyJson;
    /**
     * null while the call is open: the amount goes back to the envelope. Once the call is closed it goes back
     * to the programme's budget, released from this reservation (ReleaseBudget in the same append): the call's
     * own reservation for a grant approved before closing, the grant's reservation for one approved after.
     */
    budgetReleaseFrom: string | null;
  }
>;

export type GrantCallEvent = GrantCallOpened | GrantCallClosed | EnvelopeDrawn | EnvelopeReturned;

export const grantCallEventSchemas: EventSchemas = {
  GrantCallOpened: { version: 1 },
  GrantCallClosed: { version: 1 },
  EnvelopeDrawn: { version: 1 },
  EnvelopeReturned: { version: 1 },
};
