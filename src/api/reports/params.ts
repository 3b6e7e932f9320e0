import { problem, ProblemError } from '../common/problem.js';

/** A 400 problem naming the query parameter that is wrong. */
export function badParam(field: string, message: string): ProblemError {
  return new ProblemError(problem(400, `${field}: ${message}`, { errors: [{ field, message }] }));
}

/** A single query parameter as a string (undefined when absent); repeated parameters are refused. */
export function optionalText(value: unknown, field: string, max = 200): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badParam(field, 'give it once, as text');
  if (value.length > max) throw badParam(field, `at most ${max} characters`);
  if (/[\u0000-\u001f]/.test(value)) throw badParam(field, 'must not contain control characters');
  return value;
}

export function requiredText(value: unknown, field: string, max = 200): string {
  const text = optionalText(value, field, max);
  if (text === undefined || text === '') throw badParam(field, 'is required');
  return text;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback?: T): T {
  const text = optionalText(value, field);
  if ((text === undefined || text === '') && fallback !== undefined) return fallback;
  if (!allowed.includes(text as T)) throw badParam(field, `must be one of ${allowed.join(', ')}`);
  return text as T;
}

/** A position (≥ 1) or the default. */
export function positionParam(value: unknown, field: string, fallback: number): number {
  const text = optionalText(value, field, 20);
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw badParam(field, 'must be a position (an integer ≥ 1)');
  return Number(text);
}

export function limitParam(value: unknown, fallback = 100, max = 1000): number {
  const text = optionalText(value, 'limit', 20);
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > max) throw badParam('limit', `must be an integer from 1 to ${max}`);
  return Number(text);
}

export interface AsOf {
  /** The moment, ISO 8601 UTC with the precision given (up to microseconds): echoed in answers, passed to SQL. */
  iso: string;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * `asOf`: an ISO 8601 timestamp (UTC when no offset is given; a date alone means the end of that day, UTC).
 * Anything else is a 400.
 */
export function asOfParam(value: unknown): AsOf | null {
  const text = optionalText(value, 'asOf', 64);
  if (text === undefined || text === '') return null;
  const m = TIMESTAMP.exec(text.trim());
  const invalid = () => badParam('asOf', 'must be an ISO 8601 timestamp such as 2017-05-10T12:00:00Z');
  if (!m) throw invalid();
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const utcDate = (hh = 0, mm = 0, ss = 0) => {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day); // Date.UTC would read years below 100 as 19xx
    date.setUTCHours(hh, mm, ss, 0);
    return date;
  };
  const probe = utcDate();
  if (year < 1 || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) throw invalid();
  if (h === undefined) return { iso: `${y}-${mo}-${d}T23:59:59.999999Z` };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) throw invalid();
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) throw invalid();
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = utcDate(Number(h), Number(mi), Number(s ?? 0)).getTime() - offsetMinutes * 60_000;
  const utc = new Date(ms);
  if (Number.isNaN(utc.getTime()) || utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) throw invalid();
  const base = utc.toISOString().slice(0, 19);
  const micro = (fraction ?? '').padEnd(6, '0');
  return { iso: `${base}.${micro}Z` };
}
