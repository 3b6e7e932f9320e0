import type { ExchangeRate, Money } from '../shared/money.js';
import type { FacilityKind } from './events.js';

/**
 * The programme and the local authority agree to share the cost of a police station or LCPC office.
 * The handler stages this with a ReserveBudget of the programme share on the programme stream, atomically.
 */
export interface AgreeFacility {
  type: 'AgreeFacility';
  facilityId: string;
  programmeId: string;
  municipalityId: string;
  kind: FacilityKind;
  title: string;
  totalCost: Money;
  /** Needed when the total cost is not in the programme's reporting currency. */
  exchangeRate?: ExchangeRate | null;
  /** The local authority's part of the cost, a decimal string from "0" to "1"; default "0.5". */
  localShareRatio?: string;
  /** Facts from other streams, loaded by the handler so the decider stays pure. */
  programme: { reportingCurrency: string };
  /** An endorsed plan of this programme in this municipality, or null when there is none. */
  endorsedPlanId: string | null;
}

/** The works are finished and the station or office is in use. */
export interface CompleteFacility {
  type: 'CompleteFacility';
  facilityId: string;
  completedOn: string;
}

export type FacilityCommand = AgreeFacility | CompleteFacility;
