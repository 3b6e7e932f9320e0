import { awardDecider, awardStreamId } from '../../src/domain/award/decider.js';
import type { AwardEvent } from '../../src/domain/award/events.js';
import { InvalidValue } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';
import { usd } from './grants-fixtures.js';

const awardId = 'grant-app-1';
const ceiling = usd('3000.00');
const drawn = (disbursementId: string, amount: string): AwardEvent => ({
  type: 'AwardDrawn',
  data: { awardId, disbursementId, amount: { amount, currency: 'USD' }, ceiling: { amount: '3000.00', currency: 'USD' } },
});
const released = (disbursementId: string, amount: string): AwardEvent => ({
  type: 'AwardReleased',
  data: { awardId, disbursementId, amount: { amount, currency: 'USD' } },
});
const draw = (disbursementId: string, amount: string) => ({ type: 'DrawAward' as const, awardId, disbursementId, amount: usd(amount), ceiling });

describe('award', () => {
  it('lives on award-<kind>-<id>', () => {
    expect(awardStreamId('grant', 'app-1')).toBe('award-grant-app-1');
    expect(awardStreamId('facility', 'nookat-station')).toBe('award-facility-nookat-station');
  });

  it('reserves disbursements up to the award exactly', () => {
    given(awardDecider, [drawn('d1', '2000.00')]).when(draw('d2', '1000.00')).then([drawn('d2', '1000.00')]);
  });

  it('refuses a disbursement beyond the award: disbursement-exceeds-award', () => {
    given(awardDecider, [drawn('d1', '2000.00')]).when(draw('d2', '1000.01')).thenThrows('disbursement-exceeds-award');
    given(awardDecider).when(draw('d1', '3000.01')).thenThrows('disbursement-exceeds-award');
  });

  it('counts a cancelled disbursement no more', () => {
    given(awardDecider, [drawn('d1', '3000.00'), released('d1', '3000.00')]).when(draw('d2', '3000.00')).then([drawn('d2', '3000.00')]);
  });

  it('gives back what a disbursement reserved, once: invalid-state', () => {
    given(awardDecider, [drawn('d1', '2000.00')]).when({ type: 'ReleaseAward', awardId, disbursementId: 'd1' }).then([released('d1', '2000.00')]);
    given(awardDecider, [drawn('d1', '2000.00'), released('d1', '2000.00')]).when({ type: 'ReleaseAward', awardId, disbursementId: 'd1' }).thenThrows('invalid-state');
  });

  it('closes (grant revoked) only while nothing is disbursed: invalid-state', () => {
    given(awardDecider).when({ type: 'CloseAward', awardId, reason: 'revoked' }).then([{ type: 'AwardClosed', data: { awardId, reason: 'revoked' } }]);
    given(awardDecider, [drawn('d1', '0.01')]).when({ type: 'CloseAward', awardId, reason: 'revoked' }).thenThrows('invalid-state');
    given(awardDecider, [drawn('d1', '10.00'), released('d1', '10.00')])
      .when({ type: 'CloseAward', awardId, reason: 'revoked' })
      .then([{ type: 'AwardClosed', data: { awardId, reason: 'revoked' } }]);
  });

  it('takes no disbursement once closed: invalid-state', () => {
    given(awardDecider, [{ type: 'AwardClosed', data: { awardId, reason: 'revoked' } }]).when(draw('d1', '1.00')).thenThrows('invalid-state');
  });

  it('takes no empty disbursement', () => {
    given(awardDecider).when(draw('d1', '0.00')).thenThrows(InvalidValue);
  });
});
