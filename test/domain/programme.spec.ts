import fc from 'fast-check';
import type { RegisterProgramme } from '../../src/domain/programme/commands.js';
import type { ProgrammeState } from '../../src/domain/programme/decider.js';
import { endorsedPlanIn, programmeAvailable, programmeCommitted, programmeDecider } from '../../src/domain/programme/decider.js';
import type { ProgrammeEvent } from '../../src/domain/programme/events.js';
import { fold } from '../../src/domain/shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../../src/domain/shared/errors.js';
import { money, toJson } from '../../src/domain/shared/money.js';
import { given } from '../support/given.js';

const usd = (amount: string) => money(amount, 'USD');
const kgs = (amount: string) => money(amount, 'KGS');
const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };

const register = (overrides: Partial<RegisterProgramme> = {}): RegisterProgramme => ({
  type: 'RegisterProgramme',
  programmeId: 'inl-2016',
  title: 'Support to Crime Prevention in the Kyrgyz Republic',
  donor: { id: 'inl', name: 'US State Department, INL' },
  budget: usd('500000.00'),
  startDate: '2016-01-01',
  endDate: '2018-01-31',
  implementer: 'UNODC',
  ...overrides,
});

const registered: ProgrammeEvent = {
  type: 'ProgrammeRegistered',
  data: {
    programmeId: 'inl-2016',
    title: 'Support to Crime Prevention in the Kyrgyz Republic',
    donor: { id: 'inl', name: 'US State Department, INL' },
    budget: { amount: '500000.00', currency: 'USD' },
    exchangeRate: null,
    budgetReporting: { amount: '500000.00', currency: 'USD' },
    startDate: '2016-01-01',
    endDate: '2018-01-31',
    reportingCurrency: 'USD',
    implementer: 'UNODC',
  },
};

const reserved = (reservationId: string, amount: string, kind: 'facility' | 'grant-call' | 'grant' = 'facility'): ProgrammeEvent => ({
  type: 'BudgetReserved',
  data: { programmeId: 'inl-2016', reservationId, kind, amount: { amount, currency: 'USD' } },
});

const released = (reservationId: string, amount: string, kind: 'facility' | 'grant-call' | 'grant' = 'grant-call'): ProgrammeEvent => ({
  type: 'BudgetReleased',
  data: { programmeId: 'inl-2016', reservationId, kind, amount: { amount, currency: 'USD' } },
});

