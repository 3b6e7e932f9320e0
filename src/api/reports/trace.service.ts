import type { DataSource } from 'typeorm';
import type { PlanActivity } from '../../domain/plan/events.js';
import { entityPositionsSql } from '../../audit/entity-index.js';
import { problem, ProblemError } from '../common/problem.js';
import type { LoggedEvent, Proof } from './ledger-events.js';
import type { AsOf } from './params.js';
import type { ReportsService } from './reports.service.js';

const first = (events: LoggedEvent[], type: string) => events.find((e) => e.type === type);
const all = (events: LoggedEvent[], ...types: string[]) => events.filter((e) => types.includes(e.type));

/**
 * The chain behind one payment, read from the log itself (streams by their index, co-funding through the index
 * of the entities events name): disbursement ← grant or facility ← commission decision ← call ← programme ← donor, and the
 * plan activity it serves and the co-funding that matched it. Every link carries the events that prove it.
 */
export class TraceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportsService,
  ) {}

  async disbursement(id: string, asOf: AsOf | null) {
    // An id no command could have created (control characters, absurd length) names no disbursement.
    if (id.length > 200 || /[\u0000-\u001f]/.test(id)) throw new ProblemError(problem(404, 'disbursement was not found'));
    const log = this.reports.events;
    const at = asOf?.iso ?? null;
    const own = await log.ofStreams([`disbursement-${id}`], at);
    const requested = first(own, 'DisbursementRequested');
    if (!requested) throw new ProblemError(problem(404, asOf ? `disbursement '${id}' was not recorded as of ${asOf.iso}` : `disbursement '${id}' was not found`));
    const r = requested.data;
    const targetKind: 'grant' | 'facility' = r.target.kind === 'facility' ? 'facility' : 'grant';
    const targetId: string = r.target.id;
    const targetStream = targetKind === 'grant' ? `application-${targetId}` : `facility-${targetId}`;
    const awardStream = `award-${targetKind}-${targetId}`;
    const level1 = await log.ofStreams([`programme-${r.programmeId}`, targetStream, awardStream], at);
    const programmeEvents = level1.filter((e) => e.streamId === `programme-${r.programmeId}`);
    const targetEvents = level1.filter((e) => e.streamId === targetStream);
    const awardEvents = level1.filter((e) => e.streamId === awardStream && e.data?.disbursementId === id);

    const submitted = first(targetEvents, 'ApplicationSubmitted');
    const agreed = first(targetEvents, 'FacilityAgreed');
    const origin = (submitted ?? agreed)?.data ?? {};
    const callId: string | undefined = submitted?.data.grantCallId;
    const commissionId: string | undefined = submitted?.data.commissionId;
    const planId: string | undefined = origin.planId;
    const municipalityId: string | undefined = origin.municipalityId;
    const level2 = await log.ofStreams(
      [callId && `grant-call-${callId}`, commissionId && `commission-${commissionId}`, planId && `plan-${planId}`, municipalityId && `municipality-${municipalityId}`].filter(
        (s): s is string => !!s,
      ),
      at,
    );
    const callEvents = level2.filter((e) => e.streamId === `grant-call-${callId}` && (e.type === 'GrantCallOpened' || e.type === 'GrantCallClosed' || e.data?.applicationId === targetId));
    const commissionEvents = level2.filter((e) => e.streamId === `commission-${commissionId}`);
    const planEvents = level2.filter((e) => e.streamId === `plan-${planId}`);
    const municipalityEvents = level2.filter((e) => e.streamId === `municipality-${municipalityId}`);

    // Co-funding that matched the grant or facility: found by the target's id (src/audit/entity-index.ts).
    const coFundingEvents = (await log.atPositions(await this.positionsConcerning([targetId]), at)).filter(
      (e) => e.type === 'CoFundingReceived' && e.data?.target?.kind === targetKind && e.data?.target?.id === targetId,
    );
    const evidenceEvents = coFundingEvents.length
      ? (await log.atPositions(await this.positionsConcerning(coFundingEvents.map((e) => e.data.coFundingId)), at)).filter((e) => e.type === 'EvidenceCounted')
      : [];

    const everything = [...own, ...level1, ...level2, ...coFundingEvents, ...evidenceEvents];
    const hashes = await log.hashesOf(everything.map((e) => e.position));
    const prove = (...events: (LoggedEvent | undefined)[]): Proof[] =>
      events
        .filter((e): e is LoggedEvent => !!e)
        .sort((a, b) => a.position - b.position)
        .map((e) => ({ position: e.position, type: e.type, streamId: e.streamId, recordedAt: e.recordedAt, hash: hashes.get(e.position) ?? null }));

    const registered = first(programmeEvents, 'ProgrammeRegistered');
    const funds = all(programmeEvents, 'FundsReceived');
    const reservation = programmeEvents.filter(
      (e) => (e.type === 'BudgetReserved' || e.type === 'BudgetReleased') && [`grant-call-${callId}`, `facility-${targetId}`, targetId, `grant-${targetId}`].includes(e.data?.reservationId),
    );
    const approved = first(targetEvents, 'GrantApproved');
    const rejected = first(targetEvents, 'GrantRejected');
    const revoked = first(targetEvents, 'GrantRevoked');
    const conflicts = all(targetEvents, 'ConflictDeclared');
    const scores = all(targetEvents, 'ApplicationScored');
    const decision = approved ?? rejected;
    const constituted = first(commissionEvents, 'CommissionConstituted');
    const drafted = first(planEvents, 'PlanDrafted');
    const endorsed = first(planEvents, 'PlanEndorsed');
    const amendments = all(planEvents, 'PlanAmended');

    const byType = (type: string) => first(own, type);
    const paid = byType('DisbursementPaid');
    const cancelled = byType('DisbursementCancelled');
    const approvedD = byType('DisbursementApproved');

    // The activity as the plan stands (as of the moment asked), with the events that shaped it.
    const activityId: string | null = submitted?.data.activityId ?? null;
    let activity: (PlanActivity & { events: Proof[] }) | null = null;
    if (activityId && drafted) {
      let current: PlanActivity | undefined = drafted.data.activities?.find((a: PlanActivity) => a.id === activityId);
      const shaping: LoggedEvent[] = current ? [drafted] : [];
      for (const amendment of amendments) {
        const c = amendment.data.changes ?? {};
        const added = (c.addActivities ?? []).find((a: PlanActivity) => a.id === activityId);
        const changed = (c.changeActivities ?? []).find((a: { id: string }) => a.id === activityId);
        if (added) current = added;
        if (changed && current) current = { ...current, ...changed };
        if ((c.removeActivities ?? []).includes(activityId)) current = undefined;
        if (added || changed || (c.removeActivities ?? []).includes(activityId)) shaping.push(amendment);
      }
      activity = current ? { ...current, events: prove(...shaping) } : { id: activityId, title: '(removed from the plan)', priority: '', budget: null, fundingSource: 'other', events: prove(...shaping) };
    }

    const status = cancelled ? 'cancelled' : paid ? 'paid' : approvedD ? 'approved' : 'requested';
    const tally = (votes: { vote: string }[] = []) => ({
      for: votes.filter((v) => v.vote === 'for').length,
      against: votes.filter((v) => v.vote === 'against').length,
      abstain: votes.filter((v) => v.vote === 'abstain').length,
    });

    return {
      disbursementId: id,
      asOf: asOf?.iso ?? null,
      currency: r.amountReporting?.currency ?? null,
      disbursement: {
        id,
        status,
        target: { kind: targetKind, id: targetId },
        amount: r.amount,
        exchangeRate: r.exchangeRate ?? null,
        amountReporting: r.amountReporting,
        purpose: r.purpose,
        requestedBy: r.requestedBy ?? requested.metadata?.actor?.id ?? null,
        approvedBy: approvedD?.data.approvedBy ?? null,
        paidBy: paid?.data.paidBy ?? null,
        paidOn: paid?.data.paidOn ?? null,
        bankReference: paid?.data.bankReference ?? null,
        cancellation: cancelled ? { reason: cancelled.data.reason, cancelledBy: cancelled.data.cancelledBy } : null,
        events: prove(...own, ...awardEvents),
      },
      donor: registered ? { id: registered.data.donor.id, name: registered.data.donor.name, events: prove(registered) } : null,
      programme: registered
        ? {
            id: r.programmeId,
            title: registered.data.title,
            reportingCurrency: registered.data.reportingCurrency,
            budget: registered.data.budget,
            budgetReporting: registered.data.budgetReporting,
            fundsReceived: funds.map((f) => ({ amount: f.data.amount, amountReporting: f.data.amountReporting, exchangeRate: f.data.exchangeRate ?? null, receivedOn: f.data.receivedOn, reference: f.data.reference, position: f.position })),
            events: prove(registered, ...funds, ...reservation),
          }
        : null,
      call: callId
        ? {
            id: callId,
            title: first(callEvents, 'GrantCallOpened')?.data.title ?? null,
            envelope: first(callEvents, 'GrantCallOpened')?.data.envelope ?? null,
            envelopeReporting: first(callEvents, 'GrantCallOpened')?.data.envelopeReporting ?? null,
            minCoFundingRatio: first(callEvents, 'GrantCallOpened')?.data.minCoFundingRatio ?? null,
            status: first(callEvents, 'GrantCallClosed') ? 'closed' : 'open',
            events: prove(...callEvents),
          }
        : null,
      decision: submitted
        ? {
            commission: constituted
              ? { id: commissionId, name: constituted.data.name, quorum: constituted.data.quorum, members: constituted.data.members, events: prove(constituted) }
              : null,
            outcome: approved ? 'approved' : rejected ? 'rejected' : null,
            approvedAmount: approved?.data.approvedAmount ?? null,
            approvedReporting: approved?.data.approvedReporting ?? null,
            votes: decision?.data.votes ?? [],
            tally: tally(decision?.data.votes),
            minutesRef: decision?.data.minutesRef ?? null,
            reason: decision?.data.reason ?? null,
            decidedBy: decision?.data.decidedBy ?? null,
            recusals: conflicts.map((c) => ({ memberId: c.data.memberId, reason: c.data.reason, position: c.position })),
            scores: scores.map((s) => ({ memberId: s.data.memberId, score: s.data.score, comment: s.data.comment ?? null, position: s.position })),
            revocation: revoked ? { reason: revoked.data.reason, minutesRef: revoked.data.minutesRef, revokedBy: revoked.data.revokedBy, position: revoked.position } : null,
            events: prove(decision, ...conflicts, ...scores, revoked),
          }
        : null,
      grant: submitted
        ? {
            id: targetId,
            title: submitted.data.title,
            applicant: submitted.data.applicant,
            municipalityId: submitted.data.municipalityId,
            priority: submitted.data.priority,
            requested: submitted.data.requested,
            requestedReporting: submitted.data.requestedReporting,
            coFundingPledged: submitted.data.coFundingPledged,
            coFundingPledgedReporting: submitted.data.coFundingPledgedReporting,
            status: revoked ? 'revoked' : approved ? 'approved' : rejected ? 'rejected' : 'submitted',
            events: prove(submitted, approved, revoked),
          }
        : null,
      facility: agreed
        ? {
            id: targetId,
            title: agreed.data.title,
            kind: agreed.data.kind,
            municipalityId: agreed.data.municipalityId,
            totalCost: agreed.data.totalCost,
            totalCostReporting: agreed.data.totalCostReporting,
            localShareRatio: agreed.data.localShareRatio,
            programmeShare: agreed.data.programmeShare,
            localShare: agreed.data.localShare,
            status: first(targetEvents, 'FacilityEstablished') ? 'established' : 'agreed',
            events: prove(...targetEvents),
          }
        : null,
      municipality: municipalityEvents.length
        ? {
            id: municipalityId,
            name: municipalityEvents[0].data.name,
            oblast: municipalityEvents[0].data.oblast,
            district: municipalityEvents[0].data.district ?? null,
            events: prove(...municipalityEvents),
          }
        : null,
      plan: drafted
        ? {
            id: planId,
            title: drafted.data.title,
            period: drafted.data.period,
            status: endorsed ? 'endorsed' : 'draft',
            endorsement: endorsed ? { endorsedBy: endorsed.data.endorsedBy, decisionRef: endorsed.data.decisionRef, endorsedOn: endorsed.data.endorsedOn } : null,
            amendments: amendments.length,
            events: prove(drafted, endorsed, ...amendments),
          }
        : null,
      activity,
      coFunding: coFundingEvents.map((c) => ({
        id: c.data.coFundingId,
        amount: c.data.amount,
        exchangeRate: c.data.exchangeRate ?? null,
        amountReporting: c.data.amountReporting,
        source: c.data.source,
        evidenceRef: c.data.evidenceRef,
        receivedOn: c.data.receivedOn,
        events: prove(c, ...evidenceEvents.filter((e) => e.data?.coFundingId === c.data.coFundingId)),
      })),
    };
  }

  /** Positions of the events that concern any of these entities, through the log's index of the entities events name. */
  private async positionsConcerning(entityIds: string[]): Promise<number[]> {
    const rows: { position: string }[] = await this.dataSource.query(entityPositionsSql('$1', '1', '$2'), [entityIds, Number.MAX_SAFE_INTEGER]);
    return rows.map((r) => Number(r.position));
  }
}
