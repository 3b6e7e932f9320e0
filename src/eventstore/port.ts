/**
 * The event store port. The PostgreSQL adapter (postgres/) is the default; an EventStoreDB/KurrentDB adapter
 * (esdb/) implements the same port and passes the same contract suite (test/eventstore/contract.ts).
 */

/** A number: the stream must be at exactly that version (1 = one event). 'no-stream': must not exist. */
export type ExpectedVersion = number | 'no-stream' | 'any' | 'stream-exists';

export interface EventMetadata {
  actor: { id: string; roles: string[] };
  correlationId: string;
  causationId: string | null;
  reason?: string | null;
  [key: string]: unknown;
}

/** An event as the caller hands it to the store. */
export interface NewEvent {
  type: string;
  data: unknown;
  metadata: EventMetadata;
  /** The business date the event speaks of (YYYY-MM-DD), where it has one. */
  effectiveOn?: string | null;
  /** Defaults to the current schema version of the type. */
  schemaVersion?: number;
  /** UUIDv7; the store makes one when absent. */
  id?: string;
}

/** An event as the store recorded it. */
export interface RecordedEvent<Data = any> {
  id: string;
  streamId: string;
  streamVersion: number;
  /** Position in the global log: 1, 2, 3... in the order readers see events. */
  position: number;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  effectiveOn: string | null;
  /** ISO 8601 UTC with milliseconds, from the database clock (the time as hashed and shown). */
  recordedAt: string;
  /**
   * The same time as the store keeps it: microseconds since 1970-01-01 UTC (exact, a safe integer).
   * recordedAt is it cut to milliseconds; read models that are filtered by time alongside the log (as-of
   * reports) store this one, so they agree with the log to the microsecond.
   */
  recordedAtMicros: number;
}

/**
 * recordedAt from recordedAtMicros: the milliseconds it falls in, as Date.toISOString writes them. Every
 * event read is given one, and the log's events come in order, many in the same second: the text up to the
 * second is kept from the last call and only the milliseconds are written (six times cheaper than a Date).
 */
