import { municipalityDecider } from '../domain/municipality/decider.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import type { RecordResult, RetractResult } from '../domain/result/commands.js';
import { resultDecider } from '../domain/result/decider.js';
import { NotFound } from '../domain/shared/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { municipalityStream } from './municipalities.js';
import { programmeStream } from './programmes.js';

export const resultStream = (id: string) => `result-${id}`;

export function recordResult(store: EventStore, ctx: CommandContext, command: Omit<RecordResult, 'type'>): Promise<CommandResult> {
  const streamId = resultStream(command.resultId);
  return runCommand(store, ctx, { id: command.resultId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, resultDecider);
    await uow.prefetch(programmeStream(command.programmeId), ...(command.municipalityId ? [municipalityStream(command.municipalityId)] : []));
    requireProgramme((await uow.load(programmeStream(command.programmeId), programmeDecider)).state, command.programmeId);
    if (command.municipalityId) {
      const municipality = await uow.load(municipalityStream(command.municipalityId), municipalityDecider);
      if (!municipality.state.exists) throw new NotFound('municipality', command.municipalityId);
    }
    // A grant is an application the commission approved: the result must name one the ledger knows.
    if (command.grantId && (await store.readStream(`application-${command.grantId}`)).length === 0) {
      throw new NotFound('grant', command.grantId);
    }
    uow.append(streamId, resultDecider.decide({ type: 'RecordResult', ...command }, state));
  });
}

export function retractResult(store: EventStore, ctx: CommandContext, command: Omit<RetractResult, 'type'>): Promise<CommandResult> {
  const streamId = resultStream(command.resultId);
  return runCommand(store, ctx, { id: command.resultId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, resultDecider);
    uow.append(streamId, resultDecider.decide({ type: 'RetractResult', ...command }, state));
  });
}
