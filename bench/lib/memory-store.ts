import {
  isoFromMicros,
  WrongExpectedVersion,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type IdempotencyRecord,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
} from '../../src/eventstore/port.js';

/**
 * The generator's in-memory event store: the real write handlers (src/write) run against it, so the events
 * are exactly what the command path records (types, shapes, stream ids, metadata, expected versions). Each
 * successful append is queued in order; `drain()` hands the queue to be written to PostgreSQL in batches.
 * Streams of a finished programme can be forgotten (`forget`) so memory stays flat for any ledger size.
 */
export class MemoryEventStore implements EventStore {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly forgotten = new Map<string, number>();
  private pending: StreamAppend[] = [];
  private pendingEvents = 0;
  private position = 0;
  total = 0;

  async append(streamId: string, expectedVersion: ExpectedVersion, events: StreamAppend['events'], idempotency?: IdempotencyRecord): Promise<AppendResult> {
    return this.appendMulti([{ streamId, expectedVersion, events }], idempotency);
  }

  async appendMulti(appends: StreamAppend[], _idempotency?: IdempotencyRecord): Promise<AppendResult> {
    const nonEmpty = appends.filter((a) => a.events.length > 0);
    if (nonEmpty.length === 0) throw new RangeError('nothing to append');
    for (const a of nonEmpty) {
      const actual = this.versionOf(a.streamId);
      const e = a.expectedVersion;
      const ok = e === 'any' || (e === 'no-stream' ? actual === 0 : e === 'stream-exists' ? actual > 0 : actual === e);
      if (!ok) throw new WrongExpectedVersion(a.streamId, e, actual || null);
    }
    const recordedAtMicros = Date.now() * 1000;
    const recordedAt = isoFromMicros(recordedAtMicros);
    const out: RecordedEvent[] = [];
    const streams: { streamId: string; version: number }[] = [];
    for (const a of nonEmpty) {
      let version = this.versionOf(a.streamId);
      const list = this.streams.get(a.streamId) ?? [];
      for (const e of a.events) {
        const recorded: RecordedEvent = {
          id: '',
          streamId: a.streamId,
          streamVersion: ++version,
          position: ++this.position,
          type: e.type,
          schemaVersion: e.schemaVersion ?? 1,
          data: e.data,
          metadata: e.metadata,
          effectiveOn: e.effectiveOn ?? null,
          recordedAt,
          recordedAtMicros,
        };
        list.push(recorded);
        out.push(recorded);
      }
      if (!this.forgotten.has(a.streamId)) this.streams.set(a.streamId, list);
      else this.forgotten.set(a.streamId, version);
      streams.push({ streamId: a.streamId, version });
      this.pending.push(a);
      this.pendingEvents += a.events.length;
    }
    this.total += out.length;
    return { streams, lastPosition: this.position, events: out };
  }

  private versionOf(streamId: string): number {
    const forgotten = this.forgotten.get(streamId);
    if (forgotten !== undefined) return forgotten;
    const list = this.streams.get(streamId);
    return list ? list.length : 0;
  }

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    if (this.forgotten.has(streamId)) throw new Error(`stream ${streamId} was forgotten by the generator and read again`);
    const list = this.streams.get(streamId) ?? [];
    const from = options.fromVersion ?? 1;
    return from <= 1 ? list : list.slice(from - 1);
  }

  async readStreams(requests: { streamId: string; fromVersion?: number }[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    for (const r of requests) out.set(r.streamId, await this.readStream(r.streamId, r));
    return out;
  }

  /** Drops the events of streams no later command reads (keeps their version, to fail loudly if one does). */
  forget(streamIds: Iterable<string>): void {
    for (const id of streamIds) {
      const list = this.streams.get(id);
      if (!list) continue;
      this.forgotten.set(id, list.length);
      this.streams.delete(id);
    }
  }

  get pendingEventCount(): number {
    return this.pendingEvents;
  }

  /** The appends recorded since the last drain, in order. */
  drain(): StreamAppend[] {
    const out = this.pending;
    this.pending = [];
    this.pendingEvents = 0;
    return out;
  }

  async readAll(_options?: ReadAllOptions): Promise<RecordedEvent[]> {
    throw new Error('the generator store does not serve the global log');
  }

  async headPosition(): Promise<number> {
    return this.position;
  }

  subscribe(_options: SubscribeOptions): Subscription {
    throw new Error('the generator store has no subscriptions');
  }

  async rememberRefusal(): Promise<void> {}

  watch(): () => void {
    return () => undefined;
  }

  async findIdempotent(): Promise<null> {
    return null;
  }

  async close(): Promise<void> {}
}

/**
 * Packs appends into appendMulti calls without changing the global order: append_events writes the events of
 * one call grouped by stream, so a call may hold each stream once; a stream that comes again starts a new call.
 * Consecutive appends to the same stream become one append (same expected version as the first, events in order).
 */
export function packAppends(appends: StreamAppend[], maxEvents: number): StreamAppend[][] {
  const batches: StreamAppend[][] = [];
  let current: StreamAppend[] = [];
  let seen = new Set<string>();
  let count = 0;
  for (const a of appends) {
    const last = current[current.length - 1];
    if (last && last.streamId === a.streamId && count + a.events.length <= maxEvents) {
      current[current.length - 1] = { ...last, events: [...last.events, ...a.events] };
      count += a.events.length;
      continue;
    }
    if (seen.has(a.streamId) || count + a.events.length > maxEvents) {
      if (current.length > 0) batches.push(current);
      current = [];
      seen = new Set();
      count = 0;
    }
    current.push(a);
    seen.add(a.streamId);
    count += a.events.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
