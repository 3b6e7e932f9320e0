import { createHash } from 'node:crypto';
import { GENESIS_HASH, canonicalEventBody, chainHashes, eventHash, type HashedEvent } from '../../src/audit/hashing.js';
import { sampleEvents } from './fixtures.js';

const [event, second] = sampleEvents(2);

describe('eventHash', () => {
  it('follows the documented byte layout: SHA-256(tag || 0x00 || prev || JCS(body))', () => {
    const body =
      '{"data":{"budget":{"amount":"100.00","currency":"USD"},"priorities":["youth","safety"],"title":"Plan 1"},' +
      '"effectiveOn":"2017-05-10","id":"0190d5f0-0000-7000-8000-000000000001",' +
      '"metadata":{"actor":{"id":"officer-1","roles":["programme-officer"]},"causationId":null,"correlationId":"corr-1","reason":null},' +
      '"position":1,"recordedAt":"2026-01-01T00:00:01.000Z","schemaVersion":1,"streamId":"plan-1","streamVersion":1,"type":"PlanDrafted"}';
    expect(canonicalEventBody(event)).toBe(body);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('aid-ledger/event-hash/v1\0', 'ascii'), Buffer.alloc(32), Buffer.from(body, 'utf8')]))
      .digest('hex');
    expect(eventHash(GENESIS_HASH, event)).toBe(expected);
  });

  it('does not depend on the order of keys, at any depth', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        recordedAt: event.recordedAt,
        metadata: { reason: null, causationId: null, correlationId: 'corr-1', actor: { roles: ['programme-officer'], id: 'officer-1' } },
        data: { priorities: ['youth', 'safety'], title: 'Plan 1', budget: { currency: 'USD', amount: '100.00' } },
        effectiveOn: event.effectiveOn,
        type: event.type,
        schemaVersion: 1,
        streamVersion: 1,
        streamId: event.streamId,
        position: 1,
        id: event.id,
      }),
    ) as HashedEvent;
    expect(eventHash(GENESIS_HASH, reordered)).toBe(eventHash(GENESIS_HASH, event));
  });

  it('ignores fields outside the ten it covers, and treats a missing effectiveOn as null', () => {
    const withExtras = { ...event, kind: 'event', hash: 'whatever' } as HashedEvent;
    expect(eventHash(GENESIS_HASH, withExtras)).toBe(eventHash(GENESIS_HASH, event));
    const withoutDate = { ...second, effectiveOn: undefined } as unknown as HashedEvent;
    expect(eventHash(GENESIS_HASH, withoutDate)).toBe(eventHash(GENESIS_HASH, second));
  });

  it('changes when any covered field changes, or when the previous hash does', () => {
    const base = eventHash(GENESIS_HASH, event);
    const changes: Partial<HashedEvent>[] = [
      { id: '0190d5f0-0000-7000-8000-000000000099' },
      { streamId: 'plan-9' },
      { streamVersion: 2 },
      { position: 2 },
      { type: 'PlanAmended' },
      { schemaVersion: 2 },
      { data: { ...event.data, title: 'Plan 1 ' } },
      { data: { ...event.data, budget: { amount: '100.01', currency: 'USD' } } },
      { data: { ...event.data, priorities: ['safety', 'youth'] } },
      { metadata: { ...event.metadata, actor: { id: 'officer-2', roles: ['programme-officer'] } } },
      { metadata: { ...event.metadata, reason: 'typo' } },
      { effectiveOn: '2017-05-11' },
      { effectiveOn: null },
      { recordedAt: '2026-01-01T00:00:01.001Z' },
    ];
    const hashes = changes.map((change) => eventHash(GENESIS_HASH, { ...event, ...change }));
    for (const hash of hashes) expect(hash).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(eventHash('1'.padStart(64, '0'), event)).not.toBe(base);
  });

  it('distinguishes a number from the string of it', () => {
    const asString = { ...event, data: { ...event.data, count: '3' } };
    const asNumber = { ...event, data: { ...event.data, count: 3 } };
    expect(eventHash(GENESIS_HASH, asString)).not.toBe(eventHash(GENESIS_HASH, asNumber));
  });

  it('refuses a previous hash that is not 64 lowercase hex characters, and an event without data', () => {
    expect(() => eventHash('abc', event)).toThrow(TypeError);
    expect(() => eventHash(GENESIS_HASH.toUpperCase().replace(/0/g, 'A'), event)).toThrow(TypeError);
    expect(() => eventHash(GENESIS_HASH, { ...event, data: undefined })).toThrow(TypeError);
  });

  it('chains: each hash is the hash of the event with the one before', () => {
    const events = sampleEvents(5);
    const hashes = chainHashes(events);
    expect(hashes[0]).toBe(eventHash(GENESIS_HASH, events[0]));
    for (let i = 1; i < 5; i++) expect(hashes[i]).toBe(eventHash(hashes[i - 1], events[i]));
    expect(chainHashes(events.slice(3), hashes[2])).toEqual(hashes.slice(3));
  });
});