export function isoFromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecondText = new Date(second * 1000).toISOString().slice(0, -4); // up to and with the point
    lastSecond = second;
  }
  const millis = ms - second * 1000;
  return `${lastSecondText}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
let lastSecond = Number.NaN;
let lastSecondText = '';

export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
}

/**
 * Recorded atomically with the events, so a retried request finds its first answer even when the service
 * died between the append and the reply.
 */
export interface IdempotencyRecord {
  /** The stream whose version after the append is the answer's `version`. */
  entityStreamId: string;
  scope: string;
  key: string;
  requestHash: string;
  status: number;
  body: unknown;
}

export interface AppendResult {
  /** Version of each stream after the append, in the order of the appends. */
  streams: { streamId: string; version: number }[];
  /** Global position of the last event written. */
  lastPosition: number;
  events: RecordedEvent[];
}

export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | null,
  ) {
    super(`stream '${streamId}' is at version ${actual ?? 'none'}, expected ${expected}`);
    this.name = 'WrongExpectedVersion';
  }
}

/**
 * How long a follower of the log (projections, the hash chain) waits before reading again when an append
 * woke it and readAll gave nothing: what was appended is held back by a transaction still running, and
 * reading again at the next append (under load, within the millisecond) finds the same, over and over.
 */
export const HELD_BACK_PAUSE_MS = 10;

/**
 * When a follower of the log reads again. After a read an append woke it for found nothing (held back), it
 * pauses HELD_BACK_PAUSE_MS. Otherwise it waits for the next append, but, since the log was last found held
 * back and until a read finds something, no longer than a wait that doubles from the pause up to the poll
 * interval: what a transaction held back is read soon after it ends, also when no append comes to wake it.
 */
export class FollowerPacing {
  private retryMs = 0;

  constructor(private readonly pollIntervalMs: number) {}

  /** A read found something: the next quiet wait is a whole poll interval again. */
  progressed(): void {
    this.retryMs = 0;
  }

  /** A read an append woke the follower for found nothing: pause before reading again. */
  async heldBack(): Promise<void> {
    this.retryMs = Math.max(this.retryMs, HELD_BACK_PAUSE_MS);
    await new Promise((resolve) => setTimeout(resolve, HELD_BACK_PAUSE_MS));
  }

  /** How long to wait for an append before reading again anyway. */
  nextWaitMs(): number {
    this.retryMs = Math.min(this.retryMs * 2, this.pollIntervalMs);
    return this.retryMs || this.pollIntervalMs;
  }
}

export interface ReadAllOptions {
  /** First position to read (inclusive). Default 1. */
  fromPosition?: number;
  /** At most this many events (default 1,000, at most READ_ALL_MAX). */
  limit?: number;
  /**
   * Read the metadata of events of these types only; the others carry METADATA_NOT_READ in its place.
   * Metadata is about a third of the text of an event in the log, and few readers look at it: the store
   * does not send it, nor the reader parse it, for the events of the types left out. Default: every event's.
   */
  metadataOf?: readonly string[];
}

/**
 * The metadata of an event read with `metadataOf` leaving its type out: reading any field of it throws, so a
 * reader that said it would not read it and does fails at once, instead of seeing no actor or no reason.
 */
export const METADATA_NOT_READ: EventMetadata = new Proxy(Object.freeze({}) as EventMetadata, {
  get(target, key) {
    if (typeof key === 'symbol' || key === 'toJSON') return undefined; // inspection and serialisation see an empty object
    throw new TypeError(`the metadata of this event was not read (see ReadAllOptions.metadataOf): '${key}'`);
  },
});

/** The most events one readAll returns: a reader that asks for that many and gets fewer has reached the end of the log as it stood. */
export const READ_ALL_MAX = 20_000;

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** First position to deliver (inclusive). */
  fromPosition: number;
  batchSize?: number;
  /** Called with events in position order, each exactly once; the next batch waits until it resolves. */
  onEvents(events: RecordedEvent[]): Promise<void>;
  onError?(error: unknown): void;
}

export interface EventStore {
  /** Appends to one stream atomically with its expected version. */
  append(streamId: string, expectedVersion: ExpectedVersion, events: NewEvent[], idempotency?: IdempotencyRecord): Promise<AppendResult>;
  /** Appends to several streams in one transaction: all expected versions hold and everything is written, or nothing. */
  appendMulti(appends: StreamAppend[], idempotency?: IdempotencyRecord): Promise<AppendResult>;
  /** The stream's events in version order (upcast to their current schema); [] when it does not exist. */
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<RecordedEvent[]>;
  /** Several streams at once (each from its own version): what readStream answers for each, in one read. */
  readStreams(requests: { streamId: string; fromVersion?: number }[]): Promise<Map<string, RecordedEvent[]>>;
  /**
   * The global log from a position, in position order. Only events no earlier transaction can still precede
   * are returned, so a reader that continues from the last position it saw never skips or repeats one.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The highest committed position (0 when empty); readAll may still hold back a later commit briefly. */
  headPosition(): Promise<number>;
  /** Catch-up subscription: reads history from `fromPosition`, then follows new events. */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * Calls `listener` whenever new events may be readable (after appends through this store); returns a
   * function that stops it. Appends of other processes are only seen by reading, so followers poll too.
   */
  watch(listener: () => void): () => void;
  /** Records an answer that wrote no events (a refusal), so a repeat with the same key gets it again. */
  rememberRefusal(record: IdempotencyRecord): Promise<void>;
  /** A stored idempotent answer, if one was recorded with an append. */
  findIdempotent(scope: string, key: string): Promise<{ requestHash: string; status: number; body: unknown; position: number } | null>;
  close(): Promise<void>;
}
