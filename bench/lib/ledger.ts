import type { Actor } from '../../src/domain/shared/decider.js';
import { shareCost } from '../../src/domain/facility/decider.js';
import { parseDecimal } from '../../src/domain/shared/decimal.js';
import { add, money, multiply, toJson, zero, type ExchangeRate, type Money } from '../../src/domain/shared/money.js';
import { inReportingCurrency } from '../../src/domain/shared/reporting.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { declareConflict, recordDecision, revokeGrant, scoreApplication, submitApplication, applicationStream } from '../../src/write/applications.js';
import { recordCoFunding, coFundingStream, evidenceStream } from '../../src/write/co-funding.js';
import type { CommandContext, CommandResult } from '../../src/write/command-bus.js';
import { constituteCommission, commissionStream } from '../../src/write/commissions.js';
import { approveDisbursement, payDisbursement, requestDisbursement, cancelDisbursement, disbursementStream } from '../../src/write/disbursements.js';
import { agreeFacility, completeFacility, facilityStream } from '../../src/write/facilities.js';
import { closeGrantCall, openGrantCall, grantCallStream } from '../../src/write/grant-calls.js';
import { registerMunicipality } from '../../src/write/municipalities.js';
import { amendPlan, draftPlan, endorsePlan, planStream } from '../../src/write/plans.js';
import { recordFundsReceived, registerProgramme, programmeStream } from '../../src/write/programmes.js';
import { recordResult, retractResult, resultStream } from '../../src/write/results.js';
import { awardStreamId } from '../../src/domain/award/decider.js';
import { MemoryEventStore, packAppends } from './memory-store.js';
import { Rng } from './prng.js';

/**
 * The ledger generator. Every event comes out of the real write handlers (src/write/*.ts), which load their
 * streams, call the domain's deciders and append, exactly as the HTTP command path does; they run against an
 * in-memory store, and what they append is written to PostgreSQL through the target store's appendMulti in
 * batches (same types, shapes, stream ids, metadata; only event ids, recordedAt and the handlers' own clock,
 * e.g. an application's submittedOn, differ between runs).
 *
 * The ledger: a pool of hundreds of municipalities, then programmes one after another (up to `concurrency`
 * of them interleaved, command by command, in a fixed order): each with funds received (USD, some in KGS),
 * a grants commission, a local plan per municipality it covers (most endorsed, some amended), co-funded
 * police/LCPC facilities, grant calls with applications, conflicts, scores, decisions, revocations, co-funding
 * in USD and KGS, disbursements (requested, approved, paid; a few cancelled) and results (some retracted).
 */

export interface GenerateOptions {
  /** Target number of events (the ledger ends within one programme's worth above it, never below). */
  events: number;
  seed: number;
  /** Prefix of every generated id, so ledgers of several seeds or runs can share a database. */
  prefix?: string;
  /** Programmes generated side by side (interleaving makes the batches wider). */
  concurrency?: number;
  /** Events per appendMulti call at most. */
  batchEvents?: number;
  log?: (line: string) => void;
}

export interface GenerateSummary {
  events: number;
  commands: number;
  programmes: number;
  municipalities: number;
  appendCalls: number;
  seconds: number;
}

type Step = () => Promise<CommandResult>;

