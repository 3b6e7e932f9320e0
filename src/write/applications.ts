import type { RecordDecision, RevokeGrant, ScoreApplication, SubmitApplication, DeclareConflict } from '../domain/application/commands.js';
import type { PersonalData } from '../audit/personal-data.js';
import type { ApplicationState } from '../domain/application/decider.js';
import type { ApplicationEvent } from '../domain/application/events.js';
import { applicationDecider } from '../domain/application/decider.js';
import { awardDecider, awardId, awardStreamId } from '../domain/award/decider.js';
import { commissionDecider, commissionFacts, type CommissionFacts } from '../domain/commission/decider.js';
import { grantCallDecider, grantCallFacts } from '../domain/grant-call/decider.js';
import { municipalityDecider } from '../domain/municipality/decider.js';
import { planDecider, requirePlan } from '../domain/plan/decider.js';
import { programmeDecider } from '../domain/programme/decider.js';
import { AlreadyExists, InvalidValue, NotFound } from '../domain/shared/errors.js';
import { fromJson } from '../domain/shared/money.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult, type UnitOfWork } from './command-bus.js';
import { commissionStream } from './commissions.js';
import { grantCallStream } from './grant-calls.js';
import { municipalityStream } from './municipalities.js';
import { planStream } from './plans.js';
import { programmeStream } from './programmes.js';

export const applicationStream = (id: string) => `application-${id}`;
/** The data subject of an application's contact person (POST /admin/subjects/:id/erase). */
export const contactSubject = (applicationId: string) => `contact-${applicationId}`;

type Facts = 'type' | 'call' | 'plan' | 'submittedOn';
type SubmitInput = Omit<SubmitApplication, Facts> & { submittedOn?: string };

/** Today in UTC: a call takes applications up to and including its closing day. */
const today = () => new Date().toISOString().slice(0, 10);

/** An application recorded after the fact keeps its real submission date; a date in the future is refused. */
function submissionDate(given: string | undefined): string {
  if (given === undefined) return today();
  if (given > today()) throw new InvalidValue('submittedOn', 'submittedOn must not be in the future');
  return given;
}

export function submitApplication(
  store: EventStore,
  ctx: CommandContext,
  command: SubmitInput,
  personalData?: PersonalData,
): Promise<CommandResult> {
  const streamId = applicationStream(command.applicationId);
  return runCommand(store, ctx, { id: command.applicationId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, applicationDecider);
    if (state.exists) throw new AlreadyExists('application', command.applicationId);
    await uow.prefetch(grantCallStream(command.grantCallId), municipalityStream(command.municipalityId), planStream(command.planId));
    const call = grantCallFacts((await uow.load(grantCallStream(command.grantCallId), grantCallDecider)).state, command.grantCallId);
    if (!(await uow.load(municipalityStream(command.municipalityId), municipalityDecider)).state.exists) {
      throw new NotFound('municipality', command.municipalityId);
    }
    const plan = requirePlan((await uow.load(planStream(command.planId), planDecider)).state, command.planId);
    const events = applicationDecider.decide(
      {
        type: 'SubmitApplication',
        ...command,
        submittedOn: submissionDate(command.submittedOn),
        call,
        plan: {
          endorsed: plan.status === 'endorsed',
          programmeId: plan.programmeId,
          municipalityId: plan.municipalityId,
          activityIds: plan.plan.activities.map((a) => a.id),
        },
      },
      state,
    );
    uow.append(streamId, personalData ? await sealContactPerson(personalData, events) : events);
  });
}

/** The contact person is personal data: checked as plain text by the decider, then sealed under `contact-<applicationId>`. */
async function sealContactPerson(personalData: PersonalData, events: ApplicationEvent[]): Promise<ApplicationEvent[]> {
  return Promise.all(
    events.map(async (e) => {
      if (e.type !== 'ApplicationSubmitted' || !e.data.contactPerson) return e;
      const subject = contactSubject(e.data.applicationId);
      const { name, email, phone } = e.data.contactPerson;
      const sealed = { name: await personalData.protect(subject, name), email: await personalData.protectOptional(subject, email), phone: await personalData.protectOptional(subject, phone) };
      return { ...e, data: { ...e.data, contactPerson: sealed } } as ApplicationEvent;
    }),
  );
}

/** The application and the facts about its commission every commission action needs. */
async function loadForCommission(uow: UnitOfWork, applicationId: string): Promise<{ state: ApplicationState; commission: CommissionFacts }> {
  const { state } = await uow.load(applicationStream(applicationId), applicationDecider);
  if (!state.exists) throw new NotFound('application', applicationId);
  const commission = await uow.load(commissionStream(state.commissionId!), commissionDecider);
  return { state, commission: commissionFacts(commission.state, state.commissionId!) };
}

