import { isoFromMicros, METADATA_NOT_READ, WrongExpectedVersion, type EventStore, type NewEvent, type RecordedEvent } from '../../src/eventstore/port.js';

/**
 * The contract every EventStore adapter must pass (PostgreSQL now, EventStoreDB/KurrentDB later).
 * `make` returns a store over an empty database.
 */
export function eventStoreContract(adapter: string, make: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    const meta = { actor: { id: 'officer-1', roles: ['programme-officer'] }, correlationId: 'corr-1', causationId: null };
    const ev = (type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent => ({ type, data, metadata: meta, ...extra });

    it('appends to a new stream and reads it back with every field', async () => {
      const result = await store.append('thing-1', 'no-stream', [ev('ThingCreated', { n: 1 }, { effectiveOn: '2017-05-10' }), ev('ThingChanged', { n: 2 })]);
      expect(result.streams).toEqual([{ streamId: 'thing-1', version: 2 }]);
      const events = await store.readStream('thing-1');
      expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
        ['ThingCreated', 1, { n: 1 }],
        ['ThingChanged', 2, { n: 2 }],
      ]);
      const [first] = events;
      expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(first.position).toBeGreaterThan(0);
      expect(events[1].position).toBeGreaterThan(first.position);
      expect(first.schemaVersion).toBe(1);
      expect(first.metadata).toMatchObject(meta);
      expect(first.effectiveOn).toBe('2017-05-10');
      expect(events[1].effectiveOn).toBeNull();
      expect(Date.parse(first.recordedAt)).not.toBeNaN();
      // The same time twice: to the microsecond, and cut to the millisecond.
      for (const e of [...events, ...result.events]) {
        expect(Number.isSafeInteger(e.recordedAtMicros)).toBe(true);
        expect(e.recordedAt).toBe(isoFromMicros(e.recordedAtMicros));
      }
      expect(result.events.map((e) => e.recordedAtMicros)).toEqual(events.map((e) => e.recordedAtMicros));
      expect(result.lastPosition).toBe(events[1].position);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream('nothing-here')).toEqual([]);
    });

    it('refuses a wrong expected version with a typed conflict and writes nothing', async () => {
      await store.append('thing-2', 'no-stream', [ev('A')]);
      await expect(store.append('thing-2', 'no-stream', [ev('B')])).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.append('thing-2', 5, [ev('B')])).rejects.toMatchObject({ streamId: 'thing-2', actual: 1 });
      await expect(store.append('thing-3', 1, [ev('B')])).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.append('thing-3', 'stream-exists', [ev('B')])).rejects.toBeInstanceOf(WrongExpectedVersion);
      expect((await store.readStream('thing-2')).map((e) => e.type)).toEqual(['A']);
      expect(await store.readStream('thing-3')).toEqual([]);
      expect(await store.headPosition()).toBe((await store.readStream('thing-2'))[0].position);
    });

    it('appends with an exact expected version, with any and with stream-exists', async () => {
      await store.append('thing-4', 'no-stream', [ev('A')]);
      await store.append('thing-4', 1, [ev('B')]);
      await store.append('thing-4', 'any', [ev('C')]);
      const r = await store.append('thing-4', 'stream-exists', [ev('D')]);
      expect(r.streams[0].version).toBe(4);
      await store.append('thing-5', 'any', [ev('A')]);
      expect((await store.readStream('thing-4')).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
      expect((await store.readStream('thing-4', { fromVersion: 3 })).map((e) => e.type)).toEqual(['C', 'D']);
    });

    it('appends to several streams atomically, or to none', async () => {
      await store.append('budget-1', 'no-stream', [ev('Opened')]);
      const ok = await store.appendMulti([
        { streamId: 'grant-1', expectedVersion: 'no-stream', events: [ev('Approved')] },
        { streamId: 'budget-1', expectedVersion: 1, events: [ev('Drawn')] },
      ]);
      expect(ok.streams).toEqual([
        { streamId: 'grant-1', version: 1 },
        { streamId: 'budget-1', version: 2 },
      ]);
      await expect(
        store.appendMulti([
          { streamId: 'grant-2', expectedVersion: 'no-stream', events: [ev('Approved')] },
          { streamId: 'budget-1', expectedVersion: 1, events: [ev('Drawn')] },
        ]),
      ).rejects.toMatchObject({ streamId: 'budget-1', actual: 2 });
      expect(await store.readStream('grant-2')).toEqual([]);
      expect((await store.readStream('budget-1')).length).toBe(2);
    });

    it('reads several streams in one read, each from its own version', async () => {
      await store.append('many-1', 'no-stream', [ev('A'), ev('B'), ev('C')]);
      await store.append('many-2', 'no-stream', [ev('D')]);
      const read = await store.readStreams([{ streamId: 'many-1', fromVersion: 2 }, { streamId: 'many-2' }, { streamId: 'many-3' }]);
      expect(read.get('many-1')!.map((e) => [e.type, e.streamVersion])).toEqual([['B', 2], ['C', 3]]);
      expect(read.get('many-2')).toEqual(await store.readStream('many-2'));
      expect(read.get('many-3')).toEqual([]);
      expect((await store.readStreams([])).size).toBe(0);
    });

    it('reads the global log from a position in order, in pages', async () => {
      for (let i = 0; i < 25; i++) await store.append(`s-${i % 3}`, 'any', [ev('E', { i })]);
      // The log may hold back committed events while an older transaction anywhere on the server runs.
      const all = await settled(() => store.readAll({ fromPosition: 1, limit: 100 }), 25);
      expect(all.map((e) => e.data.i)).toEqual([...Array(25).keys()]);
      const page = await store.readAll({ fromPosition: all[10].position, limit: 5 });
      expect(page.map((e) => e.data.i)).toEqual([10, 11, 12, 13, 14]);
      expect(await store.headPosition()).toBe(all[24].position);
    });

    it('reads the metadata of the types asked for only, and the rest of every event as it is', async () => {
      await store.append('meta-1', 'no-stream', [ev('Kept', { n: 1 }), ev('Dropped', { n: 2 }), ev('Kept', { n: 3 })]);
      const all = await settled(() => store.readAll({ fromPosition: 1, limit: 100 }), 3);
      const some = await store.readAll({ fromPosition: 1, limit: 100, metadataOf: ['Kept'] });
      const none = await store.readAll({ fromPosition: 1, limit: 100, metadataOf: [] });
      expect(some.map(({ metadata, ...rest }) => rest)).toEqual(all.map(({ metadata, ...rest }) => rest));
      expect(none.map(({ metadata, ...rest }) => rest)).toEqual(all.map(({ metadata, ...rest }) => rest));
      expect(some[0].metadata).toEqual(all[0].metadata);
      expect(some[2].metadata).toEqual(all[2].metadata);
      expect(all[1].metadata).toMatchObject(meta);
      // Left out: reading it fails loudly rather than answering nothing.
      expect(some[1].metadata).toBe(METADATA_NOT_READ);
      expect(() => some[1].metadata.actor).toThrow(/not read/);
      expect(() => none[0].metadata.reason).toThrow(/not read/);
      expect(JSON.stringify(none[0].metadata)).toBe('{}');
    });

    it('keeps concurrent writers to one stream consistent: exactly one wins each version', async () => {
      await store.append('contended', 'no-stream', [ev('Start')]);
      const attempts = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append('contended', 1, [ev('Next', { i })])));
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(attempts.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason instanceof WrongExpectedVersion)).toBe(true);
      expect((await store.readStream('contended')).length).toBe(2);
    });

    it('lets concurrent appends with any all land, on consecutive versions; racing creators: one wins', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.append('busy', 'any', [ev('Any', { i }), ev('Any2', { i })])));
      const busy = await store.readStream('busy');
      expect(busy.map((e) => e.streamVersion)).toEqual([...Array(20).keys()].map((i) => i + 1));
      for (let i = 0; i < 20; i += 2) expect(busy[i + 1].data.i).toBe(busy[i].data.i); // an append's events stay together
      const creators = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.append('born-once', 'no-stream', [ev('Born', { i })])));
      expect(creators.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(creators.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason instanceof WrongExpectedVersion)).toBe(true);
      expect(await store.readStream('born-once')).toHaveLength(1);
    });

    it('records the idempotent answer with the events, atomically', async () => {
      await store.append('thing-9', 'no-stream', [ev('A')], {
        entityStreamId: 'thing-9', scope: 'u1', key: 'k1', requestHash: 'h1', status: 201, body: { id: '9', version: 0 },
      });
      const found = await store.findIdempotent('u1', 'k1');
      expect(found).toMatchObject({ requestHash: 'h1', status: 201, body: { id: '9', version: 1 } });
      expect(found!.position).toBe(await store.headPosition());
      expect(await store.findIdempotent('u1', 'other')).toBeNull();
    });

    it('catch-up subscription delivers history and then new events, each once, in order', async () => {
      await store.append('sub-1', 'no-stream', [ev('A'), ev('B')]);
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ fromPosition: 1, onEvents: async (events) => void seen.push(...events) });
      await store.append('sub-1', 2, [ev('C')]);
      await store.append('sub-2', 'no-stream', [ev('D')]);
      await waitFor(() => seen.length >= 4);
      await sub.stop();
      expect(seen.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('16 concurrent writers while a subscriber tails: every event exactly once, in position order', async () => {
      const writers = 16;
      const perWriter = 40;
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ fromPosition: 1, batchSize: 37, onEvents: async (events) => void seen.push(...events) });
      const written: number[] = [];
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            // Mix single and multi-event appends, and multi-stream ones, to vary transaction sizes.
            const r =
              i % 5 === 0
                ? await store.appendMulti([
                    { streamId: `w${w}-a`, expectedVersion: 'any', events: [ev('X', { w, i })] },
                    { streamId: `w${w}-b`, expectedVersion: 'any', events: [ev('Y', { w, i })] },
                  ])
                : await store.append(`w${w}-a`, 'any', [ev('X', { w, i })]);
            written.push(...r.events.map((e) => e.position));
          }
        }),
      );
      await waitFor(() => seen.length >= written.length, 30_000);
      await new Promise((r) => setTimeout(r, 200));
      await sub.stop();
      const positions = seen.map((e) => e.position);
      expect(new Set(positions).size).toBe(positions.length);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect([...positions].sort((a, b) => a - b)).toEqual([...written].sort((a, b) => a - b));
    });
  });
}

/** Reads until at least `count` events are delivered (bounded): delivery waits for older transactions. */
/**
 * Reads until `count` events came (or time runs out): a transaction in progress anywhere on the server
 * (another test's, in another database) holds new events back from readAll for a moment.
 */
export async function settled(read: () => Promise<RecordedEvent[]>, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const events = await read();
    if (events.length >= count || Date.now() > until) return events;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
