import type { ExchangeRate, Money } from '../shared/money.js';

export interface OpenGrantCall {
  type: 'OpenGrantCall';
  grantCallId: string;
  programmeId: string;
  commissionId: string;
  title: string;
  envelope: Money;
  /** Required when the envelope is not in the programme's reporting currency. */
  exchangeRate?: ExchangeRate;
  /** Pledged co-funding ≥ ratio × grant, a decimal string such as "0.5". */
  minCoFundingRatio: string;
  /** Last day applications are accepted (YYYY-MM-DD). */
  closesOn: string;
  /** Facts from other streams, loaded by the handler. */
  programme: { reportingCurrency: string };
  commission: { programmeId: string };
}

export interface CloseGrantCall {
  type: 'CloseGrantCall';
  grantCallId: string;
  closedOn?: string;
}

/** An approval takes its amount (reporting currency) from the envelope; staged with GrantApproved. */
export interface DrawEnvelope {
  type: 'DrawEnvelope';
  grantCallId: string;
  applicationId: string;
  amount: Money;
}

/** A revocation gives the grant's draw back; staged with GrantRevoked. */
export interface ReturnEnvelope {
  type: 'ReturnEnvelope';
  grantCallId: string;
  applicationId: string;
}

export type GrantCallCommand = OpenGrantCall | CloseGrantCall | DrawEnvelope | ReturnEnvelope;
