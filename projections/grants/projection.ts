import type { EntityManager, ObjectLiteral } from 'typeorm';
import { add, fromJson, subtract, toJson, zero, type MoneyJson } from '../../src/domain/shared/money.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import type { RowCache } from '../runner/rows.js';
import { ApplicationRow, CoFundingRow, CommissionRow, DisbursementRow, GrantCallRow } from './entities.js';

type Entity = new () => ObjectLiteral;

/**
 * The rows of the grants tables, for the handlers: a handler may touch rows of several tables (a paid
 * disbursement adds to its grant's `disbursed`). Rows not loaded before the batch are loaded on first use.
 */
class Rows {
  constructor(
    private readonly em: EntityManager,
    private readonly cache: RowCache,
  ) {}

  get<T extends ObjectLiteral>(entity: new () => T, id: string): Promise<T | undefined> {
    return this.cache.fetch(this.em, entity, id);
  }

  /** A row already loaded (or put), without loading it. */
  peek<T extends ObjectLiteral>(entity: new () => T, id: string): T | undefined {
    return this.cache.get(entity, id);
  }

  prefetch(entity: Entity, ids: Iterable<string | undefined>): Promise<void> {
    return this.cache.load(this.em, entity, ids);
  }

  put<T extends ObjectLiteral & { id: string }>(entity: new () => T, row: T): void {
    this.cache.put(entity, row);
  }

  /** The row a stream's first event makes: new, so never looked up (it goes with the new rows). */
  create<T extends ObjectLiteral & { id: string }>(entity: new () => T, row: T): void {
    this.cache.add(entity, row);
  }
}

const plus = (a: MoneyJson, b: MoneyJson) => toJson(add(fromJson(a), fromJson(b)));
const minus = (a: MoneyJson, b: MoneyJson) => toJson(subtract(fromJson(a), fromJson(b)));
const none = (currency: string) => toJson(zero(currency));

/** Updates a row of the event's own stream: its version follows the stream. */
async function update<T extends ObjectLiteral & { id: string; version: number }>(
  rows: Rows,
  entity: new () => T,
  id: string,
  event: RecordedEvent,
  change: (row: T) => Partial<T>,
): Promise<void> {
  const row = await rows.get(entity, id);
  if (!row) return; // a stream whose first event this generation never saw: nothing to update
  // Changed in place: the row is the cache's own (a batch that fails leaves its cache behind), and copying
  // every field of a wide row per event was the dearest line of this projection in a rebuild.
  Object.assign(row, change(row)).version = event.streamVersion;
  rows.put(entity, row);
}

type Handler = (event: RecordedEvent, rows: Rows) => Promise<void>;