const OBLASTS: [string, string[]][] = [
  ['Osh', ['Nookat district', 'Kara-Suu district', 'Uzgen district', 'Kara-Kulja district', 'Aravan district', 'Alai district']],
  ['Jalal-Abad', ['Suzak district', 'Aksy district', 'Ala-Buka district', 'Bazar-Korgon district', 'Nooken district']],
  ['Batken', ['Kadamjai district', 'Leilek district', 'Batken district']],
  ['Talas', ['Kara-Buura district', 'Bakai-Ata district', 'Talas district']],
  ['Naryn', ['Jumgal district', 'Kochkor district', 'At-Bashy district']],
  ['Issyk-Kul', ['Jeti-Oguz district', 'Ton district', 'Tup district', 'Ak-Suu district']],
  ['Chui', ['Alamedin district', 'Sokuluk district', 'Moskva district', 'Ysyk-Ata district']],
  ['Bishkek', []],
];
const SYLLABLES = ['ak', 'kara', 'kyzyl', 'sary', 'jan', 'bai', 'tash', 'suu', 'bulak', 'kol', 'tuu', 'ata', 'bek', 'nur', 'ozon', 'chek', 'mai', 'kun', 'jer', 'tal', 'say', 'ar', 'oy', 'kan'];
const KINDS = ['aiyl-aimak', 'aiyl-aimak', 'aiyl-aimak', 'village', 'town', 'city', 'city-district', 'district'] as const;
const PRIORITIES = [
  'road safety',
  'violent extremism and radicalisation',
  'domestic and family violence',
  'early marriages',
  'cattle theft',
  'juvenile delinquency',
  'inter-ethnic and border conflicts',
  'school racketeering',
  'bullying and suicides',
  'violence against women and children',
  'drug abuse',
  'street lighting and public spaces',
];
const DONORS = [
  { id: 'us-inl', name: 'US State Department, Bureau for International Narcotics and Law Enforcement Affairs (INL)' },
  { id: 'un-pbf', name: 'UN Peace Building Fund' },
  { id: 'eu-ifs', name: 'European Union, Instrument contributing to Stability and Peace' },
  { id: 'sdc', name: 'Swiss Agency for Development and Cooperation' },
  { id: 'giz', name: 'Deutsche Gesellschaft für Internationale Zusammenarbeit' },
];
const NBKR = (year: number): ExchangeRate => ({ rate: ['0.0145', '0.0143', '0.0118', '0.0115', '0.0114'][year % 5], date: `${year}-01-15`, source: 'NBKR' });

const officer: Actor = { id: 'bench-officer', roles: ['programme-officer'] };
const admin: Actor = { id: 'bench-admin', roles: ['admin'] };
const finance: Actor = { id: 'bench-finance', roles: ['finance-officer'] };

const usd = (cents: number) => money((cents / 100).toFixed(2), 'USD');
const kgs = (tyiyn: number) => money((tyiyn / 100).toFixed(2), 'KGS');

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A business date `days` after 1 January of `year`. */
function dateIn(year: number, days: number): string {
  return new Date(Date.UTC(year, 0, 1 + days)).toISOString().slice(0, 10);
}

interface Municipality {
  id: string;
  name: string;
  oblast: string;
}

/** The context the command path builds for a request (CommandExecutor): actor, a correlation id, the reason. */
function context(rng: Rng, actor: Actor, reason?: string | null): CommandContext {
  return { actor: { id: actor.id, roles: actor.roles }, correlationId: rng.uuid(), causationId: null, reason: reason ?? null };
}

