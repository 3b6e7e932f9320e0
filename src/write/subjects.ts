import { subjectDecider } from '../domain/subject/decider.js';
import type { EventStore } from '../eventstore/port.js';
import type { PersonalData } from '../audit/personal-data.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';

export const subjectStream = (id: string) => `subject-${id}`;

/**
 * Erases a person's personal data: destroys their key, then records PersonalDataErased. The key goes
 * first: should the append fail, the data is already unreadable (the safe side) and a retry records the event.
 */
export function erasePersonalData(store: EventStore, personalData: PersonalData, ctx: CommandContext, command: { subjectId: string }): Promise<CommandResult> {
  const streamId = subjectStream(command.subjectId);
  return runCommand(store, ctx, { id: command.subjectId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, subjectDecider);
    const known = (await personalData.state(command.subjectId)) !== 'unknown';
    const events = subjectDecider.decide({ type: 'ErasePersonalData', subjectId: command.subjectId, known }, state);
    await personalData.erase(command.subjectId);
    uow.append(streamId, events);
  });
}
