import { createHash } from 'node:crypto';
import { applicationDecider } from '../domain/application/decider.js';
import type { RecordCoFunding } from '../domain/co-funding/commands.js';
import { coFundingDecider, evidenceDecider, normaliseEvidenceRef } from '../domain/co-funding/decider.js';
import { facilityDecider, requireFacility } from '../domain/facility/decider.js';
import { planDecider, requirePlan } from '../domain/plan/decider.js';
import { programmeDecider, requireProgramme } from '../domain/programme/decider.js';
import { AlreadyExists, NotFound } from '../domain/shared/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { runCommand, type CommandContext, type CommandResult, type UnitOfWork } from './command-bus.js';
import { applicationStream } from './applications.js';
import { facilityStream } from './facilities.js';
import { planStream } from './plans.js';
import { programmeStream } from './programmes.js';

export const coFundingStream = (id: string) => `co-funding-${id}`;

/** One stream per piece of evidence; the hash makes any reference, however long or odd, a stream id. */
export const evidenceStream = (evidenceRef: string) =>
  `evidence-${createHash('sha256').update(normaliseEvidenceRef(evidenceRef)).digest('hex')}`;

/** The programme the co-funded grant, facility or plan belongs to, and its reporting currency. */
async function loadTargetProgramme(uow: UnitOfWork, target: RecordCoFunding['target']): Promise<{ programmeId: string; reportingCurrency: string }> {
  switch (target.kind) {
    case 'grant': {
      const { state } = await uow.load(applicationStream(target.id), applicationDecider);
      if (!state.exists) throw new NotFound('grant', target.id);
      return { programmeId: state.programmeId!, reportingCurrency: state.requestedReporting!.currency };
    }
    case 'facility': {
      const facility = requireFacility((await uow.load(facilityStream(target.id), facilityDecider)).state, target.id);
      return { programmeId: facility.programmeId, reportingCurrency: facility.programmeShare.currency };
    }
    case 'plan': {
      const plan = requirePlan((await uow.load(planStream(target.id), planDecider)).state, target.id);
      const programme = requireProgramme((await uow.load(programmeStream(plan.programmeId), programmeDecider)).state, plan.programmeId);
      return { programmeId: plan.programmeId, reportingCurrency: programme.reportingCurrency };
    }
  }
}

/** Co-funding counts its evidence once in the whole ledger: EvidenceCounted on the evidence's own stream. */
export function recordCoFunding(
  store: EventStore,
  ctx: CommandContext,
  command: Omit<RecordCoFunding, 'type' | 'programmeId' | 'reportingCurrency'>,
): Promise<CommandResult> {
  const streamId = coFundingStream(command.coFundingId);
  return runCommand(store, ctx, { id: command.coFundingId, streamId }, async (uow) => {
    const { state } = await uow.loadNew(streamId, coFundingDecider);
    if (state.exists) throw new AlreadyExists('co-funding', command.coFundingId);
    const programme = await loadTargetProgramme(uow, command.target);
    uow.append(streamId, coFundingDecider.decide({ type: 'RecordCoFunding', ...command, ...programme }, state));
    const evidenceStreamId = evidenceStream(command.evidenceRef);
    const evidence = await uow.load(evidenceStreamId, evidenceDecider);
    uow.append(evidenceStreamId, evidenceDecider.decide({ type: 'CountEvidence', evidenceRef: command.evidenceRef, coFundingId: command.coFundingId }, evidence.state));
  });
}
