import type { DomainEvent } from '../shared/decider.js';
import type { ExchangeRate, MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export const FACILITY_KINDS = ['police-station', 'lcpc-office', 'police-and-lcpc'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

export const DEFAULT_LOCAL_SHARE_RATIO = '0.5';

export type FacilityAgreed = DomainEvent<
  'FacilityAgreed',
  {
    facilityId: string;
    programmeId: string;
    municipalityId: string;
    /** The endorsed plan that made the municipality eligible. */
    planId: string;
    kind: FacilityKind;
    title: string;
    /** As agreed, in its own currency. */
    totalCost: MoneyJson;
    exchangeRate: ExchangeRate | null;
    /** totalCost in the reporting currency; programmeShare + localShare add up to it exactly. */
    totalCostReporting: MoneyJson;
    localShareRatio: string;
    /** totalCostReporting × (1 − localShareRatio), half-even at the minor unit: reserved from the budget. */
    programmeShare: MoneyJson;
    /** totalCostReporting − programmeShare: what the local authority covers. */
    localShare: MoneyJson;
  }
>;

export type FacilityEstablished = DomainEvent<'FacilityEstablished', { facilityId: string; completedOn: string }>;

export type FacilityEvent = FacilityAgreed | FacilityEstablished;

export const facilityEventSchemas: EventSchemas = {
  FacilityAgreed: { version: 1 },
  FacilityEstablished: { version: 1 },
};
