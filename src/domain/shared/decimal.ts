import { InvalidValue } from './errors.js';

/** An exact decimal: value = units / 10^scale. Used for ratios and exchange rates. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.([0-9]+))?$/;

export function parseDecimal(text: unknown, field: string, maxScale = 12): Decimal {
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    throw new InvalidValue(field, `${field} must be a non-negative decimal string such as "0.5"`);
  }
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > maxScale) {
    throw new InvalidValue(field, `${field} has more than ${maxScale} decimal digits`);
  }
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

export function formatDecimal(d: Decimal): string {
  if (d.scale === 0) return d.units.toString();
  const digits = d.units.toString().padStart(d.scale + 1, '0');
  return `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
}

export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** numerator / denominator rounded half to even (banker's rounding); both non-negative. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = n / denominator;
  const remainder = n % denominator;
  const twice = remainder * 2n;
  let rounded = quotient;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) rounded += 1n;
  return negative ? -rounded : rounded;
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * pow10(scale - a.scale);
  const y = b.units * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const ONE: Decimal = { units: 1n, scale: 0 };
