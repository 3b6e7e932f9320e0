import { randomUUID } from 'node:crypto';
import type { Actor, Decider, DomainEvent } from '../domain/shared/decider.js';
import { currentSchemaVersion } from '../domain/shared/schema.js';
import { eventSchemas } from '../domain/registry.js';
import type { EventMetadata, EventStore, IdempotencyRecord, NewEvent, RecordedEvent, StreamAppend } from '../eventstore/port.js';
import { WrongExpectedVersion } from '../eventstore/port.js';
import { VersionMismatch } from './errors.js';
import { StateCache } from './state-cache.js';

/** Who asks, why, and under which request: recorded in every event's metadata. */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  causationId?: string | null;
  reason?: string | null;
  /** If-Match: the version the client last saw of the command's own entity. */
  ifMatch?: number;
  /** Set by the idempotency layer: recorded atomically with the events. */
  idempotency?: Omit<IdempotencyRecord, 'status' | 'body'> & { status: number };
}

export interface CommandResult {
  id: string;
  version: number;
  /** Global position of the last event the command wrote (header Ledger-Position). */
  position: number;
  /** How many events the command recorded. */
  events: number;
}

/**
 * One command's work: load the streams it needs (each load remembers the version it saw), decide, and
 * stage events. Everything staged is appended atomically with the loaded versions as expected versions.
 */
export class UnitOfWork {
  private readonly versions = new Map<string, number>();
  private readonly staged = new Map<string, DomainEvent[]>();
  private readonly prefetched = new Map<string, { fromVersion: number; events: RecordedEvent[] }>();
  /** Whether a stream was taken to be empty without reading it (see loadNew). */
  assumedNew = false;

  /** `optimistic`: streams loaded with `loadNew` are taken to be empty without reading them. */
  private readonly cache: StateCache;

  constructor(
    private readonly store: EventStore,
    private readonly optimistic = false,
  ) {
    this.cache = stateCacheOf(store);
  }

  /**
   * Reads the streams a command is about to load in one round trip instead of one each (each from the
   * version its cached state has reached); `load` then uses what was read.
   */
  async prefetch(...streamIds: string[]): Promise<void> {
    const requests = streamIds.filter((id) => !this.prefetched.has(id)).map((streamId) => ({ streamId, fromVersion: this.cache.versionOf(streamId) + 1 }));
    const read = await this.store.readStreams(requests);
    for (const r of requests) this.prefetched.set(r.streamId, { fromVersion: r.fromVersion, events: read.get(r.streamId) ?? [] });
  }

  /** Loads a stream and folds it with the decider's evolve, from the state cached for it if there is one. */
  async load<S, E extends DomainEvent>(streamId: string, decider: Pick<Decider<any, S, E>, 'initialState' | 'evolve'>): Promise<{ state: S; version: number }> {
    const cached = this.cache.get<S>(streamId, decider);
    const fromVersion = cached ? cached.version + 1 : 1;
    const prefetched = this.prefetched.get(streamId);
    this.prefetched.delete(streamId);
    const events = prefetched?.fromVersion === fromVersion ? prefetched.events : await this.store.readStream(streamId, { fromVersion });
    const version = events.length === 0 ? (cached?.version ?? 0) : events[events.length - 1].streamVersion;
    let state = cached ? cached.state : decider.initialState();
    for (const e of events) state = decider.evolve(state, { type: e.type, data: e.data, effectiveOn: e.effectiveOn ?? undefined } as E);
    this.cache.set(streamId, decider, state, version);
    this.versions.set(streamId, version);
    return { state, version };
  }

  /**
   * Loads the stream of an entity the command creates. Such a stream is almost always empty (and always so
   * for an id the service just made), so the first attempt takes it to be empty without reading it: the
   * append then expects no stream, which proves it. If the stream did exist, the append is refused and the
   * command runs again, reading it this time (and, say, answering AlreadyExists). One round trip less for
   * every creation.
   */
  async loadNew<S, E extends DomainEvent>(streamId: string, decider: Pick<Decider<any, S, E>, 'initialState' | 'evolve'>): Promise<{ state: S; version: number }> {
    if (!this.optimistic) return this.load(streamId, decider);
    this.assumedNew = true;
    this.versions.set(streamId, 0);
    return { state: decider.initialState(), version: 0 };
  }

