import type { AwardKind } from '../award/commands.js';
import type { ExchangeRate, Money } from '../shared/money.js';

export interface DisbursementTarget {
  kind: AwardKind;
  /** The application id for a grant, the facility id for a facility. */
  id: string;
}

export interface RequestDisbursement {
  type: 'RequestDisbursement';
  disbursementId: string;
  actorId: string;
  target: DisbursementTarget;
  amount: Money;
  exchangeRate?: ExchangeRate;
  purpose: string;
  /** Facts from the target: its programme and that programme's reporting currency. */
  programmeId: string;
  reportingCurrency: string;
  /** From the target's stream: can money be paid on it at all (a grant approved and not revoked)? */
  award: { active: boolean };
}

export interface ApproveDisbursement {
  type: 'ApproveDisbursement';
  disbursementId: string;
  actorId: string;
}

export interface PayDisbursement {
  type: 'PayDisbursement';
  disbursementId: string;
  actorId: string;
  paidOn: string;
  bankReference: string;
}

export interface CancelDisbursement {
  type: 'CancelDisbursement';
  disbursementId: string;
  actorId: string;
  reason: string;
}

export type DisbursementCommand = RequestDisbursement | ApproveDisbursement | PayDisbursement | CancelDisbursement;
