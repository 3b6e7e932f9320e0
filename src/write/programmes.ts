import type { RecordFundsReceived, RegisterProgramme } from '../domain/programme/commands.js';
import { programmeDecider } from '../domain/programme/decider.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';

export const programmeStream = (id: string) => `programme-${id}`;

export function registerProgramme(store: EventStore, ctx: CommandContext, command: Omit<RegisterProgramme, 'type'>): Promise<CommandResult> {
  const streamId = programmeStream(command.programmeId);
  return runCommand(store, ctx, { id: command.programmeId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, programmeDecider);
    uow.append(streamId, programmeDecider.decide({ type: 'RegisterProgramme', ...command }, state));
  });
}

export function recordFundsReceived(store: EventStore, ctx: CommandContext, command: Omit<RecordFundsReceived, 'type'>): Promise<CommandResult> {
  const streamId = programmeStream(command.programmeId);
  return runCommand(store, ctx, { id: command.programmeId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, programmeDecider);
    uow.append(streamId, programmeDecider.decide({ type: 'RecordFundsReceived', ...command }, state));
  });
}
