import type { RecordCoFunding } from '../../src/domain/co-funding/commands.js';
import { coFundingDecider, evidenceDecider, normaliseEvidenceRef } from '../../src/domain/co-funding/decider.js';
import type { CoFundingEvent, EvidenceEvent } from '../../src/domain/co-funding/events.js';
import { AlreadyExists, InvalidValue } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';
import { RATE, kgs, usd } from './grants-fixtures.js';

const record = (overrides: Partial<RecordCoFunding> = {}): RecordCoFunding => ({
  type: 'RecordCoFunding',
  coFundingId: 'cf-1',
  target: { kind: 'grant', id: 'app-1' },
  amount: kgs('131580.00'),
  exchangeRate: RATE,
  source: 'local-budget',
  evidenceRef: 'Nookat payment order 17/2017',
  receivedOn: '2017-05-10',
  programmeId: 'inl-2016',
  reportingCurrency: 'USD',
  ...overrides,
});

const received: CoFundingEvent = {
  type: 'CoFundingReceived',
  data: {
    coFundingId: 'cf-1',
    programmeId: 'inl-2016',
    target: { kind: 'grant', id: 'app-1' },
    amount: { amount: '131580.00', currency: 'KGS' },
    exchangeRate: RATE,
    // 131,580.00 × 0.0114 = 1,500.012: exact, then half-even at the cent.
    amountReporting: { amount: '1500.01', currency: 'USD' },
    source: 'local-budget',
    evidenceRef: 'Nookat payment order 17/2017',
    receivedOn: '2017-05-10',
  },
  effectiveOn: '2017-05-10',
};

const counted: EvidenceEvent = {
  type: 'EvidenceCounted',
  data: { evidenceRef: 'Nookat payment order 17/2017', normalisedRef: 'nookat payment order 17/2017', coFundingId: 'cf-1' },
};

describe('co-funding', () => {
  it('is received with its evidence, converted exactly to the reporting currency', () => {
    given(coFundingDecider).when(record()).then([received]);
  });

  it('keeps money in the reporting currency as it is', () => {
    const [event] = coFundingDecider.decide(record({ amount: usd('22000.00'), exchangeRate: undefined }), coFundingDecider.initialState());
    expect(event.data.amountReporting).toEqual({ amount: '22000.00', currency: 'USD' });
    expect(event.data.exchangeRate).toBeNull();
  });

  it('needs a rate for another currency: exchange-rate-required', () => {
    given(coFundingDecider).when(record({ exchangeRate: undefined })).thenThrows('exchange-rate-required');
  });

  it('is recorded once under an id, with valid values', () => {
    given(coFundingDecider, [received]).when(record()).thenThrows(AlreadyExists);
    given(coFundingDecider).when(record({ evidenceRef: '  ' })).thenThrows(InvalidValue);
    given(coFundingDecider).when(record({ source: 'donor' as any })).thenThrows(InvalidValue);
    given(coFundingDecider).when(record({ target: { kind: 'programme' as any, id: 'x' } })).thenThrows(InvalidValue);
    given(coFundingDecider).when(record({ amount: usd('0.00') })).thenThrows(InvalidValue);
  });

  describe('evidence', () => {
    it('counts once', () => {
      given(evidenceDecider).when({ type: 'CountEvidence', evidenceRef: 'Nookat payment order 17/2017', coFundingId: 'cf-1' }).then([counted]);
    });

    it('counts once in the whole ledger: evidence-already-counted', () => {
      given(evidenceDecider, [counted]).when({ type: 'CountEvidence', evidenceRef: 'Nookat payment order 17/2017', coFundingId: 'cf-2' }).thenThrows('evidence-already-counted');
    });

    it('is the same reference whatever its case and spacing', () => {
      expect(normaliseEvidenceRef('  NOOKAT  payment\torder 17/2017 ')).toBe(normaliseEvidenceRef('Nookat payment order 17/2017'));
      expect(normaliseEvidenceRef('order 17')).not.toBe(normaliseEvidenceRef('order 18'));
    });
  });
});
