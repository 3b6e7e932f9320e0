import type { ExchangeRate, Money } from '../shared/money.js';
import type { CoFundingSource, CoFundingTargetKind } from './events.js';

export interface RecordCoFunding {
  type: 'RecordCoFunding';
  coFundingId: string;
  target: { kind: CoFundingTargetKind; id: string };
  amount: Money;
  exchangeRate?: ExchangeRate;
  source: CoFundingSource;
  /** The payment order, budget line or bank statement that proves the money arrived. */
  evidenceRef: string;
  receivedOn: string;
  /** Facts from the target: its programme and that programme's reporting currency. */
  programmeId: string;
  reportingCurrency: string;
}

/** Marks a piece of evidence as counted; staged with CoFundingReceived on the evidence's own stream. */
export interface CountEvidence {
  type: 'CountEvidence';
  evidenceRef: string;
  coFundingId: string;
}

export type CoFundingCommand = RecordCoFunding;
export type EvidenceCommand = CountEvidence;
