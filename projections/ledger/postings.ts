import { fromJson, type MoneyJson } from '../../src/domain/shared/money.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';

/**
 * The fund-flow ledger and the impact rollups, as pure functions of one event and the facts recorded before it.
 *
 * Money moves between accounts in three books, each balanced on its own: every transfer posts +amount to the
 * receiving account and −amount to the giving one, so the legs of every event sum to zero (per book):
 *   budget      donor:<id> → programme:<id>                                  (ProgrammeRegistered: the agreed budget)
 *   commitment  programme → call:<id> → grant:<applicationId>, programme → facility:<id>
 *               (GrantCallOpened, GrantApproved; reversed by GrantRevoked and GrantCallClosed; FacilityAgreed)
 *   cash        donor → programme (FundsReceived); programme → grant|facility → municipality:<id> (DisbursementPaid);
 *               <source>:<municipalityId> → grant|facility|plan (CoFundingReceived; source local-budget, police-budget, other-source)
 * Amounts are bigint minor units of the programme's reporting currency (the events' *Reporting amounts).
 *
 * Impact entries are single-entry deltas of the report's counters (±1, ±amount) keyed by the municipality,
 * oblast and priority they count under, so a report is a grouped sum and a past report a sum up to a moment.
 */

export type Book = 'budget' | 'commitment' | 'cash';
/** What a transfer means for the fund-flow report. */
export type PostingKind = 'budget' | 'received' | 'reserved' | 'committed' | 'released' | 'disbursed' | 'paid-out' | 'co-funding';

export interface Leg {
  book: Book;
  account: string;
  counterAccount: string;
  kind: PostingKind;
  /** Signed minor units: + received by `account`, − given by it. */
  amount: bigint;
  programmeId: string;
  /** The municipality the transfer is attributed to ('' when none: programme-level money). */
  municipalityId: string;
}

export const IMPACT_COUNTS = [
  'plansEndorsed',
  'planAmendments',
  'grantsApproved',
  'grantsRejected',
  'facilitiesEstablished',
  'trainings',
  'trainingParticipants',
  'exchangeVisits',
  'directBeneficiaries',
  'indirectBeneficiaries',
] as const;
export const IMPACT_AMOUNTS = ['grantedAmount', 'coFundingPledged', 'coFundingReceived', 'disbursedAmount', 'localInvestment'] as const;
/** The contract's field order. */
export const IMPACT_FIELDS = [
  'plansEndorsed',
  'planAmendments',
  'grantsApproved',
  'grantsRejected',
  'grantedAmount',
  'coFundingPledged',
  'coFundingReceived',
  'disbursedAmount',
  'facilitiesEstablished',
  'localInvestment',
  'trainings',
  'trainingParticipants',
  'exchangeVisits',
  'directBeneficiaries',
  'indirectBeneficiaries',
] as const;
export type ImpactField = (typeof IMPACT_FIELDS)[number];
export const isAmountField = (f: string) => (IMPACT_AMOUNTS as readonly string[]).includes(f);

/** Where a figure counts: '' for "none" (a plan has no single priority, a programme-wide training no municipality). */
export interface Attribution {
  municipalityId: string;
  oblast: string;
  priority: string;
}

export interface ImpactDelta extends Attribution {
  programmeId: string;
  field: ImpactField;
  delta: bigint;
  /** The grant, facility, plan, result... the delta is about. */
  entityId: string;
}

/** Facts the ledger keeps about entities, so each event can be attributed without reading other read models. */
export type Fact =
  | { kind: 'programme'; currency: string; donorId: string; donorName: string; title: string }
  | { kind: 'municipality'; name: string; oblast: string }
  | ({ kind: 'plan'; programmeId: string } & Attribution)
  | { kind: 'call'; programmeId: string; closed: boolean }
  | ({ kind: 'grant'; programmeId: string; callId: string; pledged: string; approved: string | null; status: string } & Attribution)
  | ({ kind: 'facility'; programmeId: string } & Attribution)
  | ({ kind: 'disbursement'; programmeId: string; targetKind: string; targetId: string; amount: string } & Attribution)
  | ({ kind: 'result'; programmeId: string; resultKind: string; participants: number; direct: number; indirect: number; retracted: boolean } & Attribution);

export const factKey = (kind: Fact['kind'], id: string) => `${kind}:${id}`;

export interface Entries {
  legs: Leg[];
  impact: ImpactDelta[];
  /** Facts to store (by key) after this event. */
  facts: Map<string, Fact>;
  /** The programme an event registers (for the programmes table). */
  programme?: { id: string; currency: string; donorId: string; donorName: string; title: string };
}

