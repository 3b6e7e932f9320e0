import { assertBusinessDate, assertDateOrder } from '../shared/dates.js';
import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { add, compare, fromJson, minorDigits, subtract, toJson, zero } from '../shared/money.js';
import { reportedAmount } from '../shared/reporting.js';
import { assertText } from '../shared/text.js';
import type { ProgrammeCommand, ReleaseBudget, ReserveBudget } from './commands.js';
import type { ProgrammeEvent, ReservationKind } from './events.js';

/** Money set aside for one commitment; what it still holds is reserved − released. */
export interface Reservation {
  kind: ReservationKind;
  reserved: Money;
  released: Money;
}

export interface RegisteredProgramme {
  exists: true;
  programmeId: string;
  reportingCurrency: string;
  /** In the reporting currency. */
  budget: Money;
  /** Sum of all funds received, in the reporting currency. */
  received: Money;
  /** Sum of what all reservations still hold (reserved − released), in the reporting currency. */
  committed: Money;
  reservations: Readonly<Record<string, Reservation>>;
  /** municipalityId -> ids of its endorsed plans under this programme, in the order they were endorsed. */
  endorsedPlans: Readonly<Record<string, readonly string[]>>;
}

export type ProgrammeState = { exists: false } | RegisteredProgramme;

/** The programme a command speaks of, or 404 when it was never registered. */
export function requireProgramme(state: ProgrammeState, programmeId: string): RegisteredProgramme {
  if (!state.exists) throw new NotFound('programme', programmeId);
  return state;
}

/** Money of the budget that commitments hold (facilities' shares, open envelopes, grants). */
export function programmeCommitted(state: ProgrammeState): Money {
  return requireProgramme(state, 'unknown').committed;
}

/** budget − committed: what new commitments may still take. */
export function programmeAvailable(state: ProgrammeState): Money {
  const programme = requireProgramme(state, 'unknown');
  return subtract(programme.budget, programme.committed);
}

/** An endorsed plan of this programme in the municipality (the first endorsed), or null if it has none. */
export function endorsedPlanIn(state: ProgrammeState, municipalityId: string): string | null {
  return state.exists ? (state.endorsedPlans[municipalityId]?.[0] ?? null) : null;
}

function requirePositive(m: Money, field: string): void {
  if (m.minor <= 0n) throw new InvalidValue(field, `${field} must be greater than zero`);
}

/** Budget accounting happens in one currency, so reservations must already be converted. */
function requireReportingCurrency(programme: RegisteredProgramme, m: Money, field: string): void {
  if (m.currency !== programme.reportingCurrency) {
    throw new InvalidValue(field, `${field} must be in the programme's reporting currency ${programme.reportingCurrency}`);
  }
}

function reserve(command: ReserveBudget, programme: RegisteredProgramme): ProgrammeEvent[] {
  requireReportingCurrency(programme, command.amount, 'amount');
  // One commitment, one reservation: a second one under the same id would be counted twice.
  if (programme.reservations[command.reservationId]) {
    throw new AlreadyExists('budget reservation', command.reservationId);
  }
  // The budget invariant of the whole ledger: commitments never exceed the programme's budget.
  if (compare(add(programme.committed, command.amount), programme.budget) > 0) {
    throw new RuleViolation(
      'budget-exceeded',
      `${toJson(command.amount).amount} ${programme.reportingCurrency} is more than the ${toJson(subtract(programme.budget, programme.committed)).amount} still available`,
    );
  }
  return [
    {
      type: 'BudgetReserved',
      data: {
        programmeId: programme.programmeId,
        reservationId: command.reservationId,
        kind: command.kind,
        amount: toJson(command.amount),
      },
    },
  ];
}

function release(command: ReleaseBudget, programme: RegisteredProgramme): ProgrammeEvent[] {
  requireReportingCurrency(programme, command.amount, 'amount');
  const reservation = programme.reservations[command.reservationId];
  if (!reservation) {
    throw new RuleViolation('invalid-state', `no budget reservation '${command.reservationId}' to release`);
  }
  // Releasing more than a reservation holds would free budget another commitment still uses.
  const holds = subtract(reservation.reserved, reservation.released);
  if (compare(command.amount, holds) > 0) {
    throw new RuleViolation('invalid-state', `reservation '${command.reservationId}' holds only ${toJson(holds).amount}`);
  }
  // Nothing to give back (e.g. a call that closes with its envelope fully drawn): no event.
  if (command.amount.minor === 0n) return [];
  return [
    {
      type: 'BudgetReleased',
      data: {
        programmeId: programme.programmeId,
        reservationId: command.reservationId,
        kind: reservation.kind,
        amount: toJson(command.amount),
      },
    },
  ];
}

