import { compareDecimal, formatDecimal, parseDecimal, pow10, type Decimal } from '../domain/shared/decimal.js';
import type { HashedEvent } from './hashing.js';

/**
 * Re-adds a figure from the events of a verified bundle, so an auditor can check a number in a report
 * against the signed log itself: `--check-sum FundsReceived:data.amount=34000.00 USD`.
 *
 * The spec is `<eventType>:<path>[=<expected>]`. The path is dot-separated from the event's top level
 * (`data.amount`, `data.participants`). A Money value ({amount, currency}) is summed per currency; a decimal
 * string or an integer is summed as a plain number. Sums are exact (bigint), never floating point.
 * This adds every event of the type: a report figure that also depends on other events (a disbursement paid,
 * not cancelled) needs more than one sum, or the report's own trace.
 */

export interface SumSpec {
  text: string;
  eventType: string;
  path: string[];
  /** The figure to compare with: an amount, and a currency when the summed values are Money. */
  expected?: { amount: Decimal; currency: string | null };
}

export interface SumResult {
  spec: string;
  /** Events of the type whose value was summed. */
  events: number;
  /** Events of the type without a summable value at the path. */
  skipped: number;
  /** Sum per currency; the key '' holds plain numbers. */
  totals: Record<string, string>;
  /** Whether the sum equals the expected figure; null when none was given. */
  matches: boolean | null;
}

const SPEC = /^([^:]+):([A-Za-z0-9_.]+)(?:=(\S+)(?:\s+([A-Z]{3}))?)?$/;

export function parseSumSpec(text: string): SumSpec {
  const match = SPEC.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not <eventType>:<path>[=<amount>[ <currency>]]`);
  const [, eventType, path, amount, currency] = match;
  return {
    text: text.trim(),
    eventType,
    path: path.split('.'),
    expected: amount === undefined ? undefined : { amount: parseDecimal(amount, 'expected'), currency: currency ?? null },
  };
}

export class FigureSum {
  private readonly totals = new Map<string, Decimal>();
  private events = 0;
  private skipped = 0;

  constructor(readonly spec: SumSpec) {}

  add(event: HashedEvent): void {
    if (event.type !== this.spec.eventType) return;
    let value: unknown = event;
    for (const key of this.spec.path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

    const money = value as { amount?: unknown; currency?: unknown } | null;
    const [text, currency] =
      typeof money === 'object' && money !== null && typeof money.currency === 'string'
        ? [money.amount, money.currency]
        : [Number.isSafeInteger(value) ? String(value) : value, ''];
    let amount: Decimal;
    try {
      amount = parseDecimal(text, this.spec.path.join('.'));
    } catch {
      this.skipped++;
      return;
    }
    this.totals.set(currency, addDecimal(this.totals.get(currency) ?? { units: 0n, scale: 0 }, amount));
    this.events++;
  }

  result(): SumResult {
    const totals = Object.fromEntries([...this.totals].map(([currency, sum]) => [currency, formatDecimal(sum)]));
    const expected = this.spec.expected;
    let matches: boolean | null = null;
    if (expected) {
      // Without a currency the expectation names the only total there is (none counts as zero).
      const keys = [...this.totals.keys()];
      const key = expected.currency ?? (keys.length <= 1 ? (keys[0] ?? '') : null);
      matches = key !== null && compareDecimal(this.totals.get(key) ?? { units: 0n, scale: 0 }, expected.amount) === 0;
    }
    return { spec: this.spec.text, events: this.events, skipped: this.skipped, totals, matches };
  }
}

export function formatSum(result: SumResult): string {
  const totals = Object.entries(result.totals).map(([currency, sum]) => (currency ? `${sum} ${currency}` : sum));
  const verdict = result.matches === null ? '' : result.matches ? ' (matches the expected figure)' : ' (DOES NOT MATCH the expected figure)';
  const skipped = result.skipped > 0 ? `, ${result.skipped} without a value` : '';
  return `Sum ${result.spec}: ${totals.length ? totals.join(', ') : '0'} over ${result.events} event(s)${skipped}${verdict}`;
}

function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: a.units * pow10(scale - a.scale) + b.units * pow10(scale - b.scale), scale };
}
