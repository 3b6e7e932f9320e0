import { EventEmitter } from 'node:events';
import pg from 'pg';
import { upcastData, currentSchemaVersion, type EventSchemas } from '../../domain/shared/schema.js';
import {
  isoFromMicros,
  METADATA_NOT_READ,
  READ_ALL_MAX,
  WrongExpectedVersion,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type IdempotencyRecord,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
} from '../port.js';
import { uuidv7 } from '../uuid.js';
import { APPEND_GROUP_SQL, APPEND_MANY_SQL, APPEND_ONE_SQL, EXPECTED_ANY, EXPECTED_EXISTS, RECORDED_US } from './append-sql.js';
import { migrate } from './migrations.js';

// bigint columns (positions) come back as numbers: positions stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));


function expectedCode(expected: ExpectedVersion): number {
  if (expected === 'any') return EXPECTED_ANY;
  if (expected === 'stream-exists') return EXPECTED_EXISTS;
  if (expected === 'no-stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`bad expected version ${expected}`);
  return expected;
}

interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: any;
  effective_on: string | null;
  /** Microseconds since 1970 (RecordedEvent.recordedAtMicros): cheaper for PostgreSQL than formatting the time. */
  recorded_us: number;
}

/** What an event is read as (EventRow): each column's SQL expression and the name it is read under. */
const READ_COLUMNS: [expression: string, name: string][] = [
  ['position', 'position'],
  ['id', 'id'],
  ['stream_id', 'stream_id'],
  ['stream_version', 'stream_version'],
  ['type', 'type'],
  ['schema_version', 'schema_version'],
  ['data', 'data'],
  ['metadata', 'metadata'],
  [`to_char(effective_on, 'YYYY-MM-DD')`, 'effective_on'],
  [RECORDED_US, 'recorded_us'],
];

const EVENT_COLUMNS = READ_COLUMNS.map(([expression, name]) => (expression === name ? name : `${expression} as ${name}`)).join(', ');

/**
 * The global log from $1, at most $2 rows, each marked `safe` or not (see readAll). An event not yet safe
 * comes without its content: readAll stops before it and reads it again later, and under load the
 * events appended while the last batch was applied are most of what a read finds, often several reads in
 * a row (any transaction in progress anywhere holds them back); sending their documents each time made
 * PostgreSQL write and the service parse every event several times over. $3: the types whose metadata is
 * read (ReadAllOptions.metadataOf), null for all. The snapshot's bounds are scalar subqueries, taken once
 * per statement (the same statement snapshot a call per row would see): pg_current_snapshot() in the row
 * expression built the snapshot again for every row, about 2 µs a row on an idle server and more the more
 * connections it has, most of the statement's cost.
 */
export const READ_ALL_SQL = `select position, safe, ${READ_COLUMNS.filter(([, name]) => name !== 'position')
  .map(([expression, name]) => `case when safe${name === 'metadata' ? ' and ($3::text[] is null or type = any($3::text[]))' : ''} then ${expression} end as ${name}`)
  .join(', ')}
  from (select e.*, (e.tx_id < (select pg_snapshot_xmin(pg_current_snapshot())) or e.tx_id >= (select pg_snapshot_xmax(pg_current_snapshot()))) as safe
          from events e where e.position >= $1 order by e.position limit $2) as e
  order by position`;

/** Several streams, each from its own version: $1 stream ids, $2 first versions. */
export const READ_STREAMS_SQL = `select e.* from unnest($1::text[], $2::int[]) as wanted(sid, from_version)
  cross join lateral (
    select ${EVENT_COLUMNS} from events
     where stream_id = wanted.sid and stream_version >= wanted.from_version
    offset 0
  ) as e
  order by e.stream_id, e.stream_version`;

interface AppendQuery {
  name: string;
  text: string;
  values: unknown[];
}

