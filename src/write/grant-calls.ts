import { commissionDecider, requireCommission } from '../domain/commission/decider.js';
import type { OpenGrantCall } from '../domain/grant-call/commands.js';
import { envelopeReservationId, grantCallDecider } from '../domain/grant-call/decider.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import { AlreadyExists } from '../domain/shared/errors.js';
import { fromJson } from '../domain/shared/money.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult } from './command-bus.js';
import { commissionStream } from './commissions.js';
import { programmeStream } from './programmes.js';

export const grantCallStream = (id: string) => `grant-call-${id}`;

/** Opening a call reserves its envelope on the programme's budget, in the same append (budget-exceeded). */
export function openGrantCall(
  store: EventStore,
  ctx: CommandContext,
  command: Omit<OpenGrantCall, 'type' | 'programme' | 'commission'>,
): Promise<CommandResult> {
  const streamId = grantCallStream(command.grantCallId);
  return runCommand(store, ctx, { id: command.grantCallId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, grantCallDecider);
    if (state.exists) throw new AlreadyExists('grant call', command.grantCallId);
    const programmeId = programmeStream(command.programmeId);
    await uow.prefetch(programmeId, commissionStream(command.commissionId));
    const programme = await uow.load(programmeId, programmeDecider);
    const { reportingCurrency } = requireProgramme(programme.state, command.programmeId);
    const commission = requireCommission((await uow.load(commissionStream(command.commissionId), commissionDecider)).state, command.commissionId);

    const opened = grantCallDecider.decide(
      { type: 'OpenGrantCall', ...command, programme: { reportingCurrency }, commission: { programmeId: commission.programmeId } },
      state,
    );
    uow.append(streamId, opened);
    const [event] = opened;
    if (event.type !== 'GrantCallOpened') throw new Error('OpenGrantCall must record GrantCallOpened');
    const reserve = {
      type: 'ReserveBudget' as const,
      programmeId: command.programmeId,
      reservationId: envelopeReservationId(command.grantCallId),
      kind: 'grant-call' as const,
      amount: fromJson(event.data.envelopeReporting),
    };
    uow.append(programmeId, programmeDecider.decide(reserve, programme.state));
  });
}

/** Closing gives the unspent envelope back to the programme's budget, in the same append. */
export function closeGrantCall(store: EventStore, ctx: CommandContext, command: { grantCallId: string; closedOn?: string }): Promise<CommandResult> {
  const streamId = grantCallStream(command.grantCallId);
  return runCommand(store, ctx, { id: command.grantCallId, streamId }, async (uow) => {
    const { state } = await uow.load(streamId, grantCallDecider);
    const closed = grantCallDecider.decide({ type: 'CloseGrantCall', ...command }, state);
    uow.append(streamId, closed);
    const [event] = closed;
    if (event.type !== 'GrantCallClosed') throw new Error('CloseGrantCall must record GrantCallClosed');
    const programmeId = programmeStream(state.programmeId!);
    const programme = await uow.load(programmeId, programmeDecider);
    const release = {
      type: 'ReleaseBudget' as const,
      programmeId: state.programmeId,
      reservationId: envelopeReservationId(command.grantCallId),
      amount: fromJson(event.data.released),
    };
    uow.append(programmeId, programmeDecider.decide(release, programme.state));
  });
}
