import { InvalidValue } from './errors.js';

const BUSINESS_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A business date is a real calendar day written `YYYY-MM-DD` (2017-02-29 is not one). */
export function isBusinessDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = BUSINESS_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.UTC rolls 02-30 over into March, so a round trip tells real days from impossible ones.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function assertBusinessDate(value: unknown, field: string): string {
  if (!isBusinessDate(value)) throw new InvalidValue(field, `${field} must be a date written YYYY-MM-DD`);
  return value;
}

/** `from` and `to` are business dates; ISO dates compare correctly as strings. */
export function assertDateOrder(from: string, to: string, field: string): void {
  if (to < from) throw new InvalidValue(field, `${field} must not be before the start date`);
}