/** A one-event append waiting to be sent with others (PostgresEventStore.grouped). */
interface GroupedAppend {
  append: StreamAppend;
  /** Its statement alone (APPEND_ONE_SQL), used when it goes alone. */
  query: AppendQuery;
  resolve: (rows: (WrittenRow | WrittenManyRow)[]) => void;
  reject: (error: unknown) => void;
}

/** Group statements running at once (the others' appends gather meanwhile), and appends in one group at most. */
const GROUPS_IN_FLIGHT = 2;
const GROUP_MAX = 100;

/** Read statements running at once (the others' reads gather meanwhile), and reads in one group at most. */
const READS_IN_FLIGHT = 2;
const READ_GROUP_MAX = 100;

/** A read of streams waiting to go with others (PostgresEventStore.readStreams): stream id -> first version. */
interface PendingRead {
  from: Map<string, number>;
  resolve: (rows: EventRow[]) => void;
  reject: (error: unknown) => void;
}

/** What APPEND_ONE_SQL and APPEND_GROUP_SQL answer: a row per event written. */
interface WrittenRow {
  position: number;
  stream_id: string;
  stream_version: number;
  recorded_us: number;
}

/** What APPEND_MANY_SQL answers: one row for all its events (comma-separated, in the events' order). */
interface WrittenManyRow {
  positions: string;
  versions: string;
  recorded_us: number;
}

/** The positions and stream versions an append's events got, in their order, and their recording time. */
function writtenOf(row: WrittenRow | WrittenManyRow): { positions: number[]; versions: number[]; recordedAtMicros: number } {
  const recordedAtMicros = row.recorded_us;
  if ('positions' in row) return { positions: row.positions.split(',').map(Number), versions: row.versions.split(',').map(Number), recordedAtMicros };
  return { positions: [row.position], versions: [row.stream_version], recordedAtMicros };
}

export interface PostgresEventStoreOptions {
  /** Upcasters applied on read; an event store without them returns events as recorded. */
  schemas?: EventSchemas;
  /** How often a subscription polls when no notification arrives (ms). */
  pollIntervalMs?: number;
}

/**
 * The PostgreSQL event store: an append-only `events` table, one statement per append (append-sql.ts), and a
 * global log readers can trust (see `readAll`).
 */
export class PostgresEventStore implements EventStore {
  private readonly schemas: EventSchemas;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<Subscription>();
  /** One-event appends waiting for a group (see `grouped`), and the group statements running. */
  private waiting: GroupedAppend[] = [];
  private groupsInFlight = 0;
  /** Stream reads waiting for a group (see `readStreams`), and the group statements running. */
  private reads: PendingRead[] = [];
  private readsInFlight = 0;
  /** Emits 'appended' after each append of this process, to wake its subscriptions at once. */
  readonly appended = new EventEmitter();

  constructor(
    readonly pool: pg.Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schemas = options.schemas ?? {};
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
  }

