/**
 * Properties: whatever commands arrive, in whatever order, no envelope, award or budget goes negative or
 * over its limit. The world below runs each command the way the write side does: fold the streams it
 * needs, decide on each, and record everything or nothing (a RuleViolation anywhere records nothing).
 */
import fc from 'fast-check';
import { applicationDecider } from '../../src/domain/application/decider.js';
import { awardDecider, awardId, awardStreamId } from '../../src/domain/award/decider.js';
import { envelopeReservationId, grantCallDecider, remainingEnvelope } from '../../src/domain/grant-call/decider.js';
import { programmeDecider } from '../../src/domain/programme/decider.js';
import type { Decider, DomainEvent } from '../../src/domain/shared/decider.js';
import { fold } from '../../src/domain/shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../../src/domain/shared/errors.js';
import { fromJson, money } from '../../src/domain/shared/money.js';
import { callFacts, commission, submit } from './grants-fixtures.js';

const cents = (minor: number) => money((minor / 100).toFixed(2), 'USD');

/** An in-memory ledger whose commands are all-or-nothing across streams, like runCommand's UnitOfWork. */
class World {
  readonly streams = new Map<string, DomainEvent[]>();

  state<S, E extends DomainEvent>(streamId: string, decider: Decider<any, S, E>): S {
    return fold(decider, (this.streams.get(streamId) ?? []) as E[]);
  }

  /** Runs one command; false when it was refused (a rule, 404 or 409) and nothing was recorded. */
  run(work: (stage: <C, S, E extends DomainEvent>(streamId: string, decider: Decider<C, S, E>, command: C) => E[]) => void): boolean {
    const staged = new Map<string, DomainEvent[]>();
    const stage = <C, S, E extends DomainEvent>(streamId: string, decider: Decider<C, S, E>, command: C): E[] => {
      const seen = [...(this.streams.get(streamId) ?? []), ...(staged.get(streamId) ?? [])] as E[];
      const events = decider.decide(command, fold(decider, seen));
      staged.set(streamId, [...(staged.get(streamId) ?? []), ...events]);
      return events;
    };
    try {
      work(stage);
    } catch (error) {
      if (error instanceof RuleViolation || error instanceof NotFound || error instanceof AlreadyExists) return false;
      throw error;
    }
    for (const [id, events] of staged) this.streams.set(id, [...(this.streams.get(id) ?? []), ...events]);
    return true;
  }
}

const PROGRAMME = 'programme-inl-2016';
const CALLS = ['c1', 'c2'];
const APPS = ['a1', 'a2', 'a3', 'a4'];

type Op =
  | { kind: 'open'; call: number; envelope: number }
  | { kind: 'close'; call: number }
  | { kind: 'approve'; app: number; call: number; amount: number }
  | { kind: 'revoke'; app: number }
  | { kind: 'request'; app: number; disbursement: number; amount: number }
  | { kind: 'cancel'; disbursement: number };

// Weighted so that sequences reach the interesting states (approved grants with disbursements) often.
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), call: fc.nat(1), envelope: fc.integer({ min: 1, max: 60_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), call: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('approve' as const), app: fc.nat(3), call: fc.nat(1), amount: fc.integer({ min: 1, max: 25_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), app: fc.nat(3) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('request' as const), app: fc.nat(3), disbursement: fc.nat(7), amount: fc.integer({ min: 1, max: 10_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), disbursement: fc.nat(7) }) },
);

function newWorld(budget: number): World {
  const world = new World();
  world.run((stage) => {
    stage(PROGRAMME, programmeDecider, {
      type: 'RegisterProgramme',
      programmeId: 'inl-2016',
      title: 'Support to Crime Prevention',
      donor: { id: 'inl', name: 'INL' },
      budget: cents(budget),
      startDate: '2016-01-01',
      endDate: '2018-01-31',
    });
  });
  return world;
}

