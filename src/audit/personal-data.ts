import type pg from 'pg';
import { InvalidValue, RuleViolation } from '../domain/shared/errors.js';
import {
  DecryptionFailed,
  decryptValue,
  encryptValue,
  generateDataKey,
  isEnvelope,
  unwrapDataKey,
  wrapDataKey,
  type Envelope,
  type WrappedKey,
} from './subject-crypto.js';

/**
 * Personal data of people (commission members' names, applications' contact persons), crypto-shredded
 * (subject-crypto.ts): the write side stores an envelope encrypted with the person's own key where the
 * plain value would be, so events, hashes, exports and read models only ever hold ciphertext; GET answers
 * `reveal` it at read time. Erasing a person destroys their key (table subject_keys keeps it wrapped with
 * the master key), after which every copy of their data, in events and read models alike, reads "[erased]"
 * while the hash chain and every proof still verify: the hashes cover the ciphertext, which never changes.
 *
 * Subject ids: a commission member's id (their JWT `sub`), `contact-<applicationId>` for a contact person.
 */

/** What a reader sees in place of data whose subject was erased. */
export const ERASED = '[erased]';
/** What a reader sees in place of an envelope that fails to decrypt (altered ciphertext: tampering, not erasure). */
export const UNREADABLE = '[unreadable]';

/** Subject ids: 1 to 256 characters, no control characters, not blank (member ids are JWT subjects). */
export const SUBJECT_ID = /^(?=.*\S)[^\x00-\x1f\x7f]{1,256}$/u;

export type SubjectState = 'active' | 'erased' | 'unknown';

/** Plain values where envelopes were: the type a read answer has after `reveal`. */
export type Revealed<T> = T extends Envelope ? unknown : T extends (infer U)[] ? Revealed<U>[] : T extends object ? { [K in keyof T]: Revealed<T[K]> } : T;

export class PersonalData {
  private readonly masterKey: Buffer;

  constructor(
    private readonly pool: pg.Pool,
    masterKey: Uint8Array | string,
  ) {
    this.masterKey = typeof masterKey === 'string' ? Buffer.from(masterKey, 'base64') : Buffer.from(masterKey);
    if (this.masterKey.length !== 32) throw new TypeError('the personal-data master key has 32 bytes');
  }

  async init(): Promise<void> {
    await this.pool.query(`create table if not exists subject_keys (
      subject    text primary key,
      -- the subject's data key wrapped with the master key; null once erased (the key is gone for good)
      wrapped    jsonb,
      created_at timestamptz not null default now(),
      erased_at  timestamptz
    )`);
  }

  /**
   * `value` encrypted for `subjectId`, to store in an event where the plain value would be. Creates the
   * subject's key on first use. An erased subject's data is never recorded again: 422 `subject-erased`.
   */
  async protect(subjectId: string, value: unknown): Promise<Envelope> {
    checkSubject(subjectId);
    const key = await this.keyFor(subjectId);
    return encryptValue(key, subjectId, value);
  }

  /** `protect` for an optional value: null and undefined stay as they are. */
  async protectOptional<T>(subjectId: string, value: T | null | undefined): Promise<Envelope | null | undefined> {
    if (value === null || value === undefined) return value as null | undefined;
    return this.protect(subjectId, value);
  }

  /**
   * A copy of `value` with every envelope in it (at any depth) replaced by its plain value, or by "[erased]"
   * where the subject's key was destroyed. One query for all the subjects involved.
   */
  async reveal<T>(value: T): Promise<Revealed<T>> {
    const subjects = new Set<string>();
    collectSubjects(value, subjects);
    if (subjects.size === 0) return value as Revealed<T>;
    const { rows } = await this.pool.query<{ subject: string; wrapped: WrappedKey | null }>(
      'select subject, wrapped from subject_keys where subject = any($1::text[])',
      [[...subjects]],
    );
    const keys = new Map<string, Buffer | null>();
    for (const row of rows) {
      try {
        keys.set(row.subject, row.wrapped ? unwrapDataKey(this.masterKey, row.subject, row.wrapped) : null);
      } catch {
        keys.set(row.subject, null); // a wrapped key that does not open is as good as destroyed
      }
    }
    return replaceEnvelopes(value, (envelope) => {
      const key = keys.get(envelope.subject);
      if (!key) return ERASED;
      try {
        return decryptValue(key, envelope);
      } catch (error) {
        if (error instanceof DecryptionFailed) return UNREADABLE;
        throw error;
      }
    }) as Revealed<T>;
  }

  async state(subjectId: string): Promise<SubjectState> {
    if (!SUBJECT_ID.test(subjectId)) return 'unknown';
    const { rows } = await this.pool.query<{ erased: boolean }>('select erased_at is not null as erased from subject_keys where subject = $1', [subjectId]);
    return rows.length === 0 ? 'unknown' : rows[0].erased ? 'erased' : 'active';
  }

  /**
   * Destroys the subject's key. Returns what the subject was before: 'active' (now erased), 'erased'
   * (nothing to do) or 'unknown' (no data of theirs was ever protected).
   */
  async erase(subjectId: string): Promise<SubjectState> {
    const before = await this.state(subjectId);
    if (before !== 'active') return before;
    await this.pool.query('update subject_keys set wrapped = null, erased_at = coalesce(erased_at, now()) where subject = $1', [subjectId]);
    // Best effort: drop the dead row version that still holds the wrapped key (it stays wrapped with the master key).
    await this.pool.query('vacuum subject_keys').catch(() => undefined);
    return 'active';
  }

  private async keyFor(subjectId: string): Promise<Buffer> {
    const fresh = wrapDataKey(this.masterKey, subjectId, generateDataKey());
    // Two writers protecting data of the same new subject at once both end up with the key that won.
    await this.pool.query('insert into subject_keys (subject, wrapped) values ($1, $2) on conflict (subject) do nothing', [subjectId, JSON.stringify(fresh)]);
    const { rows } = await this.pool.query<{ wrapped: WrappedKey | null }>('select wrapped from subject_keys where subject = $1', [subjectId]);
    const wrapped = rows[0]?.wrapped;
    if (!wrapped) throw new RuleViolation('subject-erased', `the personal data of '${subjectId}' was erased; it cannot be recorded again`);
    return unwrapDataKey(this.masterKey, subjectId, wrapped);
  }
}

function checkSubject(subjectId: string): void {
  if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId)) {
    throw new InvalidValue('subject', `a person's id must be 1 to 256 characters without control characters (got '${String(subjectId).slice(0, 260)}')`);
  }
}

function collectSubjects(value: unknown, into: Set<string>): void {
  if (isEnvelope(value)) into.add(value.subject);
  else if (Array.isArray(value)) for (const item of value) collectSubjects(item, into);
  else if (typeof value === 'object' && value !== null && !(value instanceof Date)) for (const v of Object.values(value)) collectSubjects(v, into);
}

function replaceEnvelopes(value: unknown, open: (envelope: Envelope) => unknown): unknown {
  if (isEnvelope(value)) return open(value);
  if (Array.isArray(value)) return value.map((item) => replaceEnvelopes(item, open));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    // Keeps the prototype's plain shape only: read-model rows are serialised as JSON anyway.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceEnvelopes(v, open)]));
  }
  return value;
}