export const programmeDecider: Decider<ProgrammeCommand, ProgrammeState, ProgrammeEvent> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'ProgrammeRegistered': {
        const currency = event.data.reportingCurrency;
        return {
          exists: true,
          programmeId: event.data.programmeId,
          reportingCurrency: currency,
          budget: fromJson(event.data.budgetReporting),
          received: zero(currency),
          committed: zero(currency),
          reservations: {},
          endorsedPlans: {},
        };
      }
      case 'FundsReceived': {
        if (!state.exists) return state;
        return { ...state, received: add(state.received, fromJson(event.data.amountReporting)) };
      }
      case 'BudgetReserved': {
        if (!state.exists) return state;
        const amount = fromJson(event.data.amount);
        const reservation: Reservation = { kind: event.data.kind, reserved: amount, released: zero(amount.currency) };
        return {
          ...state,
          committed: add(state.committed, amount),
          reservations: { ...state.reservations, [event.data.reservationId]: reservation },
        };
      }
      case 'BudgetReleased': {
        if (!state.exists) return state;
        const amount = fromJson(event.data.amount);
        const before = state.reservations[event.data.reservationId];
        const after: Reservation = { ...before, released: add(before.released, amount) };
        return {
          ...state,
          committed: subtract(state.committed, amount),
          reservations: { ...state.reservations, [event.data.reservationId]: after },
        };
      }
      case 'EndorsedPlanLinked': {
        if (!state.exists) return state;
        const { municipalityId, planId } = event.data;
        const plans = [...(state.endorsedPlans[municipalityId] ?? []), planId];
        return { ...state, endorsedPlans: { ...state.endorsedPlans, [municipalityId]: plans } };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterProgramme': {
        if (state.exists) throw new AlreadyExists('programme', command.programmeId);
        assertText(command.title, 'title');
        assertText(command.donor.id, 'donor.id');
        assertText(command.donor.name, 'donor.name');
        assertBusinessDate(command.startDate, 'startDate');
        assertBusinessDate(command.endDate, 'endDate');
        assertDateOrder(command.startDate, command.endDate, 'endDate');
        requirePositive(command.budget, 'budget');
        const reportingCurrency = command.reportingCurrency ?? command.budget.currency;
        minorDigits(reportingCurrency); // an unknown currency is a bad value (400)
        const budget = reportedAmount(command.budget, reportingCurrency, command.exchangeRate);
        return [
          {
            type: 'ProgrammeRegistered',
            data: {
              programmeId: command.programmeId,
              title: command.title,
              donor: { id: command.donor.id, name: command.donor.name },
              budget: budget.amount,
              exchangeRate: budget.exchangeRate,
              budgetReporting: budget.reportingAmount,
              startDate: command.startDate,
              endDate: command.endDate,
              reportingCurrency,
              implementer: command.implementer ?? null,
            },
          },
        ];
      }

      case 'RecordFundsReceived': {
        const programme = requireProgramme(state, command.programmeId);
        requirePositive(command.amount, 'amount');
        assertBusinessDate(command.receivedOn, 'receivedOn');
        assertText(command.reference, 'reference');
        const received = reportedAmount(command.amount, programme.reportingCurrency, command.exchangeRate);
        return [
          {
            type: 'FundsReceived',
            data: {
              programmeId: programme.programmeId,
              amount: received.amount,
              exchangeRate: received.exchangeRate,
              amountReporting: received.reportingAmount,
              receivedOn: command.receivedOn,
              reference: command.reference,
            },
            effectiveOn: command.receivedOn,
          },
        ];
      }

      case 'ReserveBudget':
        return reserve(command, requireProgramme(state, command.programmeId ?? 'unknown'));

      case 'ReleaseBudget':
        return release(command, requireProgramme(state, command.programmeId ?? 'unknown'));

      case 'LinkEndorsedPlan': {
        const programme = requireProgramme(state, command.programmeId);
        // A plan is endorsed once (the plan decider guards that); linking it again would change nothing.
        if (programme.endorsedPlans[command.municipalityId]?.includes(command.planId)) return [];
        return [
          {
            type: 'EndorsedPlanLinked',
            data: { programmeId: programme.programmeId, planId: command.planId, municipalityId: command.municipalityId, endorsedOn: command.endorsedOn },
            effectiveOn: command.endorsedOn,
          },
        ];
      }
    }
  },
};