/** For every event type, what it does to the grants read models. */
const on: Record<string, Handler> = {
  async CommissionConstituted(e, rows) {
    const d = e.data;
    rows.create(CommissionRow, {
      id: d.commissionId, version: e.streamVersion, status: 'constituted', programmeId: d.programmeId, name: d.name, quorum: d.quorum, members: d.members, constitutedAt: e.recordedAt,
    });
  },

  async GrantCallOpened(e, rows) {
    const d = e.data;
    rows.create(GrantCallRow, {
      id: d.grantCallId, version: e.streamVersion, status: 'open', programmeId: d.programmeId, commissionId: d.commissionId, title: d.title,
      envelope: d.envelope, exchangeRate: d.exchangeRate, envelopeReporting: d.envelopeReporting, minCoFundingRatio: d.minCoFundingRatio, closesOn: d.closesOn,
      approvedTotal: none(d.envelopeReporting.currency), remaining: d.envelopeReporting, released: null, applications: 0,
      openedAt: e.recordedAt, closedOn: null, closedAt: null,
    });
  },
  async EnvelopeDrawn(e, rows) {
    await update(rows, GrantCallRow, e.data.grantCallId, e, (c) => ({ approvedTotal: plus(c.approvedTotal, e.data.amount), remaining: minus(c.remaining, e.data.amount) }));
  },
  async EnvelopeReturned(e, rows) {
    await update(rows, GrantCallRow, e.data.grantCallId, e, (c) => ({ approvedTotal: minus(c.approvedTotal, e.data.amount), remaining: plus(c.remaining, e.data.amount) }));
  },
  async GrantCallClosed(e, rows) {
    await update(rows, GrantCallRow, e.data.grantCallId, e, () => ({ status: 'closed', released: e.data.released, closedOn: e.data.closedOn, closedAt: e.recordedAt }));
  },

  async ApplicationSubmitted(e, rows) {
    const d = e.data;
    const currency = d.requestedReporting.currency;
    rows.create(ApplicationRow, {
      id: d.applicationId, version: e.streamVersion, status: 'submitted', grantCallId: d.grantCallId, programmeId: d.programmeId, commissionId: d.commissionId,
      applicant: d.applicant, municipalityId: d.municipalityId, planId: d.planId, activityId: d.activityId, title: d.title, priority: d.priority,
      requested: d.requested, pledged: d.coFundingPledged, exchangeRate: d.exchangeRate, requestedReporting: d.requestedReporting, pledgedReporting: d.coFundingPledgedReporting,
      approved: null, approvedReporting: null, received: none(currency), disbursed: none(currency),
      recusedMembers: [], scores: [], decision: null, revocation: null, submittedOn: d.submittedOn, submittedAt: e.recordedAt,
      contactPerson: d.contactPerson ?? null,
    });
    // The call's count of applications is not a change of the call's stream: its version stays.
    const call = await rows.get(GrantCallRow, d.grantCallId);
    if (call) rows.put(GrantCallRow, { ...call, applications: call.applications + 1 });
  },
  async ConflictDeclared(e, rows) {
    await update(rows, ApplicationRow, e.data.applicationId, e, (a) => ({
      recusedMembers: [...a.recusedMembers.filter((m) => m.memberId !== e.data.memberId), { memberId: e.data.memberId, reason: e.data.reason, declaredAt: e.recordedAt }],
    }));
  },
  async ApplicationScored(e, rows) {
    await update(rows, ApplicationRow, e.data.applicationId, e, (a) => ({
      scores: [...a.scores.filter((s) => s.memberId !== e.data.memberId), { memberId: e.data.memberId, score: e.data.score, comment: e.data.comment, scoredAt: e.recordedAt }],
    }));
  },
  async GrantApproved(e, rows) {
    const d = e.data;
    await update(rows, ApplicationRow, d.applicationId, e, () => ({
      status: 'approved', approved: d.approvedAmount, approvedReporting: d.approvedReporting,
      decision: { outcome: 'approved' as const, approvedAmount: d.approvedAmount, approvedReporting: d.approvedReporting, votes: d.votes, tally: tally(d.votes), minutesRef: d.minutesRef, reason: d.reason, decidedBy: d.decidedBy, decidedAt: e.recordedAt },
    }));
  },
  async GrantRejected(e, rows) {
    const d = e.data;
    await update(rows, ApplicationRow, d.applicationId, e, () => ({
      status: 'rejected',
      decision: { outcome: 'rejected' as const, approvedAmount: null, approvedReporting: null, votes: d.votes, tally: tally(d.votes), minutesRef: d.minutesRef, reason: d.reason, decidedBy: d.decidedBy, decidedAt: e.recordedAt },
    }));
  },
  async GrantRevoked(e, rows) {
    const d = e.data;
    await update(rows, ApplicationRow, d.applicationId, e, () => ({
      status: 'revoked', revocation: { reason: d.reason, minutesRef: d.minutesRef, revokedBy: d.revokedBy, revokedAt: e.recordedAt },
    }));
  },

  async DisbursementRequested(e, rows) {
    const d = e.data;
    rows.create(DisbursementRow, {
      id: d.disbursementId, version: e.streamVersion, status: 'requested', programmeId: d.programmeId, target: d.target, amount: d.amount, exchangeRate: d.exchangeRate,
      amountReporting: d.amountReporting, purpose: d.purpose, requestedBy: d.requestedBy, requestedAt: e.recordedAt,
      approvedBy: null, approvedAt: null, paidOn: null, bankReference: null, paidBy: null, cancelledBy: null, cancelReason: null, cancelledAt: null,
    });
  },
  async DisbursementApproved(e, rows) {
    await update(rows, DisbursementRow, e.data.disbursementId, e, () => ({ status: 'approved', approvedBy: e.data.approvedBy, approvedAt: e.recordedAt }));
  },
  async DisbursementPaid(e, rows) {
    await update(rows, DisbursementRow, e.data.disbursementId, e, () => ({ status: 'paid', paidOn: e.data.paidOn, bankReference: e.data.bankReference, paidBy: e.data.paidBy }));
    const disbursement = await rows.get(DisbursementRow, e.data.disbursementId);
    if (disbursement?.target.kind === 'grant') {
      const grant = await rows.get(ApplicationRow, disbursement.target.id);
      if (grant) rows.put(ApplicationRow, { ...grant, disbursed: plus(grant.disbursed, disbursement.amountReporting) });
    }
  },
  async DisbursementCancelled(e, rows) {
    await update(rows, DisbursementRow, e.data.disbursementId, e, () => ({ status: 'cancelled', cancelledBy: e.data.cancelledBy, cancelReason: e.data.reason, cancelledAt: e.recordedAt }));
  },

  async CoFundingReceived(e, rows) {
    const d = e.data;
    rows.create(CoFundingRow, {
      id: d.coFundingId, version: e.streamVersion, status: 'received', programmeId: d.programmeId, target: d.target, amount: d.amount, exchangeRate: d.exchangeRate,
      amountReporting: d.amountReporting, source: d.source, evidenceRef: d.evidenceRef, receivedOn: d.receivedOn, recordedAt: e.recordedAt,
    });
    if (d.target.kind === 'grant') {
      const grant = await rows.get(ApplicationRow, d.target.id);
      if (grant) rows.put(ApplicationRow, { ...grant, received: plus(grant.received, d.amountReporting) });
    }
  },
};

