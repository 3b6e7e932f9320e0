import { InvalidValue } from './errors.js';

/** Titles, names, references and reasons are recorded for people to read: blank ones say nothing. */
export function assertText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidValue(field, `${field} must not be blank`);
  return value;
}

/** More people than live on earth is a typo; the cap also keeps counts inside a 32-bit read-model column. */
export const MAX_COUNT = 2_000_000_000;

/** Counts of people (participants, beneficiaries) are whole numbers, never negative. */
export function assertCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_COUNT) {
    throw new InvalidValue(field, `${field} must be a whole number from 0 to ${MAX_COUNT}`);
  }
  return value;
}