/** One programme's life as a sequence of commands; also the streams it alone touches (forgotten when it ends). */
function* programmeScript(store: EventStore, rng: Rng, prefix: string, index: number, pool: Municipality[], size: number, own: Set<string>): Generator<Step> {
  const P = `${prefix}p${index}`;
  const year = 2024 + (index % 3);
  const reporting = 'USD';
  const rate = NBKR(year);
  const today = new Date().toISOString().slice(0, 10);
  const covered = rng.sample(pool, size);
  own.add(programmeStream(P));

  // --- plans (drafted and endorsed before anything else needs them)
  interface PlanInfo { id: string; m: Municipality; priorities: string[]; activities: { id: string; priority: string }[]; endorsed: boolean; nextActivity: number }
  const plans: PlanInfo[] = covered.map((m, i) => {
    const priorities = rng.sample(PRIORITIES, rng.int(2, 4));
    return { id: `${P}-plan${i}`, m, priorities, activities: priorities.map((priority, j) => ({ id: `a${j + 1}`, priority })), endorsed: rng.chance(0.85), nextActivity: priorities.length + 1 };
  });
  const endorsedPlans = plans.filter((p) => p.endorsed);

  // --- facilities: about one municipality in ten with an endorsed plan
  const facilities = endorsedPlans
    .filter(() => rng.chance(0.1))
    .map((p, i) => {
      const inKgs = rng.chance(0.4);
      const totalCost = inKgs ? kgs(rng.int(150_000, 400_000) * 1000) : usd(rng.int(30_000, 80_000) * 100);
      const localShareRatio = rng.pick(['0.5', '0.5', '0.4', '0']);
      const total = inReportingCurrency(totalCost, reporting, inKgs ? rate : null);
      const { programmeShare, localShare } = shareCost(total, localShareRatio);
      return { id: `${P}-fac${i}`, plan: p, totalCost, inKgs, localShareRatio, programmeShare, localShare, kind: rng.pick(['police-station', 'lcpc-office', 'police-and-lcpc'] as const) };
    });

  // --- grant calls and their applications
  interface App {
    id: string; plan: PlanInfo; activity: { id: string; priority: string }; inKgs: boolean; requested: Money; pledged: Money; requestedReporting: Money;
    recused: number | null; approved: boolean; approvedAmount: Money; revoked: boolean;
  }
  const members = Array.from({ length: 5 }, (_, j) => ({ id: `${P}-m${j + 1}`, name: `Member ${j + 1} of ${P}`, affiliation: rng.pick(['Government Administration', 'Ministry of Interior', 'civil society', 'independent expert', 'local self-government']) }));
  const calls = Array.from({ length: rng.int(1, 3) }, (_, c) => {
    const ratio = rng.pick(['0.5', '0.3', '0.25']);
    const apps: App[] = [];
    for (const plan of endorsedPlans) {
      if (!rng.chance(0.6)) continue;
      for (let k = rng.int(1, 2); k > 0; k--) {
        const activity = rng.pick(plan.activities);
        const inKgs = rng.chance(0.3);
        const requested = inKgs ? kgs(rng.int(150, 1000) * 1000_00) : usd(rng.int(20, 150) * 100_00);
        // pledged = requested × (ratio + 5..50 %), rounded up to whole units: above the ratio after any rounding.
        const factor = parseDecimal((Number(ratio) + rng.int(5, 50) / 100).toFixed(2), 'factor');
        const raw = multiply(requested, factor);
        const pledged = { minor: ((raw.minor + 99n) / 100n) * 100n, currency: requested.currency };
        const requestedReporting = inReportingCurrency(requested, reporting, inKgs ? rate : null);
        const approved = rng.chance(0.7);
        const approvedAmount = approved && rng.chance(0.3) ? { minor: (requested.minor * 9n) / 10n, currency: requested.currency } : requested;
        apps.push({
          id: `${P}-c${c}-app${apps.length}`, plan, activity, inKgs, requested, pledged, requestedReporting,
          recused: rng.chance(0.05) ? rng.int(0, 4) : null, approved, approvedAmount, revoked: approved && rng.chance(0.02),
        });
      }
    }
    const envelope = apps.reduce((s, a) => add(s, a.requestedReporting), zero(reporting));
    const closesOnSeeded = dateIn(year + 2, rng.int(60, 300));
    return { id: `${P}-call${c}`, ratio, apps, envelope: envelope.minor > 0n ? envelope : usd(1000_00), closesOn: closesOnSeeded >= today ? closesOnSeeded : dateIn(Number(today.slice(0, 4)) + 1, 180) };
  });
  const envelopes = calls.reduce((s, c) => add(s, c.envelope), zero(reporting));
  const shares = facilities.reduce((s, f) => add(s, f.programmeShare), zero(reporting));
  const committed = add(envelopes, shares);
  const budget = { minor: ((committed.minor * 11n) / 10n / 100_000_00n + 1n) * 100_000_00n, currency: reporting };

  // 1. the programme, its money, its commission
  const implementerName = rng.pick(['UNODC', 'UNODC with the Foundation for Tolerance International', 'UNDP', null]);
  const implementer = implementerName ? { implementer: implementerName } : {};
  yield () =>
    registerProgramme(store, context(rng, admin), {
      programmeId: P,
      title: `Crime prevention in local communities, phase ${index + 1}`,
      donor: rng.pick(DONORS),
      budget,
      startDate: `${year}-01-01`,
      endDate: `${year + 3}-12-31`,
      ...implementer,
      exchangeRate: null,
    });
  const tranches = rng.int(2, 3);
  for (let t = 0; t < tranches; t++) {
    const inKgs = t === 1 && rng.chance(0.3);
    const part = budget.minor / BigInt(tranches);
    const amount = inKgs ? { minor: part * 100n, currency: 'KGS' } : { minor: part, currency: reporting };
    yield () =>
      recordFundsReceived(store, context(rng, officer), {
        programmeId: P,
        amount,
        exchangeRate: inKgs ? { rate: '0.01', date: `${year + t}-02-01`, source: 'NBKR' } : null,
        receivedOn: dateIn(year + t, rng.int(30, 80)),
        reference: `${P} tranche ${t + 1}`,
      });
  }
  own.add(commissionStream(`${P}-com`));
  yield () => constituteCommission(store, context(rng, officer), { commissionId: `${P}-com`, programmeId: P, name: `Grants commission of ${P}`, quorum: 3, members });

  // 2. plans: drafted, endorsed, amended
  for (const plan of plans) {
    own.add(planStream(plan.id));
    yield () =>
      draftPlan(store, context(rng, officer), {
        planId: plan.id,
        programmeId: P,
        municipalityId: plan.m.id,
        title: `${plan.m.name} local crime prevention plan ${year}-${year + 2}`,
        period: { from: `${year}-01-01`, to: `${year + 2}-12-31` },
        priorities: plan.priorities,
        activities: plan.activities.map((a, j) => ({
          id: a.id,
          title: `${a.priority[0].toUpperCase()}${a.priority.slice(1)}: measures of the local plan`,
          priority: a.priority,
          budget: j === 0 ? kgs(rng.int(100, 900) * 1000_00) : rng.chance(0.5) ? usd(rng.int(5, 60) * 1000_00) : null,
          fundingSource: j === 0 ? 'local-budget' : rng.pick(['programme', 'programme', 'other'] as const),
        })),
      });
  }
  for (const plan of endorsedPlans) {
    const endorsedOn = dateIn(year, rng.int(20, 200));
    yield () =>
      endorsePlan(store, context(rng, officer), { planId: plan.id, endorsedBy: `${plan.m.name} local council (kenesh)`, decisionRef: `Decision No. ${rng.int(1, 60)}/${year}`, endorsedOn });
  }
  for (const plan of plans) {
    if (!rng.chance(0.3)) continue;
    for (let k = rng.int(1, 2); k > 0; k--) {
      const priority = PRIORITIES.find((p) => !plan.priorities.includes(p));
      const reason = rng.pick(['the public-safety survey ranked a new problem first', 'the council revised the plan after the mid-term review', 'budget lines updated after the council session']);
      const decisionRef = plan.endorsed || rng.chance(0.5) ? `Decision No. ${rng.int(1, 60)}/${year + 1}` : null;
      if (priority && rng.chance(0.6)) {
        plan.priorities.push(priority);
        const id = `a${plan.nextActivity++}`;
        plan.activities.push({ id, priority });
        const budget = kgs(rng.int(100, 500) * 1000_00);
        yield () =>
          amendPlan(store, context(rng, officer, reason), {
            planId: plan.id, reason, decisionRef, addPriorities: [priority],
            addActivities: [{ id, title: `${priority[0].toUpperCase()}${priority.slice(1)}: new measures`, priority, budget, fundingSource: 'local-budget' }],
          });
      } else {
        const activity = rng.pick(plan.activities);
        const budget = usd(rng.int(5, 60) * 1000_00);
        yield () => amendPlan(store, context(rng, officer, reason), { planId: plan.id, reason, decisionRef, changeActivities: [{ id: activity.id, budget }] });
      }
    }
  }

  // 3. facilities agreed (reserving the programme share)
  for (const f of facilities) {
    own.add(facilityStream(f.id));
    own.add(awardStreamId('facility', f.id));
    yield () =>
      agreeFacility(store, context(rng, officer), {
        facilityId: f.id, programmeId: P, municipalityId: f.plan.m.id, kind: f.kind,
        title: `${f.kind === 'lcpc-office' ? 'LCPC office' : f.kind === 'police-station' ? 'Police station' : 'Police and LCPC under one roof'} in ${f.plan.m.name}`,
        totalCost: f.totalCost, exchangeRate: f.inKgs ? rate : null, localShareRatio: f.localShareRatio,
      });
  }

  // 4. grant calls: open, applications, conflicts, scores (member by member), decisions, close, revocations
  for (const call of calls) {
    own.add(grantCallStream(call.id));
    yield () =>
      openGrantCall(store, context(rng, officer), {
        grantCallId: call.id, programmeId: P, commissionId: `${P}-com`, title: `Small grants for local crime prevention plans, round ${call.id.slice(-1)}`,
        envelope: call.envelope, minCoFundingRatio: call.ratio, closesOn: call.closesOn,
      });
  }
  const allApps = calls.flatMap((call) => call.apps.map((app) => ({ call, app })));
  for (const { call, app } of allApps) {
    own.add(applicationStream(app.id));
    yield () =>
      submitApplication(store, context(rng, officer), {
        applicationId: app.id, grantCallId: call.id,
        applicant: { name: `${app.plan.m.name} ${rng.pick(['LCPC', 'Youth Initiative', 'school No. 1', "women's committee", 'Peace Initiative'])}`, type: rng.pick(['ngo', 'lcpc', 'local-institution'] as const) },
        municipalityId: app.plan.m.id, planId: app.plan.id, activityId: app.activity.id,
        title: `${app.activity.priority[0].toUpperCase()}${app.activity.priority.slice(1)} in ${app.plan.m.name}`,
        priority: app.activity.priority, requested: app.requested, coFundingPledged: app.pledged,
        exchangeRate: app.inKgs ? rate : undefined,
      });
  }
  for (const { app } of allApps) {
    if (app.recused === null) continue;
    const m = members[app.recused];
    yield () => declareConflict(store, context(rng, { id: m.id, roles: ['commission-member'] }, 'a relative works for the applicant'), { applicationId: app.id, actorId: m.id, reason: 'a relative works for the applicant' });
  }
  for (const [j, m] of members.entries()) {
    for (const { app } of allApps) {
      if (app.recused === j || rng.chance(0.1)) continue;
      const score = app.approved ? rng.int(60, 100) : rng.int(10, 60);
      yield () =>
        scoreApplication(store, context(rng, { id: m.id, roles: ['commission-member'] }), {
          applicationId: app.id, actorId: m.id, score, ...(rng.chance(0.3) ? { comment: rng.pick(['strong local ownership', 'budget needs detail', 'co-funding confirmed by the council', 'weak link to the plan']) } : {}),
        });
    }
  }
  for (const { app } of allApps) {
    const voters = members.filter((_, j) => j !== app.recused);
    const n = voters.length;
    const forCount = app.approved ? rng.int(Math.floor(n / 2) + 1, n) : rng.int(0, Math.floor((n - 1) / 2));
    const votes = voters.map((v, i) => ({ memberId: v.id, vote: (i < forCount ? 'for' : app.approved ? rng.pick(['against', 'abstain']) : 'against') as 'for' | 'against' | 'abstain' }));
    const reason = app.approved ? undefined : rng.pick(['the activity is not in the plan budget', 'co-funding not confirmed', 'outside the call priorities']);
    const caller = voters[0];
    yield () =>
      recordDecision(store, context(rng, { id: caller.id, roles: ['commission-member'] }, reason), {
        applicationId: app.id, actorId: caller.id, outcome: app.approved ? 'approved' : 'rejected',
        ...(app.approved ? { approvedAmount: app.approvedAmount } : {}),
        exchangeRate: undefined, votes, minutesRef: `Commission minutes ${year + 1}/${rng.int(1, 12)}`, ...(reason !== undefined ? { reason } : {}),
      });
  }
  for (const { app } of allApps) {
    if (!app.revoked) continue;
    const caller = members.find((_, j) => j !== app.recused)!;
    const reason = 'the grantee withdrew before the first payment';
    yield () => revokeGrant(store, context(rng, { id: caller.id, roles: ['commission-member'] }, reason), { applicationId: app.id, actorId: caller.id, reason, minutesRef: `Commission minutes ${year + 1}/${rng.int(1, 12)}` });
  }
  for (const call of calls) {
    yield () => closeGrantCall(store, context(rng, officer), { grantCallId: call.id });
  }

  // 5. money: co-funding, disbursements; facilities completed
  const granted = allApps.filter(({ app }) => app.approved && !app.revoked).map(({ app }) => app);
  for (const app of granted) {
    const id = `${app.id}-cf`;
    own.add(coFundingStream(id));
    own.add(evidenceStream(`${id} treasury order`));
    yield () =>
      recordCoFunding(store, context(rng, officer), {
        coFundingId: id, target: { kind: 'grant', id: app.id }, amount: app.pledged, exchangeRate: app.inKgs ? rate : undefined,
        source: rng.pick(['local-budget', 'local-budget', 'other'] as const), evidenceRef: `${id} treasury order`, receivedOn: dateIn(year + 1, rng.int(1, 300)),
      });
  }
  interface Payment { id: string; target: { kind: 'grant' | 'facility'; id: string }; amount: Money; rate: ExchangeRate | undefined; cancel: boolean; paidOn: string }
  const payments: Payment[] = [];
  for (const app of granted) {
    own.add(awardStreamId('grant', app.id));
    if (app.inKgs) {
      payments.push({ id: `${app.id}-d1`, target: { kind: 'grant', id: app.id }, amount: app.approvedAmount, rate, cancel: false, paidOn: dateIn(year + 1, rng.int(100, 360)) });
    } else {
      const first = (app.approvedAmount.minor * 6n) / 10n;
      payments.push({ id: `${app.id}-d1`, target: { kind: 'grant', id: app.id }, amount: { minor: first, currency: 'USD' }, rate: undefined, cancel: rng.chance(0.03), paidOn: dateIn(year + 1, rng.int(100, 200)) });
      payments.push({ id: `${app.id}-d2`, target: { kind: 'grant', id: app.id }, amount: { minor: app.approvedAmount.minor - first, currency: 'USD' }, rate: undefined, cancel: false, paidOn: dateIn(year + 1, rng.int(201, 360)) });
    }
  }
  for (const f of facilities) {
    payments.push({ id: `${f.id}-d1`, target: { kind: 'facility', id: f.id }, amount: f.programmeShare, rate: undefined, cancel: false, paidOn: dateIn(year + 1, rng.int(1, 360)) });
  }
  for (const p of payments) {
    own.add(disbursementStream(p.id));
    yield () =>
      requestDisbursement(store, context(rng, officer), {
        disbursementId: p.id, actorId: officer.id, target: p.target, amount: p.amount, exchangeRate: p.rate, purpose: p.target.kind === 'grant' ? 'grant tranche' : "programme's share of the works",
      });
  }
  for (const p of payments) {
    if (p.cancel) {
      const reason = 'bank details of the grantee changed';
      yield () => cancelDisbursement(store, context(rng, finance, reason), { disbursementId: p.id, actorId: finance.id, reason });
      continue;
    }
    yield () => approveDisbursement(store, context(rng, finance), { disbursementId: p.id, actorId: finance.id });
  }
  for (const [i, p] of payments.entries()) {
    if (p.cancel) continue;
    yield () => payDisbursement(store, context(rng, finance), { disbursementId: p.id, actorId: finance.id, paidOn: p.paidOn, bankReference: `RSK-${p.paidOn.slice(0, 4)}-${P}-${pad(i, 5)}` });
  }
  for (const f of facilities) {
    yield () => completeFacility(store, context(rng, officer), { facilityId: f.id, completedOn: dateIn(year + 1, rng.int(100, 360)) });
    if (f.localShare.minor > 0n) {
      const id = `${f.id}-cf`;
      own.add(coFundingStream(id));
      own.add(evidenceStream(`${id} payment order`));
      const amount = f.inKgs ? { minor: f.totalCost.minor / 2n, currency: 'KGS' } : f.localShare;
      yield () =>
        recordCoFunding(store, context(rng, officer), {
          coFundingId: id, target: { kind: 'facility', id: f.id }, amount, exchangeRate: f.inKgs ? rate : undefined,
          source: rng.pick(['local-budget', 'police-budget'] as const), evidenceRef: `${id} payment order`, receivedOn: dateIn(year + 1, rng.int(1, 200)),
        });
    }
  }
  for (const plan of endorsedPlans) {
    if (!rng.chance(0.1)) continue;
    const id = `${plan.id}-cf`;
    own.add(coFundingStream(id));
    own.add(evidenceStream(`${id} budget decision`));
    yield () =>
      recordCoFunding(store, context(rng, officer), {
        coFundingId: id, target: { kind: 'plan', id: plan.id }, amount: kgs(rng.int(500, 3000) * 1000_00), exchangeRate: rate,
        source: 'local-budget', evidenceRef: `${id} budget decision`, receivedOn: dateIn(year, rng.int(200, 360)),
      });
  }

  // 6. results: trainings, exchange visits, beneficiaries of grants, events, media; a few retracted
  const results: string[] = [];
  for (const plan of endorsedPlans) {
    if (rng.chance(0.4)) {
      const id = `${plan.id}-tr`;
      results.push(id);
      yield () =>
        recordResult(store, context(rng, officer), {
          resultId: id, programmeId: P, kind: 'training', date: dateIn(year + 1, rng.int(1, 360)), title: `Crime prevention training in ${plan.m.name}`,
          municipalityId: plan.m.id, priority: rng.pick(plan.priorities), participants: rng.int(10, 60),
        });
    }
    if (rng.chance(0.15)) {
      const id = `${plan.id}-ev`;
      results.push(id);
      yield () =>
        recordResult(store, context(rng, officer), {
          resultId: id, programmeId: P, kind: 'exchange-visit', date: dateIn(year + 1, rng.int(1, 360)), title: `Exchange visit of ${plan.m.name} officials, police and LCPC`,
          municipalityId: plan.m.id, participants: rng.int(8, 20),
        });
    }
  }
  for (const app of granted) {
    const id = `${app.id}-res`;
    results.push(id);
    yield () =>
      recordResult(store, context(rng, officer), {
        resultId: id, programmeId: P, kind: 'beneficiaries', date: dateIn(year + 2, rng.int(1, 360)), title: `People reached by ${app.id}`,
        municipalityId: app.plan.m.id, grantId: app.id, priority: app.activity.priority, directBeneficiaries: rng.int(20, 400), indirectBeneficiaries: rng.int(500, 20000),
      });
  }
  for (let e = rng.int(1, 3); e > 0; e--) {
    const id = `${P}-event${e}`;
    results.push(id);
    yield () => recordResult(store, context(rng, officer), { resultId: id, programmeId: P, kind: rng.pick(['event', 'media'] as const), date: dateIn(year + 1, rng.int(1, 360)), title: 'National crime prevention forum' });
  }
  for (const id of results) {
    own.add(resultStream(id));
    if (!rng.chance(0.03)) continue;
    const reason = 'recorded twice by mistake';
    yield () => retractResult(store, context(rng, officer, reason), { resultId: id, reason });
  }
}