/** The fact keys an event needs to be posted (read before the batch, so one query serves a whole batch). */
export function factKeysFor(event: RecordedEvent): string[] {
  const d = event.data ?? {};
  switch (event.type) {
    case 'FundsReceived':
      return [factKey('programme', d.programmeId)];
    case 'PlanDrafted':
    case 'ApplicationSubmitted':
    case 'FacilityAgreed':
      return [factKey('municipality', d.municipalityId)];
    case 'PlanEndorsed':
    case 'PlanAmended':
      return [factKey('plan', d.planId)];
    case 'GrantCallClosed':
      return [factKey('call', d.grantCallId)];
    case 'GrantApproved':
    case 'GrantRejected':
    case 'GrantRevoked':
      return [factKey('grant', d.applicationId), factKey('call', d.grantCallId)];
    case 'FacilityEstablished':
      return [factKey('facility', d.facilityId)];
    case 'DisbursementRequested':
      return [factKey(d.target?.kind === 'facility' ? 'facility' : 'grant', d.target?.id)];
    case 'DisbursementPaid':
      return [factKey('disbursement', d.disbursementId)];
    case 'CoFundingReceived':
      return [factKey(d.target?.kind === 'facility' ? 'facility' : d.target?.kind === 'plan' ? 'plan' : 'grant', d.target?.id)];
    case 'ResultRecorded':
      return [d.grantId ? factKey('grant', d.grantId) : null, d.municipalityId ? factKey('municipality', d.municipalityId) : null].filter((k): k is string => k !== null);
    case 'ResultRetracted':
      return [factKey('result', d.resultId)];
    default:
      return [];
  }
}

/** The event types the ledger posts or learns facts from. */
export const LEDGER_EVENT_TYPES = [
  'ProgrammeRegistered',
  'FundsReceived',
  'MunicipalityRegistered',
  'PlanDrafted',
  'PlanEndorsed',
  'PlanAmended',
  'GrantCallOpened',
  'GrantCallClosed',
  'ApplicationSubmitted',
  'GrantApproved',
  'GrantRejected',
  'GrantRevoked',
  'FacilityAgreed',
  'FacilityEstablished',
  'DisbursementRequested',
  'DisbursementPaid',
  'CoFundingReceived',
  'ResultRecorded',
  'ResultRetracted',
] as const;

const minorOf = (m: MoneyJson | undefined | null): bigint => (m ? fromJson(m).minor : 0n);
const NONE: Attribution = { municipalityId: '', oblast: '', priority: '' };
const nat = (n: unknown): number => (typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0);

/**
 * The legs and impact deltas of one event. `facts` holds what earlier events taught (looked up by factKey);
 * an event about an entity the ledger never saw registered posts nothing rather than guessing.
 */
