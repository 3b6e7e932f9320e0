import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import { assertText } from '../shared/text.js';
import type { CommissionCommand } from './commands.js';
import type { CommissionEvent } from './events.js';

export interface CommissionState {
  exists: boolean;
  commissionId?: string;
  programmeId?: string;
  quorum: number;
  memberIds: string[];
}

/**
 * What the application decider needs to know about the commission that judges it. The command handler
 * loads the commission and passes these facts in the command, so the application decider stays pure.
 */
export interface CommissionFacts {
  memberIds: readonly string[];
  quorum: number;
}

export function requireCommission(state: CommissionState, commissionId: string): Required<CommissionState> {
  if (!state.exists) throw new NotFound('commission', commissionId);
  return state as Required<CommissionState>;
}

export function commissionFacts(state: CommissionState, commissionId: string): CommissionFacts {
  const commission = requireCommission(state, commissionId);
  return { memberIds: commission.memberIds, quorum: commission.quorum };
}

/** Only members of the commission act on its applications: the caller is named by their JWT `sub`. */
export function assertMember(commission: CommissionFacts, memberId: string): void {
  if (!commission.memberIds.includes(memberId)) {
    throw new RuleViolation('not-a-member', `'${memberId}' is not a member of the commission`);
  }
}

export const commissionDecider: Decider<CommissionCommand, CommissionState, CommissionEvent> = {
  initialState: () => ({ exists: false, quorum: 0, memberIds: [] }),

  evolve(_state, event) {
    switch (event.type) {
      case 'CommissionConstituted':
        return {
          exists: true,
          commissionId: event.data.commissionId,
          programmeId: event.data.programmeId,
          quorum: event.data.quorum,
          memberIds: event.data.members.map((m) => m.id),
        };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ConstituteCommission': {
        if (state.exists) throw new AlreadyExists('commission', command.commissionId);
        assertText(command.name, 'name');
        if (!Number.isInteger(command.quorum) || command.quorum < 1) {
          throw new InvalidValue('quorum', 'quorum must be an integer of at least 1');
        }
        if (command.members.length === 0) throw new InvalidValue('members', 'a commission needs at least one member');
        command.members.forEach((m, i) => {
          assertText(m.id, `members[${i}].id`);
          assertText(m.name, `members[${i}].name`);
        });
        const ids = new Set(command.members.map((m) => m.id));
        if (ids.size !== command.members.length) throw new InvalidValue('members', 'member ids must be unique');
        // A quorum larger than the commission could never be met: no grant could ever be decided.
        if (command.quorum > command.members.length) {
          throw new InvalidValue('quorum', 'quorum cannot exceed the number of members');
        }
        return [
          {
            type: 'CommissionConstituted',
            data: {
              commissionId: command.commissionId,
              programmeId: command.programmeId,
              name: command.name,
              quorum: command.quorum,
              members: command.members.map((m) => ({ id: m.id, name: m.name, affiliation: m.affiliation })),
            },
          },
        ];
      }
    }
  },
};