  /** Stages events for a stream that must have been loaded first (its version is the expected one). */
  append(streamId: string, events: DomainEvent[]): void {
    if (!this.versions.has(streamId)) throw new Error(`stream ${streamId} must be loaded before appending to it`);
    if (events.length === 0) return;
    this.staged.set(streamId, [...(this.staged.get(streamId) ?? []), ...events]);
  }

  versionOf(streamId: string): number | undefined {
    return this.versions.get(streamId);
  }

  stagedAppends(metadata: EventMetadata): StreamAppend[] {
    return [...this.staged.entries()].map(([streamId, events]) => ({
      streamId,
      expectedVersion: this.versions.get(streamId)! === 0 ? 'no-stream' : this.versions.get(streamId)!,
      events: events.map(
        (e): NewEvent => ({
          type: e.type,
          data: e.data,
          effectiveOn: e.effectiveOn ?? null,
          schemaVersion: currentSchemaVersion(eventSchemas, e.type),
          metadata,
        }),
      ),
    }));
  }
}

const caches = new WeakMap<EventStore, StateCache>();

/** The state cache of a store (states are only true of the log they were folded from). */
export function stateCacheOf(store: EventStore): StateCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new StateCache()));
  return cache;
}

const MAX_ATTEMPTS = 8;

/**
 * Runs a command: load -> decide -> append, retried from scratch when another command changed one of the
 * loaded streams in between (so invariants guarded by a shared stream, such as a programme's budget, are
 * re-decided on fresh state). `entityStreamId` is the command's own entity: If-Match is checked against it,
 * and the answer's `version` is its version after the command.
 */
export async function runCommand(
  store: EventStore,
  ctx: CommandContext,
  entity: { id: string; streamId: string },
  work: (uow: UnitOfWork) => Promise<void> | void,
): Promise<CommandResult> {
  // loadNew skips reads only until an attempt fails, and never under If-Match (it compares with what is read).
  let optimistic = ctx.ifMatch === undefined;
  for (let attempt = 1; ; attempt++) {
    const uow = new UnitOfWork(store, optimistic);
    try {
      await work(uow);
    } catch (error) {
      // A refusal decided on a stream taken to be empty may be the assumption's fault: decide again on what
      // is really there, and answer that.
      if (!uow.assumedNew) throw error;
      optimistic = false;
      continue;
    }
    const loaded = uow.versionOf(entity.streamId);
    if (ctx.ifMatch !== undefined && loaded !== undefined && loaded !== ctx.ifMatch) {
      throw new VersionMismatch(entity.streamId, ctx.ifMatch, loaded);
    }
    const metadata: EventMetadata = {
      actor: { id: ctx.actor.id, roles: ctx.actor.roles },
      correlationId: ctx.correlationId,
      causationId: ctx.causationId ?? null,
      ...(ctx.reason ? { reason: ctx.reason } : {}),
    };
    const appends = uow.stagedAppends(metadata);
    if (appends.length === 0) throw new Error('a command must record at least one event');
    const body = { id: entity.id, version: 0 };
    try {
      const idempotency = ctx.idempotency ? { ...ctx.idempotency, body } : undefined;
      const result = await store.appendMulti(appends, idempotency);
      const own = result.streams.find((s) => s.streamId === entity.streamId);
      return { id: entity.id, version: own?.version ?? loaded ?? 0, position: result.lastPosition, events: result.events.length };
    } catch (error) {
      if (error instanceof WrongExpectedVersion && attempt < MAX_ATTEMPTS) {
        optimistic = false;
        if (ctx.ifMatch !== undefined && error.streamId === entity.streamId) {
          throw new VersionMismatch(entity.streamId, ctx.ifMatch, error.actual ?? 0);
        }
        continue;
      }
      throw error;
    }
  }
}

export function newCorrelationId(): string {
  return randomUUID();
}
