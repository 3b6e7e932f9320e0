import type { RecordResult } from '../../src/domain/result/commands.js';
import { resultDecider } from '../../src/domain/result/decider.js';
import type { ResultEvent } from '../../src/domain/result/events.js';
import { AlreadyExists, InvalidValue, NotFound } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';

const record = (overrides: Partial<RecordResult> = {}): RecordResult => ({
  type: 'RecordResult',
  resultId: 'tot-2016',
  programmeId: 'inl-2016',
  kind: 'training',
  date: '2016-05-20',
  title: 'Training of trainers for akims and district police heads',
  participants: 34,
  ...overrides,
});

const recorded: ResultEvent = {
  type: 'ResultRecorded',
  data: {
    resultId: 'tot-2016',
    programmeId: 'inl-2016',
    kind: 'training',
    date: '2016-05-20',
    title: 'Training of trainers for akims and district police heads',
    municipalityId: null,
    grantId: null,
    priority: null,
    participants: 34,
    directBeneficiaries: null,
    indirectBeneficiaries: null,
  },
  effectiveOn: '2016-05-20',
};

const retracted: ResultEvent = { type: 'ResultRetracted', data: { resultId: 'tot-2016', reason: 'counted twice' } };

describe('result', () => {
  describe('RecordResult', () => {
    it('records a result, effective on its date, with absent figures as null', () => {
      given(resultDecider).when(record()).then([recorded]);
    });

    it('keeps where, under which grant and priority, and how many people it reached', () => {
      const [event] = resultDecider.decide(
        record({ kind: 'beneficiaries', municipalityId: 'nookat', grantId: 'app-7', priority: 'road safety', participants: 0, directBeneficiaries: 350, indirectBeneficiaries: 600000 }),
        { exists: false },
      );
      expect(event.data).toMatchObject({ municipalityId: 'nookat', grantId: 'app-7', priority: 'road safety', participants: 0, directBeneficiaries: 350, indirectBeneficiaries: 600000 });
    });

    it('is recorded once', () => {
      given(resultDecider, [recorded]).when(record()).thenThrows(AlreadyExists);
    });

    it.each<[string, Partial<RecordResult>]>([
      ['negative participants', { participants: -1 }],
      ['fractional beneficiaries', { directBeneficiaries: 1.5 }],
      ['an unknown kind', { kind: 'concert' as never }],
      ['an impossible date', { date: '2016-02-30' }],
      ['a blank title', { title: ' ' }],
    ])('refuses %s', (_, overrides) => {
      given(resultDecider).when(record(overrides)).thenThrows(InvalidValue);
    });
  });

  describe('RetractResult', () => {
    it('retracts with a reason; the result stays on record', () => {
      given(resultDecider, [recorded]).when({ type: 'RetractResult', resultId: 'tot-2016', reason: 'counted twice' }).then([retracted]);
    });

    it('is retracted once: invalid-state', () => {
      given(resultDecider, [recorded, retracted]).when({ type: 'RetractResult', resultId: 'tot-2016', reason: 'again' }).thenThrows('invalid-state');
    });

    it('needs a recorded result and a reason', () => {
      given(resultDecider).when({ type: 'RetractResult', resultId: 'tot-2016', reason: 'x' }).thenThrows(NotFound);
      given(resultDecider, [recorded]).when({ type: 'RetractResult', resultId: 'tot-2016', reason: '' }).thenThrows(InvalidValue);
    });
  });
});
