import { municipalityDecider } from '../domain/municipality/decider.js';
import type { AmendPlan, DraftPlan, EndorsePlan } from '../domain/plan/commands.js';
import { planDecider, requirePlan } from '../domain/plan/decider.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import { NotFound } from '../domain/shared/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { municipalityStream } from './municipalities.js';
import { programmeStream } from './programmes.js';

export const planStream = (id: string) => `plan-${id}`;

export function draftPlan(store: EventStore, ctx: CommandContext, command: Omit<DraftPlan, 'type'>): Promise<CommandResult> {
  const streamId = planStream(command.planId);
  return runCommand(store, ctx, { id: command.planId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, planDecider);
    await uow.prefetch(programmeStream(command.programmeId), municipalityStream(command.municipalityId));
    // A plan belongs to a programme and a municipality the ledger knows (404 otherwise).
    requireProgramme((await uow.load(programmeStream(command.programmeId), programmeDecider)).state, command.programmeId);
    const municipality = await uow.load(municipalityStream(command.municipalityId), municipalityDecider);
    if (!municipality.state.exists) throw new NotFound('municipality', command.municipalityId);
    uow.append(streamId, planDecider.decide({ type: 'DraftPlan', ...command }, state));
  });
}

/**
 * The council's endorsement is recorded on the plan and noted on its programme in one atomic append, so the
 * facility handler finds the municipality's endorsed plan in the programme's state (see LinkEndorsedPlan).
 */
export function endorsePlan(store: EventStore, ctx: CommandContext, command: Omit<EndorsePlan, 'type'>): Promise<CommandResult> {
  const streamId = planStream(command.planId);
  return runCommand(store, ctx, { id: command.planId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, planDecider);
    uow.append(streamId, planDecider.decide({ type: 'EndorsePlan', ...command }, state));
    const plan = requirePlan(state, command.planId);
    const programmeId = programmeStream(plan.programmeId);
    const programme = await uow.load(programmeId, programmeDecider);
    uow.append(
      programmeId,
      programmeDecider.decide(
        { type: 'LinkEndorsedPlan', programmeId: plan.programmeId, planId: plan.planId, municipalityId: plan.municipalityId, endorsedOn: command.endorsedOn },
        programme.state,
      ),
    );
  });
}

export function amendPlan(store: EventStore, ctx: CommandContext, command: Omit<AmendPlan, 'type'>): Promise<CommandResult> {
  const streamId = planStream(command.planId);
  return runCommand(store, ctx, { id: command.planId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, planDecider);
    uow.append(streamId, planDecider.decide({ type: 'AmendPlan', ...command }, state));
  });
}
