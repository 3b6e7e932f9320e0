import fc from 'fast-check';
import type { AgreeFacility } from '../../src/domain/facility/commands.js';
import { budgetReservationFor, facilityDecider, shareCost } from '../../src/domain/facility/decider.js';
import type { FacilityAgreed, FacilityEvent } from '../../src/domain/facility/events.js';
import { AlreadyExists, InvalidValue, NotFound } from '../../src/domain/shared/errors.js';
import { money, toJson } from '../../src/domain/shared/money.js';
import { given } from '../support/given.js';

const usd = (amount: string) => money(amount, 'USD');
const kgs = (amount: string) => money(amount, 'KGS');
const RATE = { rate: '0.0114', date: '2017-05-10', source: 'NBKR' };

const agree = (overrides: Partial<AgreeFacility> = {}): AgreeFacility => ({
  type: 'AgreeFacility',
  facilityId: 'fac-nookat',
  programmeId: 'inl-2016',
  municipalityId: 'nookat',
  kind: 'police-and-lcpc',
  title: 'Nookat police station and LCPC office',
  totalCost: usd('22000.00'),
  programme: { reportingCurrency: 'USD' },
  endorsedPlanId: 'plan-nookat',
  ...overrides,
});

const agreed: FacilityAgreed = {
  type: 'FacilityAgreed',
  data: {
    facilityId: 'fac-nookat',
    programmeId: 'inl-2016',
    municipalityId: 'nookat',
    planId: 'plan-nookat',
    kind: 'police-and-lcpc',
    title: 'Nookat police station and LCPC office',
    totalCost: { amount: '22000.00', currency: 'USD' },
    exchangeRate: null,
    totalCostReporting: { amount: '22000.00', currency: 'USD' },
    localShareRatio: '0.5',
    programmeShare: { amount: '11000.00', currency: 'USD' },
    localShare: { amount: '11000.00', currency: 'USD' },
  },
};

const established: FacilityEvent = { type: 'FacilityEstablished', data: { facilityId: 'fac-nookat', completedOn: '2017-06-30' }, effectiveOn: '2017-06-30' };

describe('facility', () => {
  describe('AgreeFacility', () => {
    it('shares the cost half and half by default', () => {
      given(facilityDecider).when(agree()).then([agreed]);
    });

    it('is agreed once', () => {
      given(facilityDecider, [agreed]).when(agree()).thenThrows(AlreadyExists);
    });

    it('goes only where the municipality has an endorsed plan of the programme: plan-not-endorsed', () => {
      given(facilityDecider).when(agree({ endorsedPlanId: null })).thenThrows('plan-not-endorsed');
    });

    it('needs a rate for a cost in another currency: exchange-rate-required', () => {
      given(facilityDecider).when(agree({ totalCost: kgs('2000000.00') })).thenThrows('exchange-rate-required');
    });

    it('converts the cost exactly and splits it so the shares add up to the total', () => {
      // 2,000,000.01 KGS × 0.0114 = 22,800.000114 USD -> 22,800.00; × (1 − 0.4) = 13,680.00
      const [event] = facilityDecider.decide(agree({ totalCost: kgs('2000000.01'), exchangeRate: RATE, localShareRatio: '0.4' }), { exists: false });
      expect(event.data).toMatchObject({
        totalCost: { amount: '2000000.01', currency: 'KGS' },
        exchangeRate: RATE,
        totalCostReporting: { amount: '22800.00', currency: 'USD' },
        localShareRatio: '0.4',
        programmeShare: { amount: '13680.00', currency: 'USD' },
        localShare: { amount: '9120.00', currency: 'USD' },
      });
    });

    it('rounds the programme share half to even at the cent', () => {
      // 0.05 × 0.5 = 0.025 -> 0.02 (even); 0.07 × 0.5 = 0.035 -> 0.04 (even)
      expect(toJson(shareCost(usd('0.05'), '0.5').programmeShare).amount).toBe('0.02');
      expect(toJson(shareCost(usd('0.05'), '0.5').localShare).amount).toBe('0.03');
      expect(toJson(shareCost(usd('0.07'), '0.5').programmeShare).amount).toBe('0.04');
      expect(toJson(shareCost(usd('100.00'), '1').programmeShare).amount).toBe('0.00');
      expect(toJson(shareCost(usd('100.00'), '0').programmeShare).amount).toBe('100.00');
    });

    it('splits any cost so the programme and local shares add up to it exactly (property)', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 1000 }), (cents, permille) => {
          const total = { minor: cents, currency: 'USD' };
          const ratio = permille === 1000 ? '1' : `0.${String(permille).padStart(3, '0')}`;
          const { programmeShare, localShare } = shareCost(total, ratio);
          expect(programmeShare.minor + localShare.minor).toBe(cents);
          expect(programmeShare.minor >= 0n && localShare.minor >= 0n).toBe(true);
        }),
      );
    });

    it('refuses a ratio outside 0..1, an empty cost, an unknown kind and a blank title', () => {
      given(facilityDecider).when(agree({ localShareRatio: '1.01' })).thenThrows(InvalidValue);
      given(facilityDecider).when(agree({ localShareRatio: '-0.5' })).thenThrows(InvalidValue);
      given(facilityDecider).when(agree({ localShareRatio: 'half' })).thenThrows(InvalidValue);
      given(facilityDecider).when(agree({ totalCost: usd('0') })).thenThrows(InvalidValue);
      given(facilityDecider).when(agree({ kind: 'school' as never })).thenThrows(InvalidValue);
      given(facilityDecider).when(agree({ title: '' })).thenThrows(InvalidValue);
    });

    it('reserves its programme share from the programme budget', () => {
      expect(budgetReservationFor(agreed)).toEqual({ type: 'ReserveBudget', programmeId: 'inl-2016', reservationId: 'facility-fac-nookat', kind: 'facility', amount: usd('11000.00') });
    });
  });

  describe('CompleteFacility', () => {
    it('records the facility as established on the day the works were completed', () => {
      given(facilityDecider, [agreed]).when({ type: 'CompleteFacility', facilityId: 'fac-nookat', completedOn: '2017-06-30' }).then([established]);
    });

    it('is completed once: invalid-state', () => {
      given(facilityDecider, [agreed, established]).when({ type: 'CompleteFacility', facilityId: 'fac-nookat', completedOn: '2017-07-01' }).thenThrows('invalid-state');
    });

    it('needs an agreed facility and a date', () => {
      given(facilityDecider).when({ type: 'CompleteFacility', facilityId: 'fac-nookat', completedOn: '2017-06-30' }).thenThrows(NotFound);
      given(facilityDecider, [agreed]).when({ type: 'CompleteFacility', facilityId: 'fac-nookat', completedOn: 'yesterday' }).thenThrows(InvalidValue);
    });
  });
});
