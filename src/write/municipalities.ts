import type { RegisterMunicipality } from '../domain/municipality/commands.js';
import { municipalityDecider } from '../domain/municipality/decider.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';

export const municipalityStream = (id: string) => `municipality-${id}`;

export function registerMunicipality(store: EventStore, ctx: CommandContext, command: Omit<RegisterMunicipality, 'type'>): Promise<CommandResult> {
  const streamId = municipalityStream(command.municipalityId);
  return runCommand(store, ctx, { id: command.municipalityId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, municipalityDecider);
    uow.append(streamId, municipalityDecider.decide({ type: 'RegisterMunicipality', ...command }, state));
  });
}
