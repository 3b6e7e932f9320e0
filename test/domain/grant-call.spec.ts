import type { OpenGrantCall } from '../../src/domain/grant-call/commands.js';
import { grantCallDecider, remainingEnvelope } from '../../src/domain/grant-call/decider.js';
import type { GrantCallEvent } from '../../src/domain/grant-call/events.js';
import { fold } from '../../src/domain/shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound } from '../../src/domain/shared/errors.js';
import { RATE, callOpened, kgs, usd } from './grants-fixtures.js';
import { given } from '../support/given.js';

const open = (overrides: Partial<OpenGrantCall> = {}): OpenGrantCall => ({
  type: 'OpenGrantCall',
  grantCallId: 'call-1',
  programmeId: 'inl-2016',
  commissionId: 'com-1',
  title: 'Small grants 2016',
  envelope: usd('34000.00'),
  minCoFundingRatio: '0.5',
  closesOn: '2016-12-31',
  programme: { reportingCurrency: 'USD' },
  commission: { programmeId: 'inl-2016' },
  ...overrides,
});

const drawn = (applicationId: string, amount: string, budgetReservationId: string | null = null): GrantCallEvent => ({
  type: 'EnvelopeDrawn',
  data: { grantCallId: 'call-1', applicationId, amount: { amount, currency: 'USD' }, budgetReservationId },
});
const closed: GrantCallEvent = {
  type: 'GrantCallClosed',
  data: { grantCallId: 'call-1', closedOn: null, drawn: { amount: '3000.00', currency: 'USD' }, released: { amount: '31000.00', currency: 'USD' } },
};
const returned = (applicationId: string, amount: string, budgetReleaseFrom: string | null): GrantCallEvent => ({
  type: 'EnvelopeReturned',
  data: { grantCallId: 'call-1', applicationId, amount: { amount, currency: 'USD' }, budgetReleaseFrom },
});

describe('grant call', () => {
  it('opens with its envelope in the reporting currency', () => {
    given(grantCallDecider).when(open()).then([callOpened]);
  });

  it('converts an envelope in another currency exactly with the rate given', () => {
    const [event] = grantCallDecider.decide(open({ envelope: kgs('1000000.00'), exchangeRate: RATE }), grantCallDecider.initialState());
    expect(event.type === 'GrantCallOpened' && event.data.envelopeReporting).toEqual({ amount: '11400.00', currency: 'USD' });
  });

  it('needs a rate for an envelope in another currency: exchange-rate-required', () => {
    given(grantCallDecider).when(open({ envelope: kgs('1000000.00') })).thenThrows('exchange-rate-required');
  });

  it('is opened once, with a valid ratio and a commission of the same programme', () => {
    given(grantCallDecider, [callOpened]).when(open()).thenThrows(AlreadyExists);
    given(grantCallDecider).when(open({ minCoFundingRatio: '-1' })).thenThrows(InvalidValue);
    given(grantCallDecider).when(open({ commission: { programmeId: 'other' } })).thenThrows(InvalidValue);
  });

  it('closes and gives the unspent envelope back', () => {
    given(grantCallDecider, [callOpened, drawn('app-1', '3000.00')])
      .when({ type: 'CloseGrantCall', grantCallId: 'call-1', closedOn: '2017-01-15' })
      .then([
        {
          type: 'GrantCallClosed',
          data: { grantCallId: 'call-1', closedOn: '2017-01-15', drawn: { amount: '3000.00', currency: 'USD' }, released: { amount: '31000.00', currency: 'USD' } },
          effectiveOn: '2017-01-15',
        },
      ]);
  });

  it('closes once: invalid-state', () => {
    const closed = grantCallDecider.decide({ type: 'CloseGrantCall', grantCallId: 'call-1' }, fold(grantCallDecider, [callOpened]));
    given(grantCallDecider, [callOpened, ...closed]).when({ type: 'CloseGrantCall', grantCallId: 'call-1' }).thenThrows('invalid-state');
    given(grantCallDecider).when({ type: 'CloseGrantCall', grantCallId: 'call-1' }).thenThrows(NotFound);
  });

  describe('envelope', () => {
    it('lets approvals draw up to the envelope exactly', () => {
      given(grantCallDecider, [callOpened, drawn('app-1', '30000.00')])
        .when({ type: 'DrawEnvelope', grantCallId: 'call-1', applicationId: 'app-2', amount: usd('4000.00') })
        .then([drawn('app-2', '4000.00')]);
    });

    it('refuses a draw beyond it: envelope-exceeded', () => {
      given(grantCallDecider, [callOpened, drawn('app-1', '30000.00')])
        .when({ type: 'DrawEnvelope', grantCallId: 'call-1', applicationId: 'app-2', amount: usd('4000.01') })
        .thenThrows('envelope-exceeded');
    });

    it('after closing, still lets pending applications draw, each reserving its amount on the budget again', () => {
      given(grantCallDecider, [callOpened, drawn('app-1', '3000.00'), closed])
        .when({ type: 'DrawEnvelope', grantCallId: 'call-1', applicationId: 'app-2', amount: usd('31000.00') })
        .then([drawn('app-2', '31000.00', 'grant-app-2')]);
      given(grantCallDecider, [callOpened, drawn('app-1', '3000.00'), closed])
        .when({ type: 'DrawEnvelope', grantCallId: 'call-1', applicationId: 'app-2', amount: usd('31000.01') })
        .thenThrows('envelope-exceeded');
    });

    it('takes a revoked grant back: to the envelope while open, to the budget reservation that holds it once closed', () => {
      const revoke = (applicationId: string) => ({ type: 'ReturnEnvelope' as const, grantCallId: 'call-1', applicationId });
      given(grantCallDecider, [callOpened, drawn('app-1', '3000.00')]).when(revoke('app-1')).then([returned('app-1', '3000.00', null)]);
      given(grantCallDecider, [callOpened, drawn('app-1', '3000.00'), closed]).when(revoke('app-1')).then([returned('app-1', '3000.00', 'grant-call-call-1')]);
      given(grantCallDecider, [callOpened, drawn('app-1', '3000.00'), closed, drawn('app-2', '500.00', 'grant-app-2')])
        .when(revoke('app-2'))
        .then([returned('app-2', '500.00', 'grant-app-2')]);
    });

    it('returns only what an application drew: invalid-state', () => {
      given(grantCallDecider, [callOpened]).when({ type: 'ReturnEnvelope', grantCallId: 'call-1', applicationId: 'app-1' }).thenThrows('invalid-state');
    });

    it('frees what a return gives back', () => {
      const state = fold(grantCallDecider, [
        callOpened,
        drawn('app-1', '34000.00'),
        returned('app-1', '34000.00', null),
      ]);
      expect(remainingEnvelope(state)).toEqual(usd('34000.00'));
    });
  });
});
