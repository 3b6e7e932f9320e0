import type { Decider } from '../shared/decider.js';
import { NotFound, RuleViolation } from '../shared/errors.js';
import type { SubjectCommand } from './commands.js';
import type { SubjectEvent } from './events.js';

/** A data subject (a person whose personal data the ledger holds encrypted): stream `subject-<id>`. */
export interface SubjectState {
  erased: boolean;
}

export const subjectDecider: Decider<SubjectCommand, SubjectState, SubjectEvent> = {
  initialState: () => ({ erased: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'PersonalDataErased':
        return { ...state, erased: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ErasePersonalData':
        if (state.erased) throw new RuleViolation('already-erased', `the personal data of '${command.subjectId}' was already erased`);
        if (!command.known) throw new NotFound('data subject', command.subjectId);
        return [{ type: 'PersonalDataErased', data: { subjectId: command.subjectId } }];
    }
  },
};
