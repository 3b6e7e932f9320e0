import type { PersonalData } from '../audit/personal-data.js';
import type { ConstituteCommission } from '../domain/commission/commands.js';
import { commissionDecider } from '../domain/commission/decider.js';
import type { CommissionEvent } from '../domain/commission/events.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { programmeStream } from './programmes.js';

export const commissionStream = (id: string) => `commission-${id}`;

export function constituteCommission(
  store: EventStore,
  ctx: CommandContext,
  command: Omit<ConstituteCommission, 'type'>,
  personalData?: PersonalData,
): Promise<CommandResult> {
  const streamId = commissionStream(command.commissionId);
  return runCommand(store, ctx, { id: command.commissionId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, commissionDecider);
    const programme = await uow.load(programmeStream(command.programmeId), programmeDecider);
    if (!state.exists) requireProgramme(programme.state, command.programmeId);
    const events = commissionDecider.decide({ type: 'ConstituteCommission', ...command }, state);
    uow.append(streamId, personalData ? await sealMemberNames(personalData, events) : events);
  });
}

/**
 * Members' names are personal data: the decider checks them as plain text, then each is sealed under the
 * member's id before it is recorded (crypto-shredding, src/audit/personal-data.ts).
 */
async function sealMemberNames(personalData: PersonalData, events: CommissionEvent[]): Promise<CommissionEvent[]> {
  return Promise.all(
    events.map(async (e) =>
      e.type !== 'CommissionConstituted'
        ? e
        : { ...e, data: { ...e.data, members: await Promise.all(e.data.members.map(async (m) => ({ ...m, name: await personalData.protect(m.id, m.name) }))) } },
    ),
  );
}
