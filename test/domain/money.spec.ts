import fc from 'fast-check';
import { divideHalfEven, pow10 } from '../../src/domain/shared/decimal.js';
import { InvalidValue } from '../../src/domain/shared/errors.js';
import type { Money } from '../../src/domain/shared/money.js';
import { add, compare, convert, formatAmount, money, multiply, subtract, sum, toJson } from '../../src/domain/shared/money.js';

const CURRENCIES = ['USD', 'KGS', 'EUR', 'JPY'] as const;

const minor = fc.bigInt({ min: 0n, max: 10n ** 17n });
const moneyIn = (currency: string): fc.Arbitrary<Money> => minor.map((m) => ({ minor: m, currency }));
/** A positive rate written as a decimal string with up to 8 decimals, e.g. "0.0114" or "87.5". */
const rate = fc
  .record({ units: fc.bigInt({ min: 1n, max: 10n ** 10n }), scale: fc.integer({ min: 0, max: 8 }) })
  .map(({ units, scale }) => {
    const digits = units.toString().padStart(scale + 1, '0');
    return { text: scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`, units, scale };
  });

describe('money (properties)', () => {
  it('formats and parses back to the same amount', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), minor, (currency, m) => {
        const value = { minor: m, currency };
        expect(money(formatAmount(value), currency)).toEqual(value);
      }),
    );
  });

  it('parses canonical decimal strings and formats them with the currency minor digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const text = `${whole}.${String(cents).padStart(2, '0')}`;
        expect(toJson(money(text, 'USD'))).toEqual({ amount: text, currency: 'USD' });
        expect(formatAmount(money(whole.toString(), 'USD'))).toBe(`${whole}.00`);
      }),
    );
  });

  it('is exact on both sides of the 15-digit boundary where parsing takes the fast path', () => {
    expect(money('9999999999999.99', 'USD').minor).toBe(999999999999999n);
    expect(money('99999999999999.99', 'USD').minor).toBe(9999999999999999n);
    expect(money('999999999999999999.99', 'USD').minor).toBe(99999999999999999999n);
    expect(money('999999999999999', 'JPY').minor).toBe(999999999999999n);
    expect(money('9007199254740993', 'JPY').minor).toBe(9007199254740993n); // 2^53 + 1: no double holds it
    expect(money('0.5', 'USD').minor).toBe(50n);
    expect(money('0', 'KGS').minor).toBe(0n);
  });

  it('refuses amounts with more decimals than the currency has, negatives and numbers', () => {
    expect(() => money('1.005', 'USD')).toThrow(InvalidValue);
    expect(() => money('1.5', 'JPY')).toThrow(InvalidValue);
    expect(() => money('-1.00', 'USD')).toThrow(InvalidValue);
    expect(() => money(12 as never, 'USD')).toThrow(InvalidValue);
    expect(() => money('1e3', 'USD')).toThrow(InvalidValue);
  });

  it('adds associatively and commutatively, and subtracting undoes adding', () => {
    fc.assert(
      fc.property(moneyIn('USD'), moneyIn('USD'), moneyIn('USD'), (a, b, c) => {
        expect(add(add(a, b), c)).toEqual(add(a, add(b, c)));
        expect(add(a, b)).toEqual(add(b, a));
        expect(subtract(add(a, b), b)).toEqual(a);
        expect(subtract(subtract(a, b), c)).toEqual(subtract(a, add(b, c)));
        expect(sum('USD', [a, b, c])).toEqual(add(add(a, b), c));
        expect(compare(add(a, b), a)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never mixes currencies', () => {
    expect(() => add(money('1.00', 'USD'), money('1.00', 'KGS'))).toThrow(RangeError);
  });

  it('converts to the nearest minor unit of the reporting currency, ties to even', () => {
    fc.assert(
      fc.property(fc.constantFrom('KGS', 'JPY'), minor, rate, (from, m, r) => {
        const converted = convert({ minor: m, currency: from }, 'USD', { rate: r.text, date: '2017-05-10', source: 'NBKR' });
        // Exact value in USD cents = m × rate × 10^2 / 10^fromDigits, kept as the fraction numerator / denominator.
        const fromDigits = from === 'JPY' ? 0 : 2;
        const numerator = m * r.units * 100n;
        const denominator = pow10(fromDigits + r.scale);
        const distance = converted.minor * denominator - numerator; // result − exact, times the denominator
        const twice = 2n * (distance < 0n ? -distance : distance);
        expect(converted.currency).toBe('USD');
        expect(twice <= denominator).toBe(true); // at most half a cent away
        if (twice === denominator) expect(converted.minor % 2n).toBe(0n); // a tie goes to the even cent
      }),
    );
  });

  it('leaves money in the reporting currency as it is', () => {
    fc.assert(fc.property(moneyIn('USD'), (m) => expect(convert(m, 'USD')).toBe(m)));
  });

  it('rounds known ties half to even', () => {
    const rate = (r: string) => ({ rate: r, date: '2017-05-10', source: 'NBKR' });
    expect(formatAmount(convert(money('0.50', 'KGS'), 'USD', rate('0.05')))).toBe('0.02'); // 0.025 -> 0.02
    expect(formatAmount(convert(money('0.70', 'KGS'), 'USD', rate('0.05')))).toBe('0.04'); // 0.035 -> 0.04
    expect(formatAmount(convert(money('1000000.00', 'KGS'), 'USD', rate('0.0114')))).toBe('11400.00');
    expect(divideHalfEven(5n, 2n)).toBe(2n);
    expect(divideHalfEven(7n, 2n)).toBe(4n);
  });

  it('multiplies by a ratio with half-even rounding, and complementary ratios add up within a cent', () => {
    fc.assert(
      fc.property(moneyIn('USD'), fc.integer({ min: 0, max: 100 }), (m, percent) => {
        const part = multiply(m, { units: BigInt(percent), scale: 2 });
        const rest = multiply(m, { units: BigInt(100 - percent), scale: 2 });
        const gap = m.minor - part.minor - rest.minor;
        expect(gap >= -1n && gap <= 1n).toBe(true);
        const off = part.minor * 100n - m.minor * BigInt(percent); // hundredths of a cent
        expect(off >= -50n && off <= 50n).toBe(true);
      }),
    );
  });
});