/** Each op as its handler will run it: the same streams, the same deciders, one atomic append. */
function apply(world: World, o: Op, draws: Map<string, string>): boolean {
  switch (o.kind) {
    case 'open': {
      const id = CALLS[o.call];
      return world.run((stage) => {
        stage(`grant-call-${id}`, grantCallDecider, {
          type: 'OpenGrantCall', grantCallId: id, programmeId: 'inl-2016', commissionId: 'com-1', title: 't', envelope: cents(o.envelope),
          minCoFundingRatio: '0', closesOn: '2030-12-31', programme: { reportingCurrency: 'USD' }, commission: { programmeId: 'inl-2016' },
        });
        stage(PROGRAMME, programmeDecider, { type: 'ReserveBudget', reservationId: envelopeReservationId(id), kind: 'grant-call', amount: cents(o.envelope) });
      });
    }
    case 'close': {
      const id = CALLS[o.call];
      return world.run((stage) => {
        const [closed] = stage(`grant-call-${id}`, grantCallDecider, { type: 'CloseGrantCall', grantCallId: id });
        if (closed.type !== 'GrantCallClosed') throw new Error('expected GrantCallClosed');
        stage(PROGRAMME, programmeDecider, { type: 'ReleaseBudget', reservationId: envelopeReservationId(id), amount: fromJson(closed.data.released) });
      });
    }
    case 'approve': {
      const app = APPS[o.app];
      const call = CALLS[o.call];
      return world.run((stage) => {
        if (!world.state(`grant-call-${call}`, grantCallDecider).exists) throw new RuleViolation('not-found');
        if (!world.state(`application-${app}`, applicationDecider).exists) {
          stage(`application-${app}`, applicationDecider, submit({ applicationId: app, grantCallId: call, requested: cents(40_000), coFundingPledged: cents(0), call: { ...callFacts, grantCallId: call, minCoFundingRatio: '0' } }));
        }
        const [decision] = stage(`application-${app}`, applicationDecider, {
          type: 'RecordDecision', applicationId: app, actorId: 'aida', outcome: 'approved', approvedAmount: cents(o.amount),
          votes: [{ memberId: 'aida', vote: 'for' }, { memberId: 'bakyt', vote: 'for' }, { memberId: 'chynara', vote: 'for' }],
          minutesRef: 'm', commission, minCoFundingRatio: '0',
        });
        if (decision.type !== 'GrantApproved') throw new Error('expected GrantApproved');
        const grantCall = world.state(`application-${app}`, applicationDecider).grantCallId ?? call;
        const [drawn] = stage(`grant-call-${grantCall}`, grantCallDecider, { type: 'DrawEnvelope', grantCallId: grantCall, applicationId: app, amount: fromJson(decision.data.approvedReporting) });
        if (drawn.type === 'EnvelopeDrawn' && drawn.data.budgetReservationId) {
          stage(PROGRAMME, programmeDecider, { type: 'ReserveBudget', reservationId: drawn.data.budgetReservationId, kind: 'grant', amount: fromJson(drawn.data.amount) });
        }
      });
    }
    case 'revoke': {
      const app = APPS[o.app];
      return world.run((stage) => {
        const [revoked] = stage(`application-${app}`, applicationDecider, { type: 'RevokeGrant', applicationId: app, actorId: 'aida', reason: 'r', minutesRef: 'm', commission });
        if (revoked.type !== 'GrantRevoked') throw new Error('expected GrantRevoked');
        stage(awardStreamId('grant', app), awardDecider, { type: 'CloseAward', awardId: awardId('grant', app), reason: 'revoked' });
        const call = revoked.data.grantCallId;
        const [returned] = stage(`grant-call-${call}`, grantCallDecider, { type: 'ReturnEnvelope', grantCallId: call, applicationId: app });
        if (returned.type === 'EnvelopeReturned' && returned.data.budgetReleaseFrom) {
          stage(PROGRAMME, programmeDecider, { type: 'ReleaseBudget', reservationId: returned.data.budgetReleaseFrom, amount: fromJson(returned.data.amount) });
        }
      });
    }
    case 'request': {
      const app = APPS[o.app];
      const disbursement = `d${o.disbursement}`;
      if (draws.has(disbursement)) return false;
      const ok = world.run((stage) => {
        const grant = world.state(`application-${app}`, applicationDecider);
        if (grant.status !== 'approved') throw new RuleViolation('invalid-state');
        stage(awardStreamId('grant', app), awardDecider, {
          type: 'DrawAward', awardId: awardId('grant', app), disbursementId: disbursement, amount: cents(o.amount), ceiling: grant.approvedReporting!,
        });
      });
      if (ok) draws.set(disbursement, app);
      return ok;
    }
    case 'cancel': {
      const disbursement = `d${o.disbursement}`;
      const app = draws.get(disbursement);
      if (!app) return false;
      return world.run((stage) => {
        stage(awardStreamId('grant', app), awardDecider, { type: 'ReleaseAward', awardId: awardId('grant', app), disbursementId: disbursement });
      });
    }
  }
}

