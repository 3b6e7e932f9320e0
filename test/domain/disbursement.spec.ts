import type { RequestDisbursement } from '../../src/domain/disbursement/commands.js';
import { disbursementDecider } from '../../src/domain/disbursement/decider.js';
import type { DisbursementEvent } from '../../src/domain/disbursement/events.js';
import { AlreadyExists, InvalidValue, NotFound } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';
import { RATE, kgs, usd } from './grants-fixtures.js';

const request = (overrides: Partial<RequestDisbursement> = {}): RequestDisbursement => ({
  type: 'RequestDisbursement',
  disbursementId: 'd1',
  actorId: 'olga',
  target: { kind: 'grant', id: 'app-1' },
  amount: usd('1000.00'),
  purpose: 'first tranche',
  programmeId: 'inl-2016',
  reportingCurrency: 'USD',
  award: { active: true },
  ...overrides,
});

const requested: DisbursementEvent = {
  type: 'DisbursementRequested',
  data: {
    disbursementId: 'd1',
    programmeId: 'inl-2016',
    target: { kind: 'grant', id: 'app-1' },
    amount: { amount: '1000.00', currency: 'USD' },
    exchangeRate: null,
    amountReporting: { amount: '1000.00', currency: 'USD' },
    purpose: 'first tranche',
    requestedBy: 'olga',
  },
};
const approvedBy = (who: string): DisbursementEvent => ({ type: 'DisbursementApproved', data: { disbursementId: 'd1', approvedBy: who } });
const paid: DisbursementEvent = {
  type: 'DisbursementPaid',
  data: { disbursementId: 'd1', paidOn: '2017-03-01', bankReference: 'RSK-1', paidBy: 'farida' },
  effectiveOn: '2017-03-01',
};
const cancelled: DisbursementEvent = { type: 'DisbursementCancelled', data: { disbursementId: 'd1', reason: 'duplicate', cancelledBy: 'olga' } };

const approve = (actorId: string) => ({ type: 'ApproveDisbursement' as const, disbursementId: 'd1', actorId });
const pay = { type: 'PayDisbursement' as const, disbursementId: 'd1', actorId: 'farida', paidOn: '2017-03-01', bankReference: 'RSK-1' };
const cancel = { type: 'CancelDisbursement' as const, disbursementId: 'd1', actorId: 'olga', reason: 'duplicate' };

describe('disbursement', () => {
  it('is requested on an active award', () => {
    given(disbursementDecider).when(request()).then([requested]);
  });

  it('is requested once', () => {
    given(disbursementDecider, [requested]).when(request()).thenThrows(AlreadyExists);
  });

  it('goes only to an approved grant, not a rejected or revoked one: invalid-state', () => {
    given(disbursementDecider).when(request({ award: { active: false } })).thenThrows('invalid-state');
  });

  it('converts another currency with the rate given, or needs one: exchange-rate-required', () => {
    const [event] = disbursementDecider.decide(request({ amount: kgs('50000.00'), exchangeRate: RATE }), disbursementDecider.initialState());
    expect(event.type === 'DisbursementRequested' && event.data.amountReporting).toEqual({ amount: '570.00', currency: 'USD' });
    given(disbursementDecider).when(request({ amount: kgs('50000.00') })).thenThrows('exchange-rate-required');
  });

  it('is approved by someone else than the requester', () => {
    given(disbursementDecider, [requested]).when(approve('farida')).then([approvedBy('farida')]);
  });

  it('is not approved by its requester: same-person-approval', () => {
    given(disbursementDecider, [requested]).when(approve('olga')).thenThrows('same-person-approval');
  });

  it('is approved once, and not after cancelling: invalid-state', () => {
    given(disbursementDecider, [requested, approvedBy('farida')]).when(approve('farida')).thenThrows('invalid-state');
    given(disbursementDecider, [requested, cancelled]).when(approve('farida')).thenThrows('invalid-state');
  });

  it('is paid once approved', () => {
    given(disbursementDecider, [requested, approvedBy('farida')]).when(pay).then([paid]);
  });

  it('is not paid before approval nor twice: invalid-state', () => {
    given(disbursementDecider, [requested]).when(pay).thenThrows('invalid-state');
    given(disbursementDecider, [requested, approvedBy('farida'), paid]).when(pay).thenThrows('invalid-state');
  });

  it('is cancelled before it is paid', () => {
    given(disbursementDecider, [requested]).when(cancel).then([cancelled]);
    given(disbursementDecider, [requested, approvedBy('farida')]).when(cancel).then([cancelled]);
  });

  it('is not cancelled once paid, nor twice: invalid-state', () => {
    given(disbursementDecider, [requested, approvedBy('farida'), paid]).when(cancel).thenThrows('invalid-state');
    given(disbursementDecider, [requested, cancelled]).when(cancel).thenThrows('invalid-state');
  });

  it('must exist to be acted on, and takes valid values', () => {
    given(disbursementDecider).when(approve('farida')).thenThrows(NotFound);
    given(disbursementDecider, [requested, approvedBy('farida')]).when({ ...pay, paidOn: '2017-02-30' }).thenThrows(InvalidValue);
    given(disbursementDecider).when(request({ amount: usd('0.00') })).thenThrows(InvalidValue);
  });
});
