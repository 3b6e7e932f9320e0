import type { ConstituteCommission } from '../domain/commission/commands.js';
import { commissionDecider } from '../domain/commission/decider.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { programmeStream } from './programmes.js';

export const commissionStream = (id: string) => `commission-${id}`;

export function constituteCommission(store: EventStore, ctx: CommandContext, command: Omit<ConstituteCommission, 'type'>): Promise<CommandResult> {
  const streamId = commissionStream(command.commissionId);
  return runCommand(store, ctx, { id: command.commissionId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, commissionDecider);
    const programme = await uow.load(programmeStream(command.programmeId), programmeDecider);
    if (!state.exists) requireProgramme(programme.state, command.programmeId);
    uow.append(streamId, commissionDecider.decide({ type: 'ConstituteCommission', ...command }, state));
  });
}
