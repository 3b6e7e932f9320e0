import type { Decider } from '../shared/decider.js';
import { InvalidValue, RuleViolation } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { add, compare, fromJson, subtract, toJson } from '../shared/money.js';
import type { AwardCommand, AwardKind } from './commands.js';
import type { AwardEvent } from './events.js';

/**
 * An award is money a disbursement may draw on: an approved grant or a facility's programme share. Its own
 * stream (award-grant-<applicationId>, award-facility-<facilityId>) guards "requested + approved + paid
 * disbursements (not cancelled) ≤ the award": every request reserves here, every cancellation gives back.
 */
export interface AwardState {
  closed: boolean;
  /** Reserved by disbursements not cancelled, in the reporting currency (null before the first draw). */
  drawn: Money | null;
  /** disbursementId -> its reservation, while it holds one. */
  draws: Record<string, Money>;
}

export function awardId(kind: AwardKind, id: string): string {
  return `${kind}-${id}`;
}

export function awardStreamId(kind: AwardKind, id: string): string {
  return `award-${awardId(kind, id)}`;
}

export function outstanding(state: AwardState): bigint {
  return state.drawn?.minor ?? 0n;
}

export const awardDecider: Decider<AwardCommand, AwardState, AwardEvent> = {
  initialState: () => ({ closed: false, drawn: null, draws: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'AwardDrawn': {
        const amount = fromJson(event.data.amount);
        return { ...state, drawn: state.drawn ? add(state.drawn, amount) : amount, draws: { ...state.draws, [event.data.disbursementId]: amount } };
      }
      case 'AwardReleased': {
        if (!state.drawn) return state; // a release always follows its draw on the stream
        const { [event.data.disbursementId]: _released, ...draws } = state.draws;
        return { ...state, drawn: subtract(state.drawn!, fromJson(event.data.amount)), draws };
      }
      case 'AwardClosed':
        return { ...state, closed: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'DrawAward': {
        if (state.closed) throw new RuleViolation('invalid-state', 'the award is closed (the grant was revoked)');
        if (command.amount.minor <= 0n) throw new InvalidValue('amount', 'a disbursement must be greater than zero');
        if (state.draws[command.disbursementId]) throw new Error(`disbursement ${command.disbursementId} already draws on the award`);
        const after = state.drawn ? add(state.drawn, command.amount) : command.amount;
        // Money disbursed never exceeds the award.
        if (compare(after, command.ceiling) > 0) {
          const left = subtract(command.ceiling, state.drawn ?? { minor: 0n, currency: command.ceiling.currency });
          throw new RuleViolation('disbursement-exceeds-award', `the award has ${toJson(left).amount} ${left.currency} left`);
        }
        return [
          {
            type: 'AwardDrawn',
            data: { awardId: command.awardId, disbursementId: command.disbursementId, amount: toJson(command.amount), ceiling: toJson(command.ceiling) },
          },
        ];
      }

      case 'ReleaseAward': {
        const reserved = state.draws[command.disbursementId];
        if (!reserved) throw new RuleViolation('invalid-state', `disbursement ${command.disbursementId} holds nothing on the award`);
        return [{ type: 'AwardReleased', data: { awardId: command.awardId, disbursementId: command.disbursementId, amount: toJson(reserved) } }];
      }

      case 'CloseAward': {
        if (state.closed) throw new RuleViolation('invalid-state', 'the award is already closed');
        // A grant is revoked only while nothing is disbursed (requested, approved or paid, not cancelled).
        if (outstanding(state) > 0n) throw new RuleViolation('invalid-state', 'money has already been disbursed on this award');
        return [{ type: 'AwardClosed', data: { awardId: command.awardId, reason: command.reason } }];
      }
    }
  },
};