describe('programme', () => {
  describe('RegisterProgramme', () => {
    it('registers with the budget as its reporting currency by default', () => {
      given(programmeDecider).when(register()).then([registered]);
    });

    it('is registered once', () => {
      given(programmeDecider, [registered]).when(register()).thenThrows(AlreadyExists);
    });

    it('ends on or after the day it starts', () => {
      given(programmeDecider).when(register({ endDate: '2015-12-31' })).thenThrows(InvalidValue);
      given(programmeDecider).when(register({ endDate: '2016-01-01' })).then([{ ...registered, data: { ...registered.data, endDate: '2016-01-01' } }]);
    });

    it('refuses impossible dates, blank titles and an empty budget', () => {
      given(programmeDecider).when(register({ startDate: '2016-02-30' })).thenThrows(InvalidValue);
      given(programmeDecider).when(register({ title: '  ' })).thenThrows(InvalidValue);
      given(programmeDecider).when(register({ budget: usd('0') })).thenThrows(InvalidValue);
      given(programmeDecider).when(register({ reportingCurrency: 'XXX' })).thenThrows(InvalidValue);
    });

    it('needs a rate for a budget in another currency than the reporting one: exchange-rate-required', () => {
      given(programmeDecider).when(register({ budget: kgs('1000000.00'), reportingCurrency: 'USD' })).thenThrows('exchange-rate-required');
    });

    it('keeps the budget as agreed, the rate and the budget in the reporting currency', () => {
      const [event] = programmeDecider.decide(register({ budget: kgs('1000000.00'), reportingCurrency: 'USD', exchangeRate: RATE }), { exists: false });
      expect(event.data).toMatchObject({ budget: { amount: '1000000.00', currency: 'KGS' }, exchangeRate: RATE, budgetReporting: { amount: '11400.00', currency: 'USD' } });
    });
  });

  describe('RecordFundsReceived', () => {
    it('records a tranche in the reporting currency without a rate', () => {
      given(programmeDecider, [registered])
        .when({ type: 'RecordFundsReceived', programmeId: 'inl-2016', amount: usd('250000.00'), receivedOn: '2016-02-15', reference: 'INL tranche 1' })
        .then([
          {
            type: 'FundsReceived',
            data: {
              programmeId: 'inl-2016',
              amount: { amount: '250000.00', currency: 'USD' },
              exchangeRate: null,
              amountReporting: { amount: '250000.00', currency: 'USD' },
              receivedOn: '2016-02-15',
              reference: 'INL tranche 1',
            },
            effectiveOn: '2016-02-15',
          },
        ]);
    });

    it('converts money in another currency with the rate it carries', () => {
      given(programmeDecider, [registered])
        .when({ type: 'RecordFundsReceived', programmeId: 'inl-2016', amount: kgs('2000000.00'), exchangeRate: RATE, receivedOn: '2017-05-10', reference: 'KGS transfer' })
        .then([
          {
            type: 'FundsReceived',
            data: {
              programmeId: 'inl-2016',
              amount: { amount: '2000000.00', currency: 'KGS' },
              exchangeRate: RATE,
              amountReporting: { amount: '22800.00', currency: 'USD' },
              receivedOn: '2017-05-10',
              reference: 'KGS transfer',
            },
            effectiveOn: '2017-05-10',
          },
        ]);
    });

    it('needs a rate for money in another currency: exchange-rate-required', () => {
      given(programmeDecider, [registered])
        .when({ type: 'RecordFundsReceived', programmeId: 'inl-2016', amount: kgs('2000000.00'), receivedOn: '2017-05-10', reference: 'KGS transfer' })
        .thenThrows('exchange-rate-required');
    });

    it('needs a registered programme, a positive amount, a date and a reference', () => {
      const funds = { type: 'RecordFundsReceived', programmeId: 'inl-2016', amount: usd('1.00'), receivedOn: '2016-02-15', reference: 'r' } as const;
      given(programmeDecider).when(funds).thenThrows(NotFound);
      given(programmeDecider, [registered]).when({ ...funds, amount: usd('0.00') }).thenThrows(InvalidValue);
      given(programmeDecider, [registered]).when({ ...funds, receivedOn: '15.02.2016' }).thenThrows(InvalidValue);
      given(programmeDecider, [registered]).when({ ...funds, reference: '' }).thenThrows(InvalidValue);
    });
  });

  describe('ReserveBudget', () => {
    it('reserves money of the budget for a commitment', () => {
      given(programmeDecider, [registered])
        .when({ type: 'ReserveBudget', reservationId: 'fac-nookat', kind: 'facility', amount: usd('11000.00') })
        .then([reserved('fac-nookat', '11000.00')]);
    });

    it('may take the budget to the last cent', () => {
      given(programmeDecider, [registered, reserved('call-1', '400000.00', 'grant-call')])
        .when({ type: 'ReserveBudget', reservationId: 'fac-1', kind: 'facility', amount: usd('100000.00') })
        .then([reserved('fac-1', '100000.00')]);
    });

    it('never takes commitments above the budget: budget-exceeded', () => {
      given(programmeDecider, [registered, reserved('call-1', '400000.00', 'grant-call')])
        .when({ type: 'ReserveBudget', reservationId: 'fac-1', kind: 'facility', amount: usd('100000.01') })
        .thenThrows('budget-exceeded');
    });

    it('counts released money as available again', () => {
      given(programmeDecider, [registered, reserved('call-1', '500000.00', 'grant-call'), released('call-1', '466000.00')])
        .when({ type: 'ReserveBudget', reservationId: 'fac-1', kind: 'facility', amount: usd('466000.00') })
        .then([reserved('fac-1', '466000.00')]);
    });

    it('reserves once per commitment', () => {
      given(programmeDecider, [registered, reserved('fac-1', '1.00')])
        .when({ type: 'ReserveBudget', reservationId: 'fac-1', kind: 'facility', amount: usd('1.00') })
        .thenThrows(AlreadyExists);
    });

    it('takes only the reporting currency, and only for a registered programme', () => {
      given(programmeDecider, [registered])
        .when({ type: 'ReserveBudget', reservationId: 'fac-1', kind: 'facility', amount: kgs('1.00') })
        .thenThrows(InvalidValue);
      given(programmeDecider)
        .when({ type: 'ReserveBudget', programmeId: 'nope', reservationId: 'fac-1', kind: 'facility', amount: usd('1.00') })
        .thenThrows(NotFound);
    });
  });

  describe('ReleaseBudget', () => {
    it('gives back part of a reservation', () => {
      given(programmeDecider, [registered, reserved('call-1', '34000.00', 'grant-call')])
        .when({ type: 'ReleaseBudget', reservationId: 'call-1', amount: usd('3000.00') })
        .then([released('call-1', '3000.00')]);
    });

    it('records nothing when there is nothing to give back', () => {
      given(programmeDecider, [registered, reserved('call-1', '34000.00', 'grant-call')])
        .when({ type: 'ReleaseBudget', reservationId: 'call-1', amount: usd('0.00') })
        .then([]);
    });

    it('never gives back more than the reservation still holds: invalid-state', () => {
      given(programmeDecider, [registered, reserved('call-1', '34000.00', 'grant-call'), released('call-1', '30000.00')])
        .when({ type: 'ReleaseBudget', reservationId: 'call-1', amount: usd('4000.01') })
        .thenThrows('invalid-state');
    });

    it('releases only a known reservation: invalid-state', () => {
      given(programmeDecider, [registered])
        .when({ type: 'ReleaseBudget', reservationId: 'call-9', amount: usd('1.00') })
        .thenThrows('invalid-state');
    });
  });

  describe('LinkEndorsedPlan', () => {
    const link = { type: 'LinkEndorsedPlan', programmeId: 'inl-2016', planId: 'plan-nookat', municipalityId: 'nookat', endorsedOn: '2016-03-03' } as const;
    const linked: ProgrammeEvent = {
      type: 'EndorsedPlanLinked',
      data: { programmeId: 'inl-2016', planId: 'plan-nookat', municipalityId: 'nookat', endorsedOn: '2016-03-03' },
      effectiveOn: '2016-03-03',
    };

    it('notes where the programme has an endorsed plan', () => {
      given(programmeDecider, [registered]).when(link).then([linked]);
      expect(endorsedPlanIn(fold(programmeDecider, [registered, linked]), 'nookat')).toBe('plan-nookat');
      expect(endorsedPlanIn(fold(programmeDecider, [registered, linked]), 'kara-suu')).toBeNull();
    });

    it('notes a plan once', () => {
      given(programmeDecider, [registered, linked]).when(link).then([]);
    });

    it('needs a registered programme', () => {
      given(programmeDecider).when(link).thenThrows(NotFound);
    });
  });

  it('reports committed and available money', () => {
    const state = fold(programmeDecider, [registered, reserved('call-1', '34000.00', 'grant-call'), released('call-1', '4000.00'), reserved('fac-1', '11000.00')]);
    expect(toJson(programmeCommitted(state))).toEqual({ amount: '41000.00', currency: 'USD' });
    expect(toJson(programmeAvailable(state))).toEqual({ amount: '459000.00', currency: 'USD' });
  });

  describe('budget invariant (property)', () => {
    type Step =
      | { op: 'reserve'; id: number; cents: bigint }
      | { op: 'release'; id: number; cents: bigint };

    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant('reserve' as const), id: fc.integer({ min: 0, max: 9 }), cents: fc.bigInt({ min: 0n, max: 400_000n }) }),
      fc.record({ op: fc.constant('release' as const), id: fc.integer({ min: 0, max: 9 }), cents: fc.bigInt({ min: 0n, max: 400_000n }) }),
    );

    it('no sequence of reserve and release commands takes committed money above the budget or below zero', () => {
      const budget = { ...registered, data: { ...registered.data, budgetReporting: { amount: '1000.00', currency: 'USD' } } } as ProgrammeEvent;
      fc.assert(
        fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
          let state: ProgrammeState = fold(programmeDecider, [budget]);
          for (const s of steps) {
            const amount = { minor: s.cents, currency: 'USD' };
            const command =
              s.op === 'reserve'
                ? ({ type: 'ReserveBudget', reservationId: `r${s.id}`, kind: 'grant', amount } as const)
                : ({ type: 'ReleaseBudget', reservationId: `r${s.id}`, amount } as const);
            try {
              for (const event of programmeDecider.decide(command, state)) state = programmeDecider.evolve(state, event);
            } catch (error) {
              // A refused command changes nothing; anything but a domain error is a bug.
              if (!(error instanceof RuleViolation || error instanceof AlreadyExists)) throw error;
            }
            const committed = programmeCommitted(state).minor;
            expect(committed).toBeGreaterThanOrEqual(0n);
            expect(committed).toBeLessThanOrEqual(100_000n);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
