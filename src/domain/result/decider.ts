import { assertBusinessDate } from '../shared/dates.js';
import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import { assertCount, assertText } from '../shared/text.js';
import type { ResultCommand } from './commands.js';
import type { ResultEvent } from './events.js';
import { RESULT_KINDS } from './events.js';

export interface RecordedResult {
  exists: true;
  resultId: string;
  programmeId: string;
  retracted: boolean;
}

export type ResultState = { exists: false } | RecordedResult;

function optionalCount(value: number | null | undefined, field: string): number | null {
  return value === undefined || value === null ? null : assertCount(value, field);
}

function optionalText(value: string | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : assertText(value, field);
}

export const resultDecider: Decider<ResultCommand, ResultState, ResultEvent> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'ResultRecorded':
        return { exists: true, resultId: event.data.resultId, programmeId: event.data.programmeId, retracted: false };
      case 'ResultRetracted':
        if (!state.exists) return state;
        return { ...state, retracted: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RecordResult': {
        if (state.exists) throw new AlreadyExists('result', command.resultId);
        if (!RESULT_KINDS.includes(command.kind)) throw new InvalidValue('kind', `kind must be one of ${RESULT_KINDS.join(', ')}`);
        assertBusinessDate(command.date, 'date');
        assertText(command.title, 'title');
        return [
          {
            type: 'ResultRecorded',
            data: {
              resultId: command.resultId,
              programmeId: command.programmeId,
              kind: command.kind,
              date: command.date,
              title: command.title,
              municipalityId: optionalText(command.municipalityId, 'municipalityId'),
              grantId: optionalText(command.grantId, 'grantId'),
              priority: optionalText(command.priority, 'priority'),
              participants: optionalCount(command.participants, 'participants'),
              directBeneficiaries: optionalCount(command.directBeneficiaries, 'directBeneficiaries'),
              indirectBeneficiaries: optionalCount(command.indirectBeneficiaries, 'indirectBeneficiaries'),
            },
            effectiveOn: command.date,
          },
        ];
      }

      case 'RetractResult': {
        if (!state.exists) throw new NotFound('result', command.resultId);
        assertText(command.reason, 'reason');
        // A retraction is final: retracting twice would say the same thing twice in the audit trail.
        if (state.retracted) throw new RuleViolation('invalid-state', `result '${state.resultId}' was already retracted`);
        return [{ type: 'ResultRetracted', data: { resultId: state.resultId, reason: command.reason } }];
      }
    }
  },
};
