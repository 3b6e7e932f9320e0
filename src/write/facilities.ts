import type { AgreeFacility, CompleteFacility } from '../domain/facility/commands.js';
import { budgetReservationFor, facilityDecider } from '../domain/facility/decider.js';
import type { FacilityAgreed } from '../domain/facility/events.js';
import { municipalityDecider } from '../domain/municipality/decider.js';
import { endorsedPlanIn, programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import { NotFound } from '../domain/shared/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { municipalityStream } from './municipalities.js';
import { programmeStream } from './programmes.js';

export const facilityStream = (id: string) => `facility-${id}`;

export type AgreeFacilityInput = Omit<AgreeFacility, 'type' | 'programme' | 'endorsedPlanId'>;

/**
 * The agreement and the reservation of its programme share are appended atomically to the facility and the
 * programme streams. When another command changed the programme meanwhile (two facilities racing for the last
 * of the budget), runCommand decides again on the fresh budget, so the loser gets `budget-exceeded`.
 */
export function agreeFacility(store: EventStore, ctx: CommandContext, command: AgreeFacilityInput): Promise<CommandResult> {
  const streamId = facilityStream(command.facilityId);
  return runCommand(store, ctx, { id: command.facilityId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, facilityDecider);
    const programmeId = programmeStream(command.programmeId);
    await uow.prefetch(programmeId, municipalityStream(command.municipalityId));
    const programme = requireProgramme((await uow.load(programmeId, programmeDecider)).state, command.programmeId);
    const municipality = await uow.load(municipalityStream(command.municipalityId), municipalityDecider);
    if (!municipality.state.exists) throw new NotFound('municipality', command.municipalityId);

    const events = facilityDecider.decide(
      {
        type: 'AgreeFacility',
        ...command,
        programme: { reportingCurrency: programme.reportingCurrency },
        endorsedPlanId: endorsedPlanIn(programme, command.municipalityId),
      },
      state,
    );
    uow.append(streamId, events);
    const agreed = events.find((e): e is FacilityAgreed => e.type === 'FacilityAgreed')!;
    uow.append(programmeId, programmeDecider.decide(budgetReservationFor(agreed), programme));
  });
}

export function completeFacility(store: EventStore, ctx: CommandContext, command: Omit<CompleteFacility, 'type'>): Promise<CommandResult> {
  const streamId = facilityStream(command.facilityId);
  return runCommand(store, ctx, { id: command.facilityId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, facilityDecider);
    uow.append(streamId, facilityDecider.decide({ type: 'CompleteFacility', ...command }, state));
  });
}
