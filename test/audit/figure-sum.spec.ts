import { FigureSum, formatSum, parseSumSpec } from '../../src/audit/figure-sum.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { sampleEvents } from './fixtures.js';

function received(position: number, amount: unknown, extra: Record<string, unknown> = {}): RecordedEvent {
  return { ...sampleEvents(1)[0], position, type: 'FundsReceived', data: { amount, ...extra } };
}

const events = [
  received(1, { amount: '34000.00', currency: 'USD' }),
  received(2, { amount: '0.10', currency: 'USD' }),
  received(3, { amount: '1200', currency: 'KGS' }),
  received(4, 'not money'),
  { ...sampleEvents(1)[0], type: 'ResultRecorded', data: { participants: 12 } },
  { ...sampleEvents(1)[0], type: 'ResultRecorded', data: { participants: 30 } },
];

function sumOf(spec: string) {
  const sum = new FigureSum(parseSumSpec(spec));
  events.forEach((e) => sum.add(e));
  return sum.result();
}

describe('re-adding a figure from the events', () => {
  it('sums Money per currency, exactly', () => {
    expect(sumOf('FundsReceived:data.amount')).toEqual({
      spec: 'FundsReceived:data.amount',
      events: 3,
      skipped: 1,
      totals: { USD: '34000.10', KGS: '1200' },
      matches: null,
    });
  });

  it('sums plain integers', () => {
    expect(sumOf('ResultRecorded:data.participants').totals).toEqual({ '': '42' });
  });

  it('compares with an expected figure, whatever its number of decimals', () => {
    expect(sumOf('FundsReceived:data.amount=34000.1 USD').matches).toBe(true);
    expect(sumOf('FundsReceived:data.amount=34000.00 USD').matches).toBe(false);
    expect(sumOf('FundsReceived:data.amount=34000.10').matches).toBe(false); // two currencies: say which
    expect(sumOf('ResultRecorded:data.participants=42').matches).toBe(true);
    expect(sumOf('Unknown:data.x=0').matches).toBe(true);
    expect(formatSum(sumOf('FundsReceived:data.amount=1 USD'))).toMatch(/34000\.10 USD, 1200 KGS over 3 event\(s\), 1 without a value \(DOES NOT MATCH/);
  });

  it('refuses a malformed spec', () => {
    expect(() => parseSumSpec('FundsReceived')).toThrow();
    expect(() => parseSumSpec('FundsReceived:data.amount=abc')).toThrow();
  });
});
