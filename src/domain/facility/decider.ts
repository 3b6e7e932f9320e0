import { assertBusinessDate } from '../shared/dates.js';
import type { Decimal } from '../shared/decimal.js';
import { compareDecimal, ONE, parseDecimal, pow10 } from '../shared/decimal.js';
import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { fromJson, multiply, subtract, toJson } from '../shared/money.js';
import { reportedAmount } from '../shared/reporting.js';
import { assertText } from '../shared/text.js';
import type { ReserveBudget } from '../programme/commands.js';
import type { FacilityCommand } from './commands.js';
import type { FacilityAgreed, FacilityEvent } from './events.js';
import { DEFAULT_LOCAL_SHARE_RATIO, FACILITY_KINDS } from './events.js';

export interface AgreedFacility {
  exists: true;
  facilityId: string;
  programmeId: string;
  municipalityId: string;
  /** Reporting currency: the ceiling of disbursements to this facility. */
  programmeShare: Money;
  completedOn: string | null;
}

export type FacilityState = { exists: false } | AgreedFacility;

export function requireFacility(state: FacilityState, facilityId: string): AgreedFacility {
  if (!state.exists) throw new NotFound('facility', facilityId);
  return state;
}

function parseLocalShareRatio(text: string): Decimal {
  const ratio = parseDecimal(text, 'localShareRatio');
  if (compareDecimal(ratio, ONE) > 0) throw new InvalidValue('localShareRatio', 'localShareRatio must be between 0 and 1');
  return ratio;
}

/** 1 − ratio, exactly (ratio ≤ 1). */
function complement(ratio: Decimal): Decimal {
  return { units: pow10(ratio.scale) - ratio.units, scale: ratio.scale };
}

/**
 * How the cost is shared, in the reporting currency: the programme's part is rounded half to even at the
 * minor unit and the local part is the rest, so the two always add up to the total to the cent.
 */
export function shareCost(totalReporting: Money, localShareRatio: string): { programmeShare: Money; localShare: Money } {
  const programmeShare = multiply(totalReporting, complement(parseLocalShareRatio(localShareRatio)));
  return { programmeShare, localShare: subtract(totalReporting, programmeShare) };
}

/** The programme share an agreement takes from the budget: staged on the programme stream with FacilityAgreed. */
export function budgetReservationFor(agreed: FacilityAgreed): ReserveBudget {
  return {
    type: 'ReserveBudget',
    programmeId: agreed.data.programmeId,
    // Prefixed like every reservation (grant-call-<id>, grant-<id>), so ids of different kinds never clash.
    reservationId: `facility-${agreed.data.facilityId}`,
    kind: 'facility',
    amount: fromJson(agreed.data.programmeShare),
  };
}

export const facilityDecider: Decider<FacilityCommand, FacilityState, FacilityEvent> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'FacilityAgreed':
        return {
          exists: true,
          facilityId: event.data.facilityId,
          programmeId: event.data.programmeId,
          municipalityId: event.data.municipalityId,
          programmeShare: fromJson(event.data.programmeShare),
          completedOn: null,
        };
      case 'FacilityEstablished':
        if (!state.exists) return state;
        return { ...state, completedOn: event.data.completedOn };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AgreeFacility': {
        if (state.exists) throw new AlreadyExists('facility', command.facilityId);
        assertText(command.title, 'title');
        if (!FACILITY_KINDS.includes(command.kind)) {
          throw new InvalidValue('kind', `kind must be one of ${FACILITY_KINDS.join(', ')}`);
        }
        if (command.totalCost.minor <= 0n) throw new InvalidValue('totalCost', 'totalCost must be greater than zero');
        const localShareRatio = command.localShareRatio ?? DEFAULT_LOCAL_SHARE_RATIO;
        parseLocalShareRatio(localShareRatio);
        // Police and LCPC premises are supported only where the local authority adopted a crime prevention plan.
        if (command.endorsedPlanId === null) {
          throw new RuleViolation('plan-not-endorsed', `municipality '${command.municipalityId}' has no endorsed plan under this programme`);
        }
        const total = reportedAmount(command.totalCost, command.programme.reportingCurrency, command.exchangeRate);
        const { programmeShare, localShare } = shareCost(fromJson(total.reportingAmount), localShareRatio);
        return [
          {
            type: 'FacilityAgreed',
            data: {
              facilityId: command.facilityId,
              programmeId: command.programmeId,
              municipalityId: command.municipalityId,
              planId: command.endorsedPlanId,
              kind: command.kind,
              title: command.title,
              totalCost: total.amount,
              exchangeRate: total.exchangeRate,
              totalCostReporting: total.reportingAmount,
              localShareRatio,
              programmeShare: toJson(programmeShare),
              localShare: toJson(localShare),
            },
          },
        ];
      }

      case 'CompleteFacility': {
        const facility = requireFacility(state, command.facilityId);
        assertBusinessDate(command.completedOn, 'completedOn');
        if (facility.completedOn !== null) {
          throw new RuleViolation('invalid-state', `facility '${facility.facilityId}' was already completed on ${facility.completedOn}`);
        }
        return [
          {
            type: 'FacilityEstablished',
            data: { facilityId: facility.facilityId, completedOn: command.completedOn },
            effectiveOn: command.completedOn,
          },
        ];
      }
    }
  },
};
