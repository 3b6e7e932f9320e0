import { hash } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/port.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The event hash chain: every event's hash covers the event and the hash before it, so changing, removing,
 * reordering or inserting an event breaks every hash from that point on.
 *
 * Byte layout (an outside verifier can reimplement it from this comment alone):
 *
 *   message    = "aid-ledger/event-hash/v1"   24 ASCII bytes, the domain tag
 *                || 0x00                      1 byte, ends the tag
 *                || prevHash                  32 raw bytes (the previous event's hash, not its hex)
 *                || JCS(body)                 the UTF-8 bytes of the RFC 8785 canonical JSON of body
 *   eventHash  = lowercase hex of SHA-256(message)   (64 characters)
 *   genesis    = 32 zero bytes: the prevHash of the first event in the log
 *
 *   body = { id, streamId, streamVersion, position, type, schemaVersion, data, metadata, effectiveOn, recordedAt }
 *          exactly these ten keys with the values the store recorded (effectiveOn is null when absent;
 *          recordedAt is the ISO 8601 UTC string with milliseconds, as RecordedEvent carries it).
 *
 * The domain tag keeps a hash made here from ever equalling a hash made for another purpose (a Merkle leaf,
 * a later version of this layout). RFC 8785 makes the JSON independent of key order and number spelling,
 * so a database that stores JSON its own way (jsonb reorders keys) still yields the same bytes.
 *
 * `data` and `metadata` are hashed as stored: where personal data is encrypted (subject-crypto.ts) the hash
 * covers the ciphertext envelope, so erasing a subject's key later leaves the chain intact.
 * Events must be hashed as recorded, never after upcasting: an upcaster added next year must not change
 * last year's hashes.
 */
export const EVENT_HASH_DOMAIN = 'aid-ledger/event-hash/v1';

/** The previous hash of the first event: 32 zero bytes, in hex. */
export const GENESIS_HASH = '0'.repeat(64);

const DOMAIN_PREFIX = Buffer.concat([Buffer.from(EVENT_HASH_DOMAIN, 'ascii'), Buffer.from([0x00])]);
const HEX_HASH = /^[0-9a-f]{64}$/;

/** The fields of a recorded event the chain covers; other fields (a bundle's `kind`, `hash`) are not hashed. */
export type HashedEvent = Pick<
  RecordedEvent,
  'id' | 'streamId' | 'streamVersion' | 'position' | 'type' | 'schemaVersion' | 'data' | 'metadata' | 'effectiveOn' | 'recordedAt'
>;

export function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

/** The canonical JSON (RFC 8785) of the hashed part of an event: the last part of the hashed message. */
export function canonicalEventBody(event: HashedEvent): string {
  // Built field by field so that anything else the object carries can never slip into the hash.
  const body = {
    id: event.id,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    position: event.position,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    effectiveOn: event.effectiveOn ?? null,
    recordedAt: event.recordedAt,
  };
  // `data: undefined` would vanish from the JSON: refuse it rather than hash an event without its data.
  if (body.data === undefined || body.metadata === undefined) throw new TypeError(`event at position ${event.position} has no data or metadata`);
  const text = canonicalJson(body);
  if (text === undefined) throw new TypeError('event cannot be serialised');
  return text;
}

/** The chain hash of `event`, given the hash of the event before it (GENESIS_HASH for the first). */
export function eventHash(prevHash: string, event: HashedEvent): string {
  if (!isHexHash(prevHash)) throw new TypeError(`previous hash must be 64 lowercase hex characters, got '${prevHash}'`);
  return hash('sha256', Buffer.concat([DOMAIN_PREFIX, Buffer.from(prevHash, 'hex'), Buffer.from(canonicalEventBody(event), 'utf8')]), 'hex');
}

/** The hashes of consecutive events, continuing a chain whose last hash is `prevHash`. */
export function chainHashes(events: Iterable<HashedEvent>, prevHash: string = GENESIS_HASH): string[] {
  const hashes: string[] = [];
  let prev = prevHash;
  for (const event of events) {
    prev = eventHash(prev, event);
    hashes.push(prev);
  }
  return hashes;
}
