import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { isHexHash } from './hashing.js';

/**
 * Signed checkpoints: the ledger's Ed25519 signature over the Merkle root of the event chain at some size.
 * Anyone holding a checkpoint and the public key can later prove that the log they are shown is the one
 * that was signed (same root), or extends it (consistency proof), even if the whole database was rewritten.
 *
 * The signed message is the UTF-8 text below, in the C2SP tlog-checkpoint format (origin, size, base64 root,
 * then extension lines), each line ending in "\n":
 *
 *   aid-ledger
 *   <treeSize, decimal>
 *   <rootHash, standard base64 of the 32 bytes>
 *   head-position <headPosition, decimal>
 *   head-hash <headHash, 64 lowercase hex>
 *   issued-at <issuedAt, ISO 8601 UTC>
 *   key-id <keyId, 8 lowercase hex>
 *
 * signature = standard base64 of Ed25519(private key, those bytes).
 * keyId     = hex of the first 4 bytes of SHA-256("aid-ledger" || 0x0A || 0x01 || 32-byte raw public key),
 *             the C2SP signed-note key ID, so `toSignedNote` yields a note that standard note tooling verifies
 *             with the key `noteVerifierKey` prints.
 *
 * In JSON (API answers, bundles) rootHash and headHash are lowercase hex like every other hash here; only
 * the signed text uses base64 for the root, because the C2SP format says so.
 */
export const CHECKPOINT_ORIGIN = 'aid-ledger';

