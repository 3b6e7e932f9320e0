import { applicationDecider, grantAward } from '../domain/application/decider.js';
import { awardDecider, awardId, awardStreamId } from '../domain/award/decider.js';
import type { ApproveDisbursement, CancelDisbursement, DisbursementTarget, PayDisbursement, RequestDisbursement } from '../domain/disbursement/commands.js';
import { disbursementDecider } from '../domain/disbursement/decider.js';
import { facilityDecider, requireFacility } from '../domain/facility/decider.js';
import { AlreadyExists } from '../domain/shared/errors.js';
import type { Money } from '../domain/shared/money.js';
import { fromJson } from '../domain/shared/money.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult, type UnitOfWork } from './command-bus.js';
import { applicationStream } from './applications.js';
import { facilityStream } from './facilities.js';

export const disbursementStream = (id: string) => `disbursement-${id}`;

interface AwardFacts {
  programmeId: string;
  reportingCurrency: string;
  active: boolean;
  /** What the award allows in total, in the reporting currency (null when it is not active). */
  ceiling: Money | null;
}

/** A grant's award is its approved amount; a facility's is the programme share of its cost. */
async function loadAward(uow: UnitOfWork, target: DisbursementTarget): Promise<AwardFacts> {
  if (target.kind === 'grant') {
    const { state } = await uow.load(applicationStream(target.id), applicationDecider);
    const award = grantAward(state, target.id);
    return { programmeId: state.programmeId!, reportingCurrency: state.requestedReporting!.currency, ...award };
  }
  const facility = requireFacility((await uow.load(facilityStream(target.id), facilityDecider)).state, target.id);
  return { programmeId: facility.programmeId, reportingCurrency: facility.programmeShare.currency, active: true, ceiling: facility.programmeShare };
}

/** The request reserves its amount on the award's stream in the same append (disbursement-exceeds-award). */
export function requestDisbursement(
  store: EventStore,
  ctx: CommandContext,
  command: Omit<RequestDisbursement, 'type' | 'award' | 'programmeId' | 'reportingCurrency'>,
): Promise<CommandResult> {
  const streamId = disbursementStream(command.disbursementId);
  return runCommand(store, ctx, { id: command.disbursementId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, disbursementDecider);
    if (state.exists) throw new AlreadyExists('disbursement', command.disbursementId);
    const award = await loadAward(uow, command.target);
    const requested = disbursementDecider.decide(
      { type: 'RequestDisbursement', ...command, programmeId: award.programmeId, reportingCurrency: award.reportingCurrency, award: { active: award.active } },
      state,
    );
    uow.append(streamId, requested);
    const [event] = requested;
    if (event.type !== 'DisbursementRequested') throw new Error('RequestDisbursement must record DisbursementRequested');
    const awardStreamName = awardStreamId(command.target.kind, command.target.id);
    const awardStream = await uow.load(awardStreamName, awardDecider);
    const draw = {
      type: 'DrawAward' as const,
      awardId: awardId(command.target.kind, command.target.id),
      disbursementId: command.disbursementId,
      amount: fromJson(event.data.amountReporting),
      ceiling: award.ceiling!,
    };
    uow.append(awardStreamName, awardDecider.decide(draw, awardStream.state));
  });
}

export function approveDisbursement(store: EventStore, ctx: CommandContext, command: Omit<ApproveDisbursement, 'type'>): Promise<CommandResult> {
  const streamId = disbursementStream(command.disbursementId);
  return runCommand(store, ctx, { id: command.disbursementId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, disbursementDecider);
    uow.append(streamId, disbursementDecider.decide({ type: 'ApproveDisbursement', ...command }, state));
  });
}

export function payDisbursement(store: EventStore, ctx: CommandContext, command: Omit<PayDisbursement, 'type'>): Promise<CommandResult> {
  const streamId = disbursementStream(command.disbursementId);
  return runCommand(store, ctx, { id: command.disbursementId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, disbursementDecider);
    uow.append(streamId, disbursementDecider.decide({ type: 'PayDisbursement', ...command }, state));
  });
}

/** A cancellation gives the reserved amount back to the award in the same append. */
export function cancelDisbursement(store: EventStore, ctx: CommandContext, command: Omit<CancelDisbursement, 'type'>): Promise<CommandResult> {
  const streamId = disbursementStream(command.disbursementId);
  return runCommand(store, ctx, { id: command.disbursementId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, disbursementDecider);
    uow.append(streamId, disbursementDecider.decide({ type: 'CancelDisbursement', ...command }, state));
    const target = state.target!;
    const awardStreamName = awardStreamId(target.kind, target.id);
    const award = await uow.load(awardStreamName, awardDecider);
    const release = { type: 'ReleaseAward' as const, awardId: awardId(target.kind, target.id), disbursementId: command.disbursementId };
    uow.append(awardStreamName, awardDecider.decide(release, award.state));
  });
}