  static async connect(connectionString: string, options: PostgresEventStoreOptions & { poolSize?: number } = {}): Promise<PostgresEventStore> {
    // The append statements are prepared once per connection and their plans do not depend on the
    // arguments; left to choose, PostgreSQL plans them anew for every append (about 0.6 ms, more than the
    // append itself). No JIT, as for the read models (src/app.ts).
    const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 20, options: '-c plan_cache_mode=force_generic_plan -c jit=off' });
    pool.on('error', () => undefined); // an idle client's broken connection is replaced on next use
    await migrate(pool);
    return new PostgresEventStore(pool, options);
  }

  async append(streamId: string, expectedVersion: ExpectedVersion, events: NewEvent[], idempotency?: IdempotencyRecord): Promise<AppendResult> {
    return this.appendMulti([{ streamId, expectedVersion, events }], idempotency);
  }

  async appendMulti(appends: StreamAppend[], idempotency?: IdempotencyRecord): Promise<AppendResult> {
    const nonEmpty = appends.filter((a) => a.events.length > 0);
    if (nonEmpty.length === 0) throw new RangeError('nothing to append');
    if (new Set(nonEmpty.map((a) => a.streamId)).size !== nonEmpty.length) throw new RangeError('a stream appears twice in one append');
    const all = nonEmpty.flatMap((a) => a.events);
    const ids = all.map((e) => e.id ?? uuidv7());
    const schemaVersions = all.map((e) => e.schemaVersion ?? currentSchemaVersion(this.schemas, e.type));
    const remember = [
      idempotency?.scope ?? null,
      idempotency?.key ?? null,
      idempotency?.requestHash ?? null,
      idempotency?.status ?? null,
      idempotency ? JSON.stringify(idempotency.body) : null,
      idempotency?.entityStreamId ?? null,
    ];
    const query =
      all.length === 1
        ? {
            name: 'append-one',
            text: APPEND_ONE_SQL,
            values: [nonEmpty[0].streamId, expectedCode(nonEmpty[0].expectedVersion), ids[0], all[0].type, schemaVersions[0],
              JSON.stringify(all[0].data), JSON.stringify(all[0].metadata), all[0].effectiveOn ?? null, ...remember],
          }
        : {
            name: 'append-many',
            text: APPEND_MANY_SQL,
            values: [
              nonEmpty.map((a) => a.streamId),
              nonEmpty.map((a) => expectedCode(a.expectedVersion)),
              nonEmpty.flatMap((a, s) => a.events.map(() => s + 1)),
              nonEmpty.flatMap((a) => a.events.map((_, i) => i + 1)),
              ids,
              all.map((e) => e.type),
              schemaVersions,
              all.map((e) => JSON.stringify(e.data)),
              all.map((e) => JSON.stringify(e.metadata)),
              all.map((e) => e.effectiveOn ?? null),
              ...remember,
            ],
          };
    const [answer] = all.length === 1 && !idempotency ? await this.grouped(nonEmpty[0], query) : await this.runAppend(nonEmpty, query, idempotency);
    // Event i got the i-th position (drawn in order) and the i-th stream version of the answer.
    const { positions, versions: streamVersions, recordedAtMicros } = writtenOf(answer);
    const recordedAt = isoFromMicros(recordedAtMicros);
    const streamOf = nonEmpty.flatMap((a) => a.events.map(() => a.streamId));
    this.appended.emit('appended', positions[positions.length - 1]);
    const recorded: RecordedEvent[] = all.map((event, i) => ({
      id: ids[i],
      streamId: streamOf[i],
      streamVersion: streamVersions[i],
      position: positions[i],
      type: event.type,
      schemaVersion: schemaVersions[i],
      data: event.data,
      metadata: event.metadata,
      effectiveOn: event.effectiveOn ?? null,
      recordedAt,
      recordedAtMicros,
    }));
    const versions = new Map<string, number>();
    for (const e of recorded) versions.set(e.streamId, Math.max(versions.get(e.streamId) ?? 0, e.streamVersion));
    return {
      streams: nonEmpty.map((a) => ({ streamId: a.streamId, version: versions.get(a.streamId)! })),
      lastPosition: recorded[recorded.length - 1].position,
      events: recorded,
    };
  }

  /**
   * Group commit for one-event appends without an idempotency record, the common case under load: an append
   * that arrives while GROUPS_IN_FLIGHT statements are running waits for one of them to finish, and the
   * appends that gathered meanwhile go together in one statement (APPEND_GROUP_SQL): one lock, one round trip
   * and one commit for all of them. Each is still checked and answered on its own. One that the group refused
   * (its stream is not at the expected version), and every one of a group whose statement failed (a race at
   * the unique index, a value PostgreSQL rejects), runs again alone, so it gets the answer it would have got
   * alone and never fails another caller's append. An append that finds the store idle goes at once.
   */
  private grouped(append: StreamAppend, query: AppendQuery): Promise<(WrittenRow | WrittenManyRow)[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ append, query, resolve, reject });
      this.sendGroups();
    });
  }

  private sendGroups(): void {
    while (this.groupsInFlight < GROUPS_IN_FLIGHT && this.waiting.length > 0) {
      // One append per stream in a group (the group checks every base version against the same snapshot);
      // a second append to a stream waits for the next group.
      const group: GroupedAppend[] = [];
      const streams = new Set<string>();
      const rest: GroupedAppend[] = [];
      for (const item of this.waiting) {
        if (group.length < GROUP_MAX && !streams.has(item.append.streamId)) {
          group.push(item);
          streams.add(item.append.streamId);
        } else rest.push(item);
      }
      this.waiting = rest;
      this.groupsInFlight++;
      void this.sendGroup(group).finally(() => {
        this.groupsInFlight--;
        this.sendGroups();
      });
    }
  }

  private async sendGroup(group: GroupedAppend[]): Promise<void> {
    const alone = (item: GroupedAppend) => this.runAppend([item.append], item.query).then(item.resolve, item.reject);
    if (group.length === 1) return alone(group[0]);
    let rows: WrittenRow[];
    try {
      // Columns of the group: the one-event statement's first eight parameters, one array each.
      const values = Array.from({ length: 8 }, (_, c) => group.map((item) => item.query.values[c]));
      rows = await this.execute<WrittenRow>({ name: 'append-group', text: APPEND_GROUP_SQL, values });
    } catch {
      await Promise.all(group.map(alone));
      return;
    }
    const written = new Map(rows.map((row) => [row.stream_id, row]));
    await Promise.all(
      group.map((item) => {
        const row = written.get(item.append.streamId);
        return row ? item.resolve([row]) : alone(item);
      }),
    );
  }

  /**
   * Runs an append statement (append-sql.ts), turning its refusals into typed errors. A refused check
   * writes nothing and answers no rows. Two writers of the same stream version meet at the unique index;
   * the loser gets WrongExpectedVersion, unless every stream it appended to was appended with 'any' or
   * 'stream-exists' and still matches: then it tries again.
   */
  private async runAppend(appends: StreamAppend[], query: AppendQuery, idempotency?: IdempotencyRecord): Promise<(WrittenRow | WrittenManyRow)[]> {
    for (let attempt = 1; ; attempt++) {
      let rows: (WrittenRow | WrittenManyRow)[];
      try {
        rows = await this.execute(query);
      } catch (error: any) {
        if (error?.code === '23505' && error?.constraint === 'idempotency_keys_pkey') {
          throw new IdempotencyKeyTaken(idempotency!.scope, idempotency!.key);
        }
        if (error?.code === '23505' && error?.constraint === 'events_stream_id_stream_version_key') {
          const moved = await this.versionMismatch(appends);
          if (moved) throw moved;
          if (attempt < 10) continue;
        }
        throw error;
      }
      if (rows.length > 0) return rows;
      const refused = await this.versionMismatch(appends);
      if (refused) throw refused;
      // The stream moved back into line between the statement and the look-up (another writer created it):
      // the append was refused on what it saw, so it tries again on what is there now.
      if (attempt >= 10) throw new Error('append refused without a version mismatch');
    }
  }

  /**
   * Runs one append statement on a connection of its own. An error other than the unique index's refusal
   * may have struck between the statement's lock and unlock: the connection is then closed rather than
   * returned, which releases any session lock it held.
   */
  private async execute<Row extends object>(query: AppendQuery): Promise<Row[]> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<Row>(query);
      client.release();
      return rows;
    } catch (error: any) {
      client.release(error?.code === '23505' ? undefined : error);
      throw error;
    }
  }

  /** The first append whose expected version the stream no longer matches, as the error to throw. */
  private async versionMismatch(appends: StreamAppend[]): Promise<WrongExpectedVersion | null> {
    const { rows } = await this.pool.query<{ stream_id: string; actual: number | null }>(
      `select s.stream_id, (select max(stream_version) from events e where e.stream_id = s.stream_id) as actual
         from unnest($1::text[]) as s(stream_id)`,
      [appends.map((a) => a.streamId)],
    );
    for (const a of appends) {
      const actual = rows.find((r) => r.stream_id === a.streamId)?.actual ?? null;
      const e = a.expectedVersion;
      const fine = e === 'any' ? true : e === 'stream-exists' ? actual !== null : e === 'no-stream' ? actual === null : actual === e;
      if (!fine) return new WrongExpectedVersion(a.streamId, e, actual);
    }
    return null;
  }

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    return (await this.readStreams([{ streamId, fromVersion: options.fromVersion }])).get(streamId)!;
  }

  /**
   * Reads several streams, each from its own version. Reads go in groups, as one-event appends do: a read
   * that arrives while READS_IN_FLIGHT statements are running waits for one of them to finish, and the reads
   * gathered meanwhile go in one statement, each stream once, from the lowest version any of them asked
   * for. A round trip costs the service and PostgreSQL more CPU than the index look-ups it carries (most of
   * a command's database CPU was its read, measured on the bench's virtual machines), and a snapshot taken
   * a moment later answers a command as well: its append still checks the versions it read. A read that
   * finds none running goes at once.
   */
  async readStreams(requests: { streamId: string; fromVersion?: number }[]): Promise<Map<string, RecordedEvent[]>> {
    const from = new Map<string, number>();
    for (const r of requests) from.set(r.streamId, Math.min(from.get(r.streamId) ?? Infinity, r.fromVersion ?? 1));
    const out = new Map<string, RecordedEvent[]>([...from.keys()].map((id) => [id, []]));
    if (from.size === 0) return out;
    const rows = await new Promise<EventRow[]>((resolve, reject) => {
      this.reads.push({ from, resolve, reject });
      this.sendReads();
    });
    // The group's rows, in stream and version order: this read's streams from the versions it asked for.
    for (const row of rows) {
      const first = from.get(row.stream_id);
      if (first !== undefined && row.stream_version >= first) out.get(row.stream_id)!.push(this.toRecorded(row));
    }
    return out;
  }

  private sendReads(): void {
    while (this.readsInFlight < READS_IN_FLIGHT && this.reads.length > 0) {
      const group = this.reads.splice(0, READ_GROUP_MAX);
      this.readsInFlight++;
      void this.sendReadGroup(group).finally(() => {
        this.readsInFlight--;
        this.sendReads();
      });
    }
  }

  private async sendReadGroup(group: PendingRead[]): Promise<void> {
    const from = new Map<string, number>();
    for (const read of group) for (const [id, version] of read.from) from.set(id, Math.min(from.get(id) ?? Infinity, version));
    let rows: EventRow[];
    try {
      // One index look-up per stream. As a plain join the planner (which takes an array parameter to hold
      // ten elements) may hash the whole events table instead: a full scan per command on a large ledger.
      // The `offset 0` keeps the per-stream subquery from being flattened into such a join.
      ({ rows } = await this.pool.query<EventRow>({ name: 'read-streams', text: READ_STREAMS_SQL, values: [[...from.keys()], [...from.values()]] }));
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      // One read's argument PostgreSQL refuses (a stream id it cannot store) must not fail the others':
      // each goes again alone and gets the answer it would have got alone.
      await Promise.all(group.map((read) => this.sendReadGroup([read])));
      return;
    }
    for (const read of group) read.resolve(rows);
  }

  /**
   * Reads the global log in position order. Positions are drawn before commit, so a transaction may commit
   * after one that drew a later position. Appends draw their transaction id and positions together (see
   * append-sql.ts), so smaller positions belong to smaller transaction ids; an event is delivered only when
   * its transaction id is below the oldest still running (the snapshot's xmin), so every smaller position
   * has committed or aborted by then. The prefix stops at the first event not yet safe: readers never skip
   * a late commit nor see an event twice.
   *
   * A transaction id at or above the snapshot's xmax cannot belong to this server (a visible row's
   * transaction committed before the snapshot): the event came over from another one (pg_dump and
   * pg_restore, a logical copy), whose transaction ids the server's own have not reached yet. It committed
   * there, so it is delivered; below xmin, as the server's own, it would wait for a counter that may take
   * years to get there.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? 1;
    const limit = Math.min(options.limit ?? 1000, READ_ALL_MAX);
    const { rows } = await this.pool.query<EventRow & { safe: boolean }>(
      { name: 'read-all', text: READ_ALL_SQL, values: [from, limit, options.metadataOf ?? null] },
    );
    const out: RecordedEvent[] = [];
    for (const row of rows) {
      if (!row.safe) break;
      out.push(this.toRecorded(row));
    }
    return out;
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: number }>('select coalesce(max(position), 0) as head from events');
    return rows[0].head;
  }

  subscribe(options: SubscribeOptions): Subscription {
    const sub = new PollingSubscription(this, options, this.pollIntervalMs);
    this.subscriptions.add(sub);
    sub.start();
    const stop = sub.stop.bind(sub);
    sub.stop = async () => {
      this.subscriptions.delete(sub);
      await stop();
    };
    return sub;
  }

  watch(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => void this.appended.off('appended', listener);
  }

  async findIdempotent(scope: string, key: string) {
    const { rows } = await this.pool.query(
      'select request_hash, status, body, position from idempotency_keys where scope = $1 and key = $2',
      [scope, key],
    );
    if (rows.length === 0) return null;
    return { requestHash: rows[0].request_hash, status: rows[0].status, body: rows[0].body, position: rows[0].position ?? 0 };
  }

  /** Records an answer that wrote no events (a refusal), so a retry with the same key gets it again. */
  async rememberRefusal(record: IdempotencyRecord): Promise<void> {
    await this.pool.query(
      `insert into idempotency_keys (scope, key, request_hash, status, body) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [record.scope, record.key, record.requestHash, record.status, JSON.stringify(record.body)],
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.pool.end();
  }

  private toRecorded(row: EventRow): RecordedEvent {
    return {
      id: row.id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      position: row.position,
      type: row.type,
      schemaVersion: this.schemas[row.type]?.version ?? row.schema_version,
      data: upcastData(this.schemas, row.type, row.schema_version, row.data),
      metadata: row.metadata ?? METADATA_NOT_READ, // stored metadata is never null: null is metadata not read
      effectiveOn: row.effective_on,
      recordedAt: isoFromMicros(row.recorded_us),
      recordedAtMicros: row.recorded_us,
    };
  }
}

export class IdempotencyKeyTaken extends Error {
  constructor(readonly scope: string, readonly key: string) {
    super(`idempotency key '${key}' was used by a concurrent request`);
    this.name = 'IdempotencyKeyTaken';
  }
}

/**
 * Catch-up subscription: reads batches from the log until it is drained, then waits until this process
 * appends again or the poll interval passes (appends of other processes are seen by polling).
 */
class PollingSubscription implements Subscription {
  private running = true;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly onAppended = () => this.wake?.();

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
  ) {}

  start(): void {
    this.store.appended.on('appended', this.onAppended);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let next = this.options.fromPosition;
    const batchSize = this.options.batchSize ?? 500;
    while (this.running) {
      try {
        const events = await this.store.readAll({ fromPosition: next, limit: batchSize });
        if (events.length > 0) {
          await this.options.onEvents(events);
          next = events[events.length - 1].position + 1;
          if (events.length === batchSize) continue;
        }
      } catch (error) {
        if (!this.running) break;
        this.options.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        // An append of this process commits before it resolves, but an earlier transaction may still hold
        // back its events; a short second look catches those without waiting for the full interval.
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          setTimeout(resolve, 2);
        };
      });
      this.wake = null;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.store.appended.off('appended', this.onAppended);
    this.wake?.();
    await this.loop?.catch(() => undefined);
  }
}
