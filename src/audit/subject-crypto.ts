import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Crypto-shredding: personal data inside events is stored encrypted with a key of its own per data subject
 * (a person). Events are append-only and hashed, so personal data cannot be deleted from them; to honour an
 * erasure request the subject's key is destroyed instead. The ciphertext stays, so the hash chain still
 * verifies, but nobody can read it any more.
 *
 *   data key     32 random bytes per subject (AES-256-GCM)
 *   wrapped key  the data key encrypted with the master key (AES-256-GCM), so a database dump alone reveals nothing
 *   envelope     {enc: 'aes-256-gcm', subject, iv, tag, ct}: a JSON value encrypted with the subject's data key,
 *                iv/tag/ct in base64; it sits inside an event's data where the plain value would be
 *
 * The subject id is bound into each encryption as additional authenticated data, so an envelope or wrapped
 * key copied onto another subject fails to decrypt rather than revealing someone else's data.
 * Everything here is pure: keys come in as arguments; storing them (and erasing them) is the caller's job.
 */

export const ENVELOPE_ALGORITHM = 'aes-256-gcm';

export interface Envelope {
  enc: typeof ENVELOPE_ALGORITHM;
  subject: string;
  /** 12-byte nonce, base64. Random per encryption: a GCM nonce must never repeat under one key. */
  iv: string;
  /** 16-byte authentication tag, base64. */
  tag: string;
  ct: string;
}

/** What a reader gets for data whose subject's key has been erased. */
export interface Erased {
  erased: true;
  subject: string;
}

export interface WrappedKey {
  enc: typeof ENVELOPE_ALGORITHM;
  iv: string;
  tag: string;
  ct: string;
}

/** Decryption failed: the ciphertext, tag, subject or key is not the one it was made with. */
export class DecryptionFailed extends Error {
  constructor(readonly subject: string, detail: string) {
    super(`cannot decrypt data of subject '${subject}': ${detail}`);
    this.name = 'DecryptionFailed';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Different labels for the two uses, so a wrapped key can never be accepted as a data envelope or vice versa.
const DATA_AAD = 'aid-ledger/subject-data/v1';
const WRAP_AAD = 'aid-ledger/subject-key/v1';

export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A master key is also 32 random bytes; in production it comes from a secret store, never the database. */
export const generateMasterKey = generateDataKey;

export function wrapDataKey(masterKey: Uint8Array, subject: string, dataKey: Uint8Array): WrappedKey {
  checkKey(dataKey, 'data key');
  const { iv, tag, ct } = seal(masterKey, aad(WRAP_AAD, subject), dataKey);
  return { enc: ENVELOPE_ALGORITHM, iv, tag, ct };
}

export function unwrapDataKey(masterKey: Uint8Array, subject: string, wrapped: WrappedKey): Buffer {
  const key = open(masterKey, aad(WRAP_AAD, subject), wrapped, subject);
  checkKey(key, 'unwrapped data key');
  return key;
}

/** Encrypts a JSON value (anything JSON.stringify accepts) for `subject`. */
export function encryptValue(dataKey: Uint8Array, subject: string, value: unknown): Envelope {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('only JSON values can be encrypted');
  const sealed = seal(dataKey, aad(DATA_AAD, subject), Buffer.from(json, 'utf8'));
  return { enc: ENVELOPE_ALGORITHM, subject, ...sealed };
}

/**
 * The value inside `envelope`, or an Erased marker when the subject's key is gone (null/undefined).
 * A wrong key or altered envelope throws DecryptionFailed: that is tampering, not erasure.
 */
export function decryptValue(dataKey: Uint8Array | null | undefined, envelope: Envelope): unknown {
  if (dataKey == null) return { erased: true, subject: envelope.subject } satisfies Erased;
  const plain = open(dataKey, aad(DATA_AAD, envelope.subject), envelope, envelope.subject);
  return JSON.parse(plain.toString('utf8'));
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.enc === ENVELOPE_ALGORITHM && typeof v.subject === 'string' && typeof v.iv === 'string' && typeof v.tag === 'string' && typeof v.ct === 'string';
}

export function isErased(value: unknown): value is Erased {
  return typeof value === 'object' && value !== null && (value as Erased).erased === true && typeof (value as Erased).subject === 'string';
}

/**
 * A copy of `value` with every envelope in it (at any depth) replaced by its plain value, or by an Erased
 * marker where `keyFor(subject)` returns null. For read models and exports that show an event's data.
 */
export function decryptDeep(value: unknown, keyFor: (subject: string) => Uint8Array | null | undefined): unknown {
  if (isEnvelope(value)) return decryptValue(keyFor(value.subject), value);
  if (Array.isArray(value)) return value.map((item) => decryptDeep(item, keyFor));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decryptDeep(v, keyFor)]));
  }
  return value;
}

function aad(label: string, subject: string): Buffer {
  // The 0x00 separates label from subject, so no (label, subject) pair can spell another.
  return Buffer.concat([Buffer.from(label, 'utf8'), Buffer.from([0x00]), Buffer.from(subject, 'utf8')]);
}

function seal(key: Uint8Array, additionalData: Buffer, plain: Uint8Array): { iv: string; tag: string; ct: string } {
  checkKey(key, 'key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

function open(key: Uint8Array, additionalData: Buffer, sealed: { iv: string; tag: string; ct: string }, subject: string): Buffer {
  checkKey(key, 'key');
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  // A short tag would weaken GCM's authentication to a guessable size: accept the full 16 bytes only.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionFailed(subject, 'malformed iv or tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
  } catch {
    throw new DecryptionFailed(subject, 'authentication failed (wrong key, wrong subject or altered data)');
  }
}

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new TypeError(`a ${what} has ${KEY_BYTES} bytes`);
}