export interface Checkpoint {
  /** Number of events (Merkle leaves) covered. */
  treeSize: number;
  /** MTH over the chain hashes of the first treeSize events, hex. */
  rootHash: string;
  /** Position of the last covered event (0 for an empty tree). */
  headPosition: number;
  /** Chain hash of the last covered event (GENESIS_HASH for an empty tree), hex. */
  headHash: string;
  issuedAt: string;
  keyId: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Base64 Ed25519 signature over checkpointText(checkpoint). */
  signature: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The env variable holding the signing key: PKCS#8 PEM, or base64 of a 32-byte Ed25519 seed or of PKCS#8 DER. */
export const SIGNING_KEY_ENV = 'AUDIT_SIGNING_KEY';

// DER prefixes of Ed25519 keys (RFC 8410): what precedes the 32 raw bytes in PKCS#8 and SubjectPublicKeyInfo.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const KEY_ID = /^[0-9a-f]{8}$/;
const NOTE_VERIFIER_KEY = /^[^+\s]+\+[0-9a-f]{8}\+([A-Za-z0-9+/]+=*)$/;

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Reads a private key written as PKCS#8 PEM, or as base64 of a 32-byte seed or of PKCS#8 DER. */
export function signingKeyFromText(text: string): SigningKey {
  const trimmed = text.trim();
  let privateKey: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    privateKey = createPrivateKey(trimmed);
  } else {
    const bytes = Buffer.from(trimmed, 'base64');
    const der = bytes.length === 32 ? Buffer.concat([PKCS8_ED25519_PREFIX, bytes]) : bytes;
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * The signing key from AUDIT_SIGNING_KEY, or a fresh one when it is unset. A generated key lives only in
 * this process: the caller must keep it (DATA_DIR in development) or checkpoints cannot be checked later.
 */
export function signingKeyFromEnv(env: NodeJS.ProcessEnv = process.env): { key: SigningKey; generated: boolean } {
  const text = env[SIGNING_KEY_ENV];
  if (text && text.trim() !== '') return { key: signingKeyFromText(text), generated: false };
  return { key: generateSigningKey(), generated: true };
}

export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicKeyPem(key: SigningKey | KeyObject): string {
  return publicKeyOf(key).export({ format: 'pem', type: 'spki' }).toString();
}

/** The 32 raw bytes of the public key, base64. */
export function publicKeyRawBase64(key: SigningKey | KeyObject): string {
  return rawPublicKey(publicKeyOf(key)).toString('base64');
}

/** The key in C2SP signed-note verifier form: `aid-ledger+<keyId>+<base64(0x01 || raw key)>`. */
export function noteVerifierKey(key: SigningKey | KeyObject): string {
  const publicKey = publicKeyOf(key);
  const encoded = Buffer.concat([Buffer.from([0x01]), rawPublicKey(publicKey)]).toString('base64');
  return `${CHECKPOINT_ORIGIN}+${keyIdOf(publicKey)}+${encoded}`;
}

/**
 * Reads a public key given as SPKI PEM, base64 of the 32 raw bytes, base64 of SPKI DER, or a note verifier
 * key (`name+keyid+base64`). Throws when it is none of these or not Ed25519.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPublicKey(trimmed);
  } else {
    // Base64 may itself contain '+', so the note form is told apart by its whole shape, not by splitting.
    const note = NOTE_VERIFIER_KEY.exec(trimmed);
    const noteBytes = note ? Buffer.from(note[1], 'base64') : null;
    if (noteBytes && noteBytes.length === 33 && noteBytes[0] === 0x01) {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, noteBytes.subarray(1)]), format: 'der', type: 'spki' });
    } else {
      const bytes = Buffer.from(trimmed, 'base64');
      const der = bytes.length === 32 ? Buffer.concat([SPKI_ED25519_PREFIX, bytes]) : bytes;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the public key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** The C2SP signed-note key ID of an Ed25519 public key, as 8 hex characters. */
export function keyIdOf(key: SigningKey | KeyObject): string {
  const raw = rawPublicKey(publicKeyOf(key));
  return createHash('sha256')
    .update(Buffer.from(CHECKPOINT_ORIGIN, 'utf8'))
    .update(Buffer.from([0x0a, 0x01]))
    .update(raw)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

/** The exact bytes that are signed (see the comment at the top). Throws on a field that could make it ambiguous. */
export function checkpointText(checkpoint: Checkpoint): string {
  const { treeSize, rootHash, headPosition, headHash, issuedAt, keyId } = checkpoint;
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new TypeError(`treeSize must be a non-negative integer, got ${treeSize}`);
  if (!Number.isSafeInteger(headPosition) || headPosition < 0) throw new TypeError(`headPosition must be a non-negative integer, got ${headPosition}`);
  if (!isHexHash(rootHash)) throw new TypeError('rootHash must be 64 lowercase hex characters');
  if (!isHexHash(headHash)) throw new TypeError('headHash must be 64 lowercase hex characters');
  // The patterns also keep newlines out, so no field can forge an extra line of the signed text.
  if (typeof issuedAt !== 'string' || !ISO_UTC.test(issuedAt)) throw new TypeError('issuedAt must be an ISO 8601 UTC timestamp');
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) throw new TypeError('keyId must be 8 lowercase hex characters');
  return [
    CHECKPOINT_ORIGIN,
    String(treeSize),
    Buffer.from(rootHash, 'hex').toString('base64'),
    `head-position ${headPosition}`,
    `head-hash ${headHash}`,
    `issued-at ${issuedAt}`,
    `key-id ${keyId}`,
    '',
  ].join('\n');
}

export function signCheckpoint(
  fields: Omit<Checkpoint, 'keyId' | 'issuedAt'> & { issuedAt?: string },
  key: SigningKey,
): SignedCheckpoint {
  const checkpoint: Checkpoint = {
    treeSize: fields.treeSize,
    rootHash: fields.rootHash,
    headPosition: fields.headPosition,
    headHash: fields.headHash,
    issuedAt: fields.issuedAt ?? new Date().toISOString(),
    keyId: key.keyId,
  };
  const signature = sign(null, Buffer.from(checkpointText(checkpoint), 'utf8'), key.privateKey).toString('base64');
  return { ...checkpoint, signature };
}

export type CheckpointVerdict = { valid: true } | { valid: false; reason: string };

/** Checks the signature with `publicKey` (a key you trust, not one the checkpoint's sender hands you). */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKey: SigningKey | KeyObject): CheckpointVerdict {
  const key = publicKeyOf(publicKey);
  const expectedKeyId = keyIdOf(key);
  if (signed.keyId !== expectedKeyId) {
    return { valid: false, reason: `the checkpoint names key ${signed.keyId}, the key given is ${expectedKeyId}` };
  }
  let text: string;
  try {
    text = checkpointText(signed);
  } catch (error) {
    return { valid: false, reason: `malformed checkpoint: ${(error as Error).message}` };
  }
  const signature = Buffer.from(String(signed.signature ?? ''), 'base64');
  // An Ed25519 signature is 64 bytes; anything else is malformed (and Buffer.from ignores bad base64 quietly).
  if (signature.length !== 64) return { valid: false, reason: 'the signature is not 64 bytes of base64' };
  if (!verify(null, Buffer.from(text, 'utf8'), key, signature)) return { valid: false, reason: 'the signature does not match' };
  return { valid: true };
}

/** The checkpoint as a complete C2SP signed note (text, blank line, signature line). */
export function toSignedNote(signed: SignedCheckpoint): string {
  const keyHash = Buffer.from(signed.keyId, 'hex');
  const signature = Buffer.from(signed.signature, 'base64');
  return `${checkpointText(signed)}\n\u2014 ${CHECKPOINT_ORIGIN} ${Buffer.concat([keyHash, signature]).toString('base64')}\n`;
}

function publicKeyOf(key: SigningKey | KeyObject): KeyObject {
  return 'publicKey' in key && 'privateKey' in key ? key.publicKey : key.type === 'private' ? createPublicKey(key) : key;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}