export function entriesFor(event: RecordedEvent, facts: { get(key: string): Fact | undefined }): Entries {
  const d = event.data ?? {};
  const out: Entries = { legs: [], impact: [], facts: new Map() };
  const fact = <K extends Fact['kind']>(kind: K, id: unknown): Extract<Fact, { kind: K }> | undefined => {
    if (typeof id !== 'string') return undefined;
    const f = out.facts.get(factKey(kind, id)) ?? facts.get(factKey(kind, id));
    return f && f.kind === kind ? (f as Extract<Fact, { kind: K }>) : undefined;
  };
  const transfer = (book: Book, kind: PostingKind, programmeId: string, from: string, to: string, amount: bigint, municipalityId = '') => {
    if (amount === 0n) return;
    out.legs.push({ book, kind, programmeId, municipalityId, account: to, counterAccount: from, amount });
    out.legs.push({ book, kind, programmeId, municipalityId, account: from, counterAccount: to, amount: -amount });
  };
  const count = (programmeId: string, field: ImpactField, delta: bigint, at: Attribution, entityId: string) => {
    if (delta === 0n) return;
    out.impact.push({ programmeId, field, delta, entityId, municipalityId: at.municipalityId, oblast: at.oblast, priority: at.priority });
  };
  const place = (municipalityId: unknown): Attribution => {
    const m = fact('municipality', municipalityId);
    return typeof municipalityId === 'string' && municipalityId ? { municipalityId, oblast: m?.oblast ?? '', priority: '' } : NONE;
  };
  const programmeAccount = (id: string) => `programme:${id}`;

  switch (event.type) {
    case 'MunicipalityRegistered':
      out.facts.set(factKey('municipality', d.municipalityId), { kind: 'municipality', name: d.name, oblast: d.oblast });
      break;

    case 'ProgrammeRegistered': {
      const currency = d.budgetReporting?.currency ?? d.reportingCurrency;
      out.facts.set(factKey('programme', d.programmeId), { kind: 'programme', currency, donorId: d.donor.id, donorName: d.donor.name, title: d.title });
      out.programme = { id: d.programmeId, currency, donorId: d.donor.id, donorName: d.donor.name, title: d.title };
      transfer('budget', 'budget', d.programmeId, `donor:${d.donor.id}`, programmeAccount(d.programmeId), minorOf(d.budgetReporting));
      break;
    }

    case 'FundsReceived': {
      const programme = fact('programme', d.programmeId);
      if (!programme) break;
      transfer('cash', 'received', d.programmeId, `donor:${programme.donorId}`, programmeAccount(d.programmeId), minorOf(d.amountReporting));
      break;
    }

    case 'PlanDrafted': {
      const at = place(d.municipalityId);
      out.facts.set(factKey('plan', d.planId), { kind: 'plan', programmeId: d.programmeId, ...at });
      break;
    }
    case 'PlanEndorsed': {
      const plan = fact('plan', d.planId);
      if (plan) count(plan.programmeId, 'plansEndorsed', 1n, plan, d.planId);
      break;
    }
    case 'PlanAmended': {
      const plan = fact('plan', d.planId);
      if (plan) count(plan.programmeId, 'planAmendments', 1n, plan, d.planId);
      break;
    }

    case 'GrantCallOpened':
      out.facts.set(factKey('call', d.grantCallId), { kind: 'call', programmeId: d.programmeId, closed: false });
      transfer('commitment', 'reserved', d.programmeId, programmeAccount(d.programmeId), `call:${d.grantCallId}`, minorOf(d.envelopeReporting));
      break;
    case 'GrantCallClosed': {
      const call = fact('call', d.grantCallId);
      if (!call) break;
      out.facts.set(factKey('call', d.grantCallId), { ...call, closed: true });
      transfer('commitment', 'released', call.programmeId, `call:${d.grantCallId}`, programmeAccount(call.programmeId), minorOf(d.released));
      break;
    }

    case 'ApplicationSubmitted': {
      const at = { ...place(d.municipalityId), priority: d.priority ?? '' };
      out.facts.set(factKey('grant', d.applicationId), {
        kind: 'grant',
        programmeId: d.programmeId,
        callId: d.grantCallId,
        pledged: String(minorOf(d.coFundingPledgedReporting)),
        approved: null,
        status: 'submitted',
        ...at,
      });
      break;
    }
    case 'GrantApproved': {
      const grant = fact('grant', d.applicationId);
      if (!grant) break;
      const approved = minorOf(d.approvedReporting);
      const call = `call:${d.grantCallId}`;
      // Approved after its call closed: the amount comes back from the budget through the call.
      if (fact('call', d.grantCallId)?.closed) transfer('commitment', 'reserved', grant.programmeId, programmeAccount(grant.programmeId), call, approved, grant.municipalityId);
      transfer('commitment', 'committed', grant.programmeId, call, `grant:${d.applicationId}`, approved, grant.municipalityId);
      out.facts.set(factKey('grant', d.applicationId), { ...grant, approved: String(approved), status: 'approved' });
      count(grant.programmeId, 'grantsApproved', 1n, grant, d.applicationId);
      count(grant.programmeId, 'grantedAmount', approved, grant, d.applicationId);
      count(grant.programmeId, 'coFundingPledged', BigInt(grant.pledged), grant, d.applicationId);
      break;
    }
    case 'GrantRejected': {
      const grant = fact('grant', d.applicationId);
      if (!grant) break;
      out.facts.set(factKey('grant', d.applicationId), { ...grant, status: 'rejected' });
      count(grant.programmeId, 'grantsRejected', 1n, grant, d.applicationId);
      break;
    }
    case 'GrantRevoked': {
      const grant = fact('grant', d.applicationId);
      if (!grant || grant.status !== 'approved') break;
      const amount = BigInt(grant.approved ?? '0');
      const call = `call:${d.grantCallId}`;
      transfer('commitment', 'committed', grant.programmeId, `grant:${d.applicationId}`, call, amount, grant.municipalityId);
      // A closed call has given its envelope back already: the revoked grant goes back to the budget too.
      if (fact('call', d.grantCallId)?.closed) transfer('commitment', 'released', grant.programmeId, call, programmeAccount(grant.programmeId), amount, grant.municipalityId);
      out.facts.set(factKey('grant', d.applicationId), { ...grant, status: 'revoked' });
      count(grant.programmeId, 'grantsApproved', -1n, grant, d.applicationId);
      count(grant.programmeId, 'grantedAmount', -amount, grant, d.applicationId);
      count(grant.programmeId, 'coFundingPledged', -BigInt(grant.pledged), grant, d.applicationId);
      break;
    }

    case 'FacilityAgreed': {
      const at = place(d.municipalityId);
      out.facts.set(factKey('facility', d.facilityId), { kind: 'facility', programmeId: d.programmeId, ...at });
      transfer('commitment', 'committed', d.programmeId, programmeAccount(d.programmeId), `facility:${d.facilityId}`, minorOf(d.programmeShare), at.municipalityId);
      break;
    }
    case 'FacilityEstablished': {
      const facility = fact('facility', d.facilityId);
      if (facility) count(facility.programmeId, 'facilitiesEstablished', 1n, facility, d.facilityId);
      break;
    }

    case 'DisbursementRequested': {
      const kind = d.target?.kind === 'facility' ? 'facility' : 'grant';
      const target = fact(kind, d.target?.id);
      const at: Attribution = target ? { municipalityId: target.municipalityId, oblast: target.oblast, priority: target.priority } : NONE;
      out.facts.set(factKey('disbursement', d.disbursementId), {
        kind: 'disbursement',
        programmeId: d.programmeId,
        targetKind: kind,
        targetId: d.target?.id,
        amount: String(minorOf(d.amountReporting)),
        ...at,
      });
      break;
    }
    case 'DisbursementPaid': {
      const disbursement = fact('disbursement', d.disbursementId);
      if (!disbursement) break;
      const amount = BigInt(disbursement.amount);
      const target = `${disbursement.targetKind}:${disbursement.targetId}`;
      transfer('cash', 'disbursed', disbursement.programmeId, programmeAccount(disbursement.programmeId), target, amount, disbursement.municipalityId);
      if (disbursement.municipalityId) {
        transfer('cash', 'paid-out', disbursement.programmeId, target, `municipality:${disbursement.municipalityId}`, amount, disbursement.municipalityId);
      }
      count(disbursement.programmeId, 'disbursedAmount', amount, disbursement, disbursement.targetId);
      break;
    }

    case 'CoFundingReceived': {
      const kind = d.target?.kind === 'facility' ? 'facility' : d.target?.kind === 'plan' ? 'plan' : 'grant';
      const target = fact(kind, d.target?.id);
      const at: Attribution = target ? { municipalityId: target.municipalityId, oblast: target.oblast, priority: target.priority } : NONE;
      const amount = minorOf(d.amountReporting);
      const source = d.source === 'local-budget' || d.source === 'police-budget' ? d.source : 'other-source';
      const from = `${source}:${at.municipalityId || 'unknown'}`;
      transfer('cash', 'co-funding', d.programmeId, from, `${kind}:${d.target?.id}`, amount, at.municipalityId);
      // localInvestment: every co-funding received; coFundingReceived: only what matched grants.
      count(d.programmeId, 'localInvestment', amount, at, d.target?.id);
      if (kind === 'grant') count(d.programmeId, 'coFundingReceived', amount, at, d.target?.id);
      break;
    }

    case 'ResultRecorded': {
      const grant = d.grantId ? fact('grant', d.grantId) : undefined;
      const own = d.municipalityId ? place(d.municipalityId) : undefined;
      const at: Attribution = {
        municipalityId: own?.municipalityId ?? grant?.municipalityId ?? '',
        oblast: own?.oblast ?? grant?.oblast ?? '',
        priority: d.priority ?? grant?.priority ?? '',
      };
      const result: Extract<Fact, { kind: 'result' }> = {
        kind: 'result',
        programmeId: d.programmeId,
        resultKind: d.kind,
        participants: nat(d.participants),
        direct: nat(d.directBeneficiaries),
        indirect: nat(d.indirectBeneficiaries),
        retracted: false,
        ...at,
      };
      out.facts.set(factKey('result', d.resultId), result);
      out.impact.push(...resultDeltas(result, d.resultId, 1n));
      break;
    }
    case 'ResultRetracted': {
      const result = fact('result', d.resultId);
      if (!result || result.retracted) break;
      out.facts.set(factKey('result', d.resultId), { ...result, retracted: true });
      out.impact.push(...resultDeltas(result, d.resultId, -1n));
      break;
    }
  }
  return out;
}

function resultDeltas(r: Extract<Fact, { kind: 'result' }>, resultId: string, sign: bigint): ImpactDelta[] {
  const at = { programmeId: r.programmeId, entityId: resultId, municipalityId: r.municipalityId, oblast: r.oblast, priority: r.priority };
  const deltas: ImpactDelta[] = [];
  const add = (field: ImpactField, n: number | bigint) => {
    if (BigInt(n) !== 0n) deltas.push({ ...at, field, delta: sign * BigInt(n) });
  };
  if (r.resultKind === 'training') {
    add('trainings', 1n);
    add('trainingParticipants', r.participants);
  }
  if (r.resultKind === 'exchange-visit') add('exchangeVisits', 1n);
  add('directBeneficiaries', r.direct);
  add('indirectBeneficiaries', r.indirect);
  return deltas;
}