function tally(votes: { vote: string }[]): { for: number; against: number; abstain: number } {
  return {
    for: votes.filter((v) => v.vote === 'for').length,
    against: votes.filter((v) => v.vote === 'against').length,
    abstain: votes.filter((v) => v.vote === 'abstain').length,
  };
}

export const grantsProjection: Projection = {
  name: 'grants',
  version: 2, // 2: documents are json (kept as written), no longer jsonb
  entities: [CommissionRow, GrantCallRow, ApplicationRow, DisbursementRow, CoFundingRow],
  handles: Object.keys(on),
  async apply(events, batch) {
    const rows = new Rows(batch.em, batch.rows);
    // The rows the batch's events touch, but not those its first events of streams make (`create`).
    const touched = (makes: string, id: (d: Record<string, any>) => string | undefined) => events.map((e) => (e.type === makes ? undefined : id(e.data)));
    await rows.prefetch(GrantCallRow, touched('GrantCallOpened', (d) => d.grantCallId));
    await rows.prefetch(DisbursementRow, touched('DisbursementRequested', (d) => d.disbursementId));
    // A payment adds to its grant, which only the disbursement's row names (or the request in this batch).
    const grantOf = (d: Record<string, any>) => {
      const target = d.target ?? (d.disbursementId ? rows.peek(DisbursementRow, d.disbursementId)?.target : undefined);
      return target?.kind === 'grant' ? target.id : undefined;
    };
    await rows.prefetch(ApplicationRow, touched('ApplicationSubmitted', (d) => d.applicationId ?? grantOf(d)));
    for (const event of events) await on[event.type]?.(event, rows);
  },
};
