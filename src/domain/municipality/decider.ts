import type { Decider } from '../shared/decider.js';
import { AlreadyExists } from '../shared/errors.js';
import type { MunicipalityCommand } from './commands.js';
import type { MunicipalityEvent, MunicipalityKind } from './events.js';

export interface MunicipalityState {
  exists: boolean;
  name?: string;
  oblast?: string;
  district?: string | null;
  kind?: MunicipalityKind | null;
}

export const municipalityDecider: Decider<MunicipalityCommand, MunicipalityState, MunicipalityEvent> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'MunicipalityRegistered':
        return { exists: true, name: event.data.name, oblast: event.data.oblast, district: event.data.district, kind: event.data.kind };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterMunicipality':
        if (state.exists) throw new AlreadyExists('municipality', command.municipalityId);
        return [
          {
            type: 'MunicipalityRegistered',
            data: {
              municipalityId: command.municipalityId,
              name: command.name,
              oblast: command.oblast,
              district: command.district ?? null,
              kind: command.kind ?? null,
              population: command.population ?? null,
            },
          },
        ];
    }
  },
};
