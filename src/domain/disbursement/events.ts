import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';
import type { DisbursementTarget } from './commands.js';

export type DisbursementRequested = DomainEvent<
  'DisbursementRequested',
  {
    disbursementId: string;
    /** The programme whose money this is (for reports and traces). */
    programmeId: string;
    target: DisbursementTarget;
    amount: MoneyJson;
    exchangeRate: ExchangeRate | null;
    amountReporting: MoneyJson;
    purpose: string;
    requestedBy: string;
  }
>;

export type DisbursementApproved = DomainEvent<'DisbursementApproved', { disbursementId: string; approvedBy: string }>;

export type DisbursementPaid = DomainEvent<
  'DisbursementPaid',
  { disbursementId: string; paidOn: string; bankReference: string; paidBy: string }
>;

export type DisbursementCancelled = DomainEvent<
  'DisbursementCancelled',
  { disbursementId: string; reason: string; cancelledBy: string }
>;

export type DisbursementEvent = DisbursementRequested | DisbursementApproved | DisbursementPaid | DisbursementCancelled;

export const disbursementEventSchemas: EventSchemas = {
  DisbursementRequested: { version: 1 },
  DisbursementApproved: { version: 1 },
  DisbursementPaid: { version: 1 },
  DisbursementCancelled: { version: 1 },
};
