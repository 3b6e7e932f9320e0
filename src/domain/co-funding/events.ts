import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export const CO_FUNDING_TARGET_KINDS = ['grant', 'facility', 'plan'] as const;
export type CoFundingTargetKind = (typeof CO_FUNDING_TARGET_KINDS)[number];

export const CO_FUNDING_SOURCES = ['local-budget', 'police-budget', 'other'] as const;
export type CoFundingSource = (typeof CO_FUNDING_SOURCES)[number];

export type CoFundingReceived = DomainEvent<
  'CoFundingReceived',
  {
    coFundingId: string;
    /** The programme the matched grant, facility or plan belongs to (for reports and traces). */
    programmeId: string;
    target: { kind: CoFundingTargetKind; id: string };
    amount: MoneyJson;
    exchangeRate: ExchangeRate | null;
    amountReporting: MoneyJson;
    source: CoFundingSource;
    evidenceRef: string;
    receivedOn: string;
  }
>;

export type CoFundingEvent = CoFundingReceived;

/** On evidence-<hash of the normalised reference>: the evidence counted once, for this co-funding. */
export type EvidenceCounted = DomainEvent<'EvidenceCounted', { evidenceRef: string; normalisedRef: string; coFundingId: string }>;

export type EvidenceEvent = EvidenceCounted;

export const coFundingEventSchemas: EventSchemas = {
  CoFundingReceived: { version: 1 },
  EvidenceCounted: { version: 1 },
};