function assertInvariants(world: World): void {
  const programme = world.state(PROGRAMME, programmeDecider);
  if (!programme.exists) throw new Error('the programme must exist');
  expect(programme.committed.minor).toBeGreaterThanOrEqual(0n);
  expect(programme.committed.minor).toBeLessThanOrEqual(programme.budget.minor);
  let expectedCommitted = 0n;
  for (const id of CALLS) {
    const call = world.state(`grant-call-${id}`, grantCallDecider);
    if (!call.exists) continue;
    expect(call.drawn!.minor).toBeGreaterThanOrEqual(0n);
    expect(call.drawn!.minor).toBeLessThanOrEqual(call.envelope!.minor);
    expect(remainingEnvelope(call).minor).toBeGreaterThanOrEqual(0n);
    // The budget holds an open call's whole envelope, and only the drawn part of a closed one (under the
    // call's reservation for grants approved before closing, under their own for grants approved after).
    expectedCommitted += call.status === 'open' ? call.envelope!.minor : call.drawn!.minor;
  }
  expect(programme.committed.minor).toBe(expectedCommitted);
  for (const app of APPS) {
    const award = world.state(awardStreamId('grant', app), awardDecider);
    const grant = world.state(`application-${app}`, applicationDecider);
    const drawn = award.drawn?.minor ?? 0n;
    expect(drawn).toBeGreaterThanOrEqual(0n);
    if (drawn > 0n) {
      expect(grant.status).toBe('approved');
      expect(drawn).toBeLessThanOrEqual(grant.approvedReporting!.minor);
    }
  }
}

describe('grants: properties', () => {
  it('no sequence of commands drives a budget, an envelope or an award negative or over its limit', () => {
    const accepted: Record<Op['kind'], number> = { open: 0, close: 0, approve: 0, revoke: 0, request: 0, cancel: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150_000 }), fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (budget, ops) => {
        const world = newWorld(budget);
        const draws = new Map<string, string>();
        for (const o of ops) {
          if (apply(world, o, draws)) accepted[o.kind]++;
          assertInvariants(world);
        }
      }),
      { numRuns: 300 },
    );
    // The property means something only if every kind of command got through now and then.
    for (const count of Object.values(accepted)) expect(count).toBeGreaterThan(0);
  });

  it('an envelope alone: draws and returns in any order keep 0 ≤ drawn ≤ envelope', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.record({ draw: fc.boolean(), app: fc.nat(5), amount: fc.integer({ min: 1, max: 400_000 }) }), { maxLength: 80, size: 'max' }),
        (envelope, steps) => {
          const world = new World();
          world.run((stage) => {
            stage('grant-call-c', grantCallDecider, {
              type: 'OpenGrantCall', grantCallId: 'c', programmeId: 'p', commissionId: 'k', title: 't', envelope: cents(envelope),
              minCoFundingRatio: '0.5', closesOn: '2030-01-01', programme: { reportingCurrency: 'USD' }, commission: { programmeId: 'p' },
            });
          });
          for (const s of steps) {
            world.run((stage) => {
              stage('grant-call-c', grantCallDecider, s.draw
                ? { type: 'DrawEnvelope', grantCallId: 'c', applicationId: `a${s.app}`, amount: cents(s.amount) }
                : { type: 'ReturnEnvelope', grantCallId: 'c', applicationId: `a${s.app}` });
            });
            const call = world.state('grant-call-c', grantCallDecider);
            expect(call.drawn!.minor).toBeGreaterThanOrEqual(0n);
            expect(remainingEnvelope(call).minor).toBeGreaterThanOrEqual(0n);
            expect(call.drawn!.minor).toBe(Object.values(call.draws).reduce((sum, d) => sum + d.amount.minor, 0n));
          }
        },
      ),
    );
  });

  it('an award alone: draws, releases and closing in any order keep 0 ≤ drawn ≤ ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.record({ kind: fc.constantFrom('draw', 'release', 'close'), d: fc.nat(6), amount: fc.integer({ min: 1, max: 500_000 }) }), { maxLength: 80, size: 'max' }),
        (ceiling, steps) => {
          const world = new World();
          const used = new Set<number>();
          for (const s of steps) {
            if (s.kind === 'draw' && used.has(s.d)) continue; // disbursement ids are unique: AlreadyExists guards that
            const ok = world.run((stage) => {
              stage('award-grant-x', awardDecider,
                s.kind === 'draw' ? { type: 'DrawAward', awardId: 'grant-x', disbursementId: `d${s.d}`, amount: cents(s.amount), ceiling: cents(ceiling) }
                : s.kind === 'release' ? { type: 'ReleaseAward', awardId: 'grant-x', disbursementId: `d${s.d}` }
                : { type: 'CloseAward', awardId: 'grant-x', reason: 'revoked' });
            });
            if (ok && s.kind === 'draw') used.add(s.d);
            const award = world.state('award-grant-x', awardDecider);
            const drawn = award.drawn?.minor ?? 0n;
            expect(drawn).toBeGreaterThanOrEqual(0n);
            expect(drawn).toBeLessThanOrEqual(BigInt(ceiling));
            if (award.closed) expect(drawn).toBe(0n);
          }
        },
      ),
    );
  });
});