/** Municipalities a programme covers, from ~40 to ~120, fewer for a small ledger. */
function programmeSize(rng: Rng, target: number, poolSize: number): number {
  // A programme with m municipalities records about 60 × m events.
  const cap = Math.max(3, Math.floor(target / 60 / 4));
  return Math.min(poolSize, cap, rng.int(40, 120));
}

/** Generates a ledger of about `options.events` events into `target` (a PostgresEventStore). */
export async function generateLedger(target: EventStore, options: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const prefix = options.prefix ?? `s${options.seed}`;
  const log = options.log ?? (() => undefined);
  const batchEvents = options.batchEvents ?? 1000;
  const concurrency = options.concurrency ?? 16;
  const memory = new MemoryEventStore();
  let commands = 0;
  let appendCalls = 0;

  // Writes run behind generation (in order, one call at a time); generation never depends on them.
  let writing: Promise<void> = Promise.resolve();
  let queued = 0;
  const flush = async (force: boolean) => {
    if (!force && memory.pendingEventCount < batchEvents * 4) return;
    const batches = packAppends(memory.drain(), batchEvents);
    queued += batches.length;
    writing = writing.then(async () => {
      for (const batch of batches) {
        await target.appendMulti(batch);
        appendCalls++;
        queued--;
      }
    });
    if (queued > 200 || force) await writing;
  };

  // The municipality pool: hundreds, in every oblast.
  const poolSize = Math.max(10, Math.min(500, Math.round(options.events / 1000)));
  const pool: Municipality[] = [];
  for (let i = 0; i < poolSize; i++) {
    const [oblast, districts] = rng.pick(OBLASTS);
    const name = Array.from({ length: rng.int(2, 3) }, () => rng.pick(SYLLABLES)).join('');
    const m = { id: `${prefix}m${i}`, name: `${name[0].toUpperCase()}${name.slice(1)}`, oblast };
    pool.push(m);
    const district = districts.length > 0 && rng.chance(0.8) ? rng.pick(districts) : undefined;
    const kind = oblast === 'Bishkek' ? 'city-district' : rng.pick(KINDS);
    const population = rng.chance(0.7) ? rng.int(800, 120_000) : undefined;
    await registerMunicipality(memory, context(rng, officer), {
      municipalityId: m.id, name: m.name, oblast, ...(district ? { district } : {}), kind, ...(population !== undefined ? { population } : {}),
    });
    commands++;
  }
  await flush(true);

  // Programmes, interleaved round-robin, command by command, until the target is reached.
  type Running = { script: Generator<Step>; own: Set<string> };
  const running: Running[] = [];
  let programmes = 0;
  const startProgramme = () => {
    const own = new Set<string>();
    const script = programmeScript(memory, rng.fork(), prefix, programmes, pool, programmeSize(rng, options.events, pool.length), own);
    programmes++;
    running.push({ script, own });
  };
  let lastLog = Date.now();
  while (true) {
    while (running.length < concurrency && memory.total < options.events && (running.length === 0 || memory.total + running.length * 2000 < options.events)) startProgramme();
    if (running.length === 0) break;
    for (let i = 0; i < running.length; i++) {
      const r = running[i];
      const next = r.script.next();
      if (next.done) {
        memory.forget(r.own);
        running.splice(i, 1);
        i--;
        continue;
      }
      try {
        await next.value();
      } catch (error) {
        throw new Error(`generator command failed (seed ${options.seed}, command ${commands}): ${(error as Error).message}`, { cause: error });
      }
      commands++;
    }
    await flush(false);
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(`  generated ${memory.total} events (${commands} commands, ${programmes} programmes)`);
    }
  }
  await flush(true);
  return { events: memory.total, commands, programmes, municipalities: pool.length, appendCalls, seconds: (Date.now() - started) / 1000 };
}