export function declareConflict(store: EventStore, ctx: CommandContext, command: Omit<DeclareConflict, 'type' | 'commission'>): Promise<CommandResult> {
  const streamId = applicationStream(command.applicationId);
  return runCommand(store, ctx, { id: command.applicationId, streamId }, async (uow) => {
    const { state, commission } = await loadForCommission(uow, command.applicationId);
    uow.append(streamId, applicationDecider.decide({ type: 'DeclareConflict', ...command, commission }, state));
  });
}

export function scoreApplication(store: EventStore, ctx: CommandContext, command: Omit<ScoreApplication, 'type' | 'commission'>): Promise<CommandResult> {
  const streamId = applicationStream(command.applicationId);
  return runCommand(store, ctx, { id: command.applicationId, streamId }, async (uow) => {
    const { state, commission } = await loadForCommission(uow, command.applicationId);
    uow.append(streamId, applicationDecider.decide({ type: 'ScoreApplication', ...command, commission }, state));
  });
}

/**
 * An approval draws its amount from the call's envelope in the same append (envelope-exceeded); after the
 * call closed, it also reserves its amount on the programme's budget again (the unspent envelope went back).
 */
export function recordDecision(
  store: EventStore,
  ctx: CommandContext,
  command: Omit<RecordDecision, 'type' | 'commission' | 'minCoFundingRatio'>,
): Promise<CommandResult> {
  const streamId = applicationStream(command.applicationId);
  return runCommand(store, ctx, { id: command.applicationId, streamId }, async (uow) => {
    const { state, commission } = await loadForCommission(uow, command.applicationId);
    const callStreamId = grantCallStream(state.grantCallId!);
    const call = await uow.load(callStreamId, grantCallDecider);
    const { minCoFundingRatio } = grantCallFacts(call.state, state.grantCallId!);
    const decided = applicationDecider.decide({ type: 'RecordDecision', ...command, commission, minCoFundingRatio }, state);
    uow.append(streamId, decided);
    const [event] = decided;
    if (event.type === 'GrantApproved') {
      const draw = { type: 'DrawEnvelope' as const, grantCallId: state.grantCallId!, applicationId: command.applicationId, amount: fromJson(event.data.approvedReporting) };
      const [drawn] = grantCallDecider.decide(draw, call.state);
      uow.append(callStreamId, [drawn]);
      if (drawn.type === 'EnvelopeDrawn' && drawn.data.budgetReservationId) {
        const programmeId = programmeStream(call.state.programmeId!);
        const programme = await uow.load(programmeId, programmeDecider);
        const reserve = {
          type: 'ReserveBudget' as const,
          programmeId: call.state.programmeId,
          reservationId: drawn.data.budgetReservationId,
          kind: 'grant' as const,
          amount: fromJson(drawn.data.amount),
        };
        uow.append(programmeId, programmeDecider.decide(reserve, programme.state));
      }
    }
  });
}

/**
 * A revocation closes the grant's award (refused while any disbursement holds money on it) and gives the
 * grant back to the call's envelope, or to the programme's budget when the call is already closed.
 */
export function revokeGrant(store: EventStore, ctx: CommandContext, command: Omit<RevokeGrant, 'type' | 'commission'>): Promise<CommandResult> {
  const streamId = applicationStream(command.applicationId);
  return runCommand(store, ctx, { id: command.applicationId, streamId }, async (uow) => {
    const { state, commission } = await loadForCommission(uow, command.applicationId);
    uow.append(streamId, applicationDecider.decide({ type: 'RevokeGrant', ...command, commission }, state));

    const awardStreamName = awardStreamId('grant', command.applicationId);
    const award = await uow.load(awardStreamName, awardDecider);
    uow.append(awardStreamName, awardDecider.decide({ type: 'CloseAward', awardId: awardId('grant', command.applicationId), reason: command.reason }, award.state));

    const callStreamId = grantCallStream(state.grantCallId!);
    const call = await uow.load(callStreamId, grantCallDecider);
    const returned = grantCallDecider.decide({ type: 'ReturnEnvelope', grantCallId: state.grantCallId!, applicationId: command.applicationId }, call.state);
    uow.append(callStreamId, returned);
    const [event] = returned;
    if (event.type === 'EnvelopeReturned' && event.data.budgetReleaseFrom) {
      const programmeId = programmeStream(call.state.programmeId!);
      const programme = await uow.load(programmeId, programmeDecider);
      const release = {
        type: 'ReleaseBudget' as const,
        programmeId: call.state.programmeId,
        reservationId: event.data.budgetReleaseFrom,
        amount: fromJson(event.data.amount),
      };
      uow.append(programmeId, programmeDecider.decide(release, programme.state));
    }
  });
}
