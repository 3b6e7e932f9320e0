import { EventEmitter } from 'node:events';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { FollowerPacing, READ_ALL_MAX, type EventStore, type RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from './projection.js';
import { RowCache } from './rows.js';

export type ProjectionStatus = 'running' | 'rebuilding' | 'failed' | 'stopped';

export interface ProjectionInfo {
  name: string;
  generation: number;
  checkpoint: number;
  headPosition: number;
  lag: number;
  status: ProjectionStatus;
  error?: string;
  /** While a rebuild runs: the new generation, how far it has read the log, and what it is doing (see rebuildStage). */
  rebuild?: { generation: number; checkpoint: number; status: RebuildStage | 'failed'; phases: RebuildPhases };
}

export type RebuildStage = 'filling' | 'indexing' | 'catching-up' | 'comparing' | 'switching';

/** What a rebuild is doing, from the stages it has finished (RebuildPhases). */
export function rebuildStage(phases: RebuildPhases): RebuildStage {
  if (phases.compared !== undefined) return 'switching';
  if (phases.caughtUp !== undefined) return 'comparing';
  if (phases.indexed !== undefined) return 'catching-up';
  if (phases.filled !== undefined) return 'indexing';
  return 'filling';
}

export interface RebuildReport {
  id: number;
  name: string;
  fromGeneration: number;
  toGeneration: number;
  status: 'running' | 'switched' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  position: number | null;
  eventsPerSecond: number | null;
  diff: TableDiff[] | null;
  error: string | null;
  /** Seconds from the start of the rebuild at which each of its stages ended (those it reached). */
  phases: RebuildPhases | null;
}

/**
 * Where a rebuild's time went, as seconds from its start at which each stage ended:
 * - `filled`: the generation has applied the log as it stood (the read shared with the rest of the group);
 * - `indexed`: the rows it kept are written, deferred indexes built;
 * - `caughtUp`: old and new generation brought to the same position;
 * - `compared`: the two generations compared (the diff), the new one's statistics taken;
 * - `switched`: the views point at the new generation.
 */
export interface RebuildPhases {
  filled?: number;
  indexed?: number;
  caughtUp?: number;
  compared?: number;
  switched?: number;
}

export interface TableDiff {
  table: string;
  rowsBefore: number;
  rowsAfter: number;
  onlyBefore: number;
  onlyAfter: number;
  samplesOnlyBefore: unknown[];
  samplesOnlyAfter: unknown[];
  schemaChanged: boolean;
}

const versionOf = (projection: Projection) => projection.version ?? 1;

/**
 * A column as two generations are compared on it: json has no equality or hash of its own, so its text
 * stands for it (the runner writes every document with JSON.stringify, so equal documents are equal text).
 * `shown` turns what `comparable` gave back into the column's own type.
 */
const comparable = (column: string, type: string) => (type === 'json' ? `${column}::text` : column);
const shown = (column: string, type: string) => (type === 'json' ? `${column}::json` : column);

/**
 * What reads that go to the log itself (through its own indexes, not a read model) pass for a projection's
 * name to ask how far they may read (checkpoint, waitFor): the runner's frontier, the highest checkpoint of
 * its projections. Every event up to a checkpoint came in a read that stopped before any event still held
 * back (see EventStore.readAll), so a page of the log that ends there never skips one that commits late.
 */
export const THE_LOG = 'log';

const schemaOf = (name: string, generation: number) => `rm_${name.replace(/-/g, '_')}_g${generation}`;

/** Checkpoint and generation bookkeeping of the runner, in the public schema. */
const RUNNER_DDL = `
create schema if not exists read;
create table if not exists public.projection_generations (
  name text not null,
  generation integer not null,
  checkpoint bigint not null default 0,
  status text not null,
  error text,
  primary key (name, generation)
);
alter table public.projection_generations add column if not exists version integer not null default 1;
create table if not exists public.projections (
  name text primary key,
  active_generation integer not null
);
create table if not exists public.projection_rebuilds (
  id bigserial primary key,
  name text not null,
  from_generation integer not null,
  to_generation integer not null,
  status text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  position bigint,
  events_per_second numeric,
  diff jsonb,
  error text
);
alter table public.projection_rebuilds add column if not exists phases jsonb;`;

interface Member {
  projection: Projection;
  generation: number;
  /** Built by an older version of the projection (see Projection.version): not applied to, not read. */
  outdated?: boolean;
  checkpoint: number;
  handles: Set<string>;
  /** While a rebuild fills the generation: the rows it keeps between batches (written back at the end). */
  rows?: RowCache;
  /** While a rebuild fills the generation: its own connection (see FillConnection). */
  connection?: FillConnection;
  failed?: string;
  failedAt?: number;
  /** While rebuilding: when the rebuild started (performance.now()) and the stages it has finished. */
  rebuild?: { startedAt: number; phases: RebuildPhases };
}

/** A rebuild under way: the projection's name, its new generation (the member), and the id of its report. */
interface RebuildRun {
  name: string;
  member: Member;
  reportId: number;
}

/** What `rebuild` answers for each name asked for. */
export interface RebuildStarted {
  name: string;
  generation: number;
  rebuildId: number;
}

/** An index or primary key dropped while a rebuild fills a table, and the statement that builds it again. */
interface Deferred {
  table: string;
  statement: string;
}

/**
 * The connection a rebuilding member fills its generation on, one transaction per batch. The next batch's
 * transaction is begun with the commit of the last, in one round trip, and the connection is kept for the
 * whole fill: per batch one round trip instead of four (taking a pooled connection, BEGIN, the settings,
 * COMMIT), for every member. A transaction begun and not yet written to has no transaction id and holds no
 * snapshot (read committed), so one left open while the member waits for its next batch holds nothing back.
 */
class FillConnection {
  private constructor(
    private readonly runner: QueryRunner,
    private readonly begin: string,
  ) {}

  /** `schema` is the generation's (see schemaOf: letters, digits and underscores only). */
  static async open(dataSource: DataSource, schema: string): Promise<FillConnection> {
    // The generation's tables first, and no waiting for the commit to be flushed (see ProjectionRunner.fill).
    const begin = `begin; select set_config('search_path', '${schema}, public', true), set_config('synchronous_commit', 'off', true)`;
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query(begin);
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new FillConnection(runner, begin);
  }

  get em(): EntityManager {
    return this.runner.manager;
  }

  /** Commits what the transaction wrote and begins the next one. */
  async commit(): Promise<void> {
    await this.runner.query(`commit; ${this.begin}`);
  }

  /** Commits what the transaction wrote and gives the connection back to the pool. */
  async finish(): Promise<void> {
    await this.runner.query('commit');
    await this.runner.release();
  }

  /** Rolls back what was not committed and gives the connection back to the pool (once finished, nothing). */
  async close(): Promise<void> {
    if (this.runner.isReleased) return;
    await this.runner.query('rollback').catch(() => undefined);
    await this.runner.release();
  }
}

/** A table of a generation summed up for the comparison before a switch (see ProjectionRunner.summarize). */
interface TableSummary {
  columns: string[];
  /** Each column's type (as `columns`). */
  types: string[];
  key: string[];
  rows: number;
  hash: string | null;
}

const RETRY_FAILED_AFTER_MS = 10_000;
/**
 * How many batches the fastest member of a rebuild may be ahead of the slowest (what bounds its memory): up to
 * three batches in memory (the slowest member's, the fastest's, the next one read meanwhile). On the 1M-event
 * ledger, batches of 10,000 took less CPU than batches of 5,000 (bench/results/experiments-2026-12-07-2.md), and
 * batches of 20,000 less than 10,000 (experiments-2026-12-07-8.md).
 * With one batch ahead at most, every member started each batch together, so the two that set the pace (the
 * grants and the ledger) did their own work and then waited for PostgreSQL at the same moments; with two they
 * drift apart and one works while the other waits: median 42.9 s against 45.6 (four rebuilds each, alternating),
 * for about 10 MB more (bench/results/experiments-2026-12-07-8.md). Three gave nothing more for 30 MB.
 */
const REBUILD_MAX_AHEAD = 2;

/**
 * One read of the log shared by the members of a rebuild, each going through it at its own pace: batch i
 * is read while batch i-1 is applied, kept until every member is past it, and no member gets more than
 * REBUILD_MAX_AHEAD batches ahead of the slowest one still running. A batch that could not be read is null.
 */
class BatchFeed {
  private readonly batches = new Map<number, Promise<RecordedEvent[] | null>>();
  /** Per member: the first batch it has not finished; Infinity once it left. */
  private readonly progress: number[];
  private waiting: { until: () => boolean; resolve: () => void }[] = [];

  constructor(
    private readonly read: (fromPosition: number) => Promise<RecordedEvent[]>,
    private readonly size: number,
    members: number,
  ) {
    this.progress = new Array(members).fill(0);
  }

  async take(member: number, i: number): Promise<RecordedEvent[] | null> {
    if (i - this.slowest() >= REBUILD_MAX_AHEAD) await new Promise<void>((resolve) => this.waiting.push({ until: () => i - this.slowest() < REBUILD_MAX_AHEAD, resolve }));
    const events = this.batch(i);
    void this.batch(i + 1); // read ahead (made before batch i can be let go: it chains on it)
    return events;
  }

  done(member: number, i: number): void {
    this.progress[member] = i + 1;
    this.advanced();
  }

  leave(member: number): void {
    this.progress[member] = Infinity;
    this.advanced();
  }

  private slowest(): number {
    return Math.min(...this.progress);
  }

  private batch(i: number): Promise<RecordedEvent[] | null> {
    let batch = this.batches.get(i);
    if (!batch) {
      const read = (from: number) => this.read(from).catch(() => null);
      // A short batch ends the log as it stood: what came after is left to the catch-up before the switch.
      batch = i === 0 ? read(1) : this.batch(i - 1).then((before) => (before === null ? null : before.length < this.size ? [] : read(before[before.length - 1].position + 1)));
      this.batches.set(i, batch);
    }
    return batch;
  }

  private advanced(): void {
    const slowest = this.slowest();
    for (const i of this.batches.keys()) if (i < slowest) this.batches.delete(i);
    const ready = this.waiting.filter((w) => w.until());
    this.waiting = this.waiting.filter((w) => !w.until());
    for (const w of ready) w.resolve();
  }
}

/**
 * Runs projections over the global log. Live, members of a group share one read of the log; each batch's
 * read-model changes and every member's checkpoint commit in one transaction (a member that throws is
 * rolled back to its savepoint and marked failed, without holding the others back). A rebuild fills new
 * generations on its own terms (see `fill`) and joins them to the live path at the switch.
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly live = new Map<string, Member>();
  private readonly rebuilding = new Map<string, RebuildRun>();
  /** The rebuilds running (runRebuild), which `stop` waits for. */
  private readonly rebuildRuns = new Set<Promise<void>>();
  private readonly changes = new EventEmitter();
  private stopped = false;
  private liveLoop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private head = 0;
  /** The event types whose metadata the runner reads (Projection.readsMetadata). */
  private readonly metadataOf: string[];

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    projections: Projection[],
    private readonly options: {
      batchSize?: number;
      pollIntervalMs?: number;
      onError?: (projection: string, error: unknown) => void;
      /**
       * While a rebuild fills a generation: events per batch (default and most READ_ALL_MAX, 20,000: each
       * batch is a transaction per member, its loads and writes, so fewer cost less; what the process keeps in
       * memory grows with them), and rows each member keeps between batches (default 5,000, see RowCache).
       */
      rebuild?: { batchSize?: number; rowsHeld?: number };
      /** Projections the service no longer has: at start, what they left (tables, views, bookkeeping) is dropped. */
      retired?: string[];
    } = {},
  ) {
    for (const p of projections) {
      if (p.name === THE_LOG) throw new RangeError(`'${THE_LOG}' names the log itself, not a projection`);
      this.projections.set(p.name, p);
    }
    for (const name of options.retired ?? []) if (this.projections.has(name) || name === THE_LOG) throw new RangeError(`'${name}' cannot be retired: the service has it`);
    this.metadataOf = [...new Set(projections.filter((p) => p.readsMetadata).flatMap((p) => p.handles))];
    this.changes.setMaxListeners(0);
  }

  get names(): string[] {
    return [...this.projections.keys()];
  }

  /** Creates what is missing (bookkeeping, a first generation per projection) and starts following the log. */
  async start(): Promise<void> {
    await this.dataSource.query(`select pg_advisory_lock(7361042003)`);
    try {
      await this.dataSource.query(RUNNER_DDL);
      for (const name of this.options.retired ?? []) await this.dropProjection(name);
      // A rebuild interrupted by a stop or a crash is abandoned; the live generation never stopped serving.
      for (const row of await this.dataSource.query(`select name, generation from public.projection_generations where status = 'rebuilding'`)) {
        await this.abandonRebuild(row.name, row.generation, null, 'interrupted by a restart');
      }
      for (const projection of this.projections.values()) {
        const rows = await this.dataSource.query(`select active_generation from public.projections where name = $1`, [projection.name]);
        let generation: number = rows[0]?.active_generation;
        if (generation === undefined) {
          generation = 1;
          await this.createGeneration(projection, generation);
          await this.dataSource.transaction(async (em) => {
            await em.query(`insert into public.projection_generations (name, generation, status, version) values ($1, $2, 'running', $3) on conflict do nothing`, [projection.name, generation, versionOf(projection)]);
            await em.query(`insert into public.projections (name, active_generation) values ($1, $2)`, [projection.name, generation]);
            await this.pointViews(em, projection, generation);
          });
        }
        const [{ checkpoint, version }] = await this.dataSource.query(
          `select checkpoint, version from public.projection_generations where name = $1 and generation = $2`,
          [projection.name, generation],
        );
        const outdated = version !== versionOf(projection) || undefined;
        this.live.set(projection.name, { projection, generation, checkpoint: Number(checkpoint), handles: new Set(projection.handles), outdated });
      }
    } finally {
      await this.dataSource.query(`select pg_advisory_unlock(7361042003)`);
    }
    this.liveLoop = this.follow();
    const outdated = [...this.live.values()].filter((m) => m.outdated).map((m) => m.projection.name);
    if (outdated.length > 0) await this.rebuild(outdated);
  }

  /** True while the generation answering reads was built by an older version of the projection (a rebuild is due or running). */
  isOutdated(name: string): boolean {
    return this.live.get(name)?.outdated === true;
  }

  /**
   * Stops following the log. A rebuild in progress is abandoned after its current batch, or before its
   * switch if it is past filling, its report saying why; one already switching completes. Either way it is
   * over when this resolves, and the pools can be closed after it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.liveLoop;
    await Promise.allSettled(this.rebuildRuns);
    await this.unsubscribe?.();
  }

  async headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** The position a projection's served tables reflect (for THE_LOG: the frontier). */
  checkpoint(name: string): number {
    if (name === THE_LOG) return Math.max(0, ...[...this.live.values()].map((m) => m.checkpoint));
    return this.live.get(name)?.checkpoint ?? 0;
  }

  /** Resolves true once the projection has processed `position`, false after `timeoutMs`. */
  async waitFor(name: string, position: number, timeoutMs: number): Promise<boolean> {
    if (this.checkpoint(name) >= position) return true;
    return new Promise((resolve) => {
      const onChange = () => {
        if (this.checkpoint(name) >= position) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.changes.off('checkpoint', onChange);
        resolve(ok);
      };
      this.changes.on('checkpoint', onChange);
    });
  }

  async status(): Promise<ProjectionInfo[]> {
    const head = await this.store.headPosition();
    this.head = head;
    return [...this.projections.keys()].map((name) => {
      const m = this.live.get(name);
      const checkpoint = m?.checkpoint ?? 0;
      const rebuild = this.rebuilding.get(name);
      const awaitingRebuild = m?.outdated && !rebuild;
      const phases = rebuild?.member.rebuild?.phases ?? {};
      return {
        name,
        generation: m?.generation ?? 0,
        checkpoint,
        headPosition: head,
        lag: Math.max(0, head - checkpoint),
        status: m?.failed || awaitingRebuild ? 'failed' : rebuild ? 'rebuilding' : this.stopped ? 'stopped' : 'running',
        ...(m?.failed ? { error: m.failed } : awaitingRebuild ? { error: `generation ${m.generation} was built by an older version of the projection: rebuild it` } : {}),
        ...(rebuild
          ? { rebuild: { generation: rebuild.member.generation, checkpoint: rebuild.member.checkpoint, status: rebuild.member.failed ? ('failed' as const) : rebuildStage(phases), phases: { ...phases } } }
          : {}),
      };
    });
  }

  /**
   * Blue-green rebuild: a new generation of each named projection is filled from the start of the log while
   * the old one keeps answering (projections rebuilt together share one read of the log); once filled, old
   * and new are brought to the same position, compared (the diff report is kept), and the views switch to
   * the new tables in one transaction, projection by projection, each as soon as it is ready.
   */
  async rebuild(names: string[]): Promise<RebuildStarted[]> {
    for (const name of names) if (!this.projections.has(name)) throw new RangeError(`unknown projection '${name}'`);
    // The new generations are made side by side (each a few dozen catalog statements: most of the start of a
    // rebuild of every projection). A name already rebuilding, or being prepared by another call, joins that.
    const answer = ({ name, member, reportId }: RebuildRun): RebuildStarted => ({ name, generation: member.generation, rebuildId: reportId });
    const started: RebuildRun[] = [];
    const settled = await Promise.allSettled(
      names.map(async (name) => {
        const running = this.rebuilding.get(name);
        if (running) return answer(running);
        const joined = this.preparing.get(name);
        if (joined) return answer(await joined);
        const preparing = this.prepareRebuild(name);
        this.preparing.set(name, preparing);
        try {
          const prepared = await preparing;
          started.push(prepared);
          return answer(prepared);
        } finally {
          this.preparing.delete(name);
        }
      }),
    );
    if (started.length > 0) {
      const run = this.runRebuild(started).finally(() => this.rebuildRuns.delete(run));
      this.rebuildRuns.add(run);
    }
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason; // the others run on
    return settled.map((s) => (s as PromiseFulfilledResult<RebuildStarted>).value);
  }

  /** Rebuilds whose generation is being made (see `rebuild`). */
  private readonly preparing = new Map<string, Promise<RebuildRun>>();

  /** A new generation of the projection, its bookkeeping, and its rebuild's report; the rebuild is then running. */
  private async prepareRebuild(name: string): Promise<RebuildRun> {
    const projection = this.projections.get(name)!;
    const current = this.live.get(name)!;
    const [{ next }] = await this.dataSource.query(`select coalesce(max(generation), 0) + 1 as next from public.projection_generations where name = $1`, [name]);
    const generation = Number(next);
    try {
      await this.createGeneration(projection, generation, true);
      await this.dataSource.query(`insert into public.projection_generations (name, generation, status, version) values ($1, $2, 'rebuilding', $3)`, [name, generation, versionOf(projection)]);
      const [{ id }] = await this.dataSource.query(
        `insert into public.projection_rebuilds (name, from_generation, to_generation, status) values ($1, $2, $3, 'running') returning id`,
        [name, current.generation, generation],
      );
      const member: Member = { projection, generation, checkpoint: 0, handles: new Set(projection.handles) };
      const run = { name, member, reportId: Number(id) };
      this.rebuilding.set(name, run);
      return run;
    } catch (error) {
      await this.abandonRebuild(name, generation, null, String((error as Error).message ?? error));
      throw error;
    }
  }

  async latestRebuild(name: string): Promise<RebuildReport | null> {
    const rows = await this.dataSource.query(`select * from public.projection_rebuilds where name = $1 order by id desc limit 1`, [name]);
    if (rows.length === 0) return null;
    const r = rows[0];
    return {
      id: Number(r.id),
      name: r.name,
      fromGeneration: r.from_generation,
      toGeneration: r.to_generation,
      status: r.status,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      position: r.position === null ? null : Number(r.position),
      eventsPerSecond: r.events_per_second === null ? null : Number(r.events_per_second),
      diff: r.diff,
      error: r.error,
      phases: r.phases ?? null,
    };
  }

  /** Resolves when no rebuild is running (for tests and the admin's `wait`). */
  async rebuildsSettled(timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.rebuilding.size > 0) {
      if (Date.now() > until) throw new Error('rebuilds did not finish in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async runRebuild(group: RebuildRun[]): Promise<void> {
    const startedAt = performance.now();
    for (const g of group) g.member.rebuild = { startedAt, phases: {} };
    const size = Math.min(this.options.rebuild?.batchSize ?? READ_ALL_MAX, READ_ALL_MAX);
    const feed = new BatchFeed((from) => this.store.readAll({ fromPosition: from, limit: size, metadataOf: this.metadataOf }), size, group.length);
    // Each member goes on to its switch as soon as its own generation is filled: what follows the fill
    // (indexes, comparison) is database work, which then overlaps with the rest of the group.
    await Promise.all(
      group.map(async (g, slot) => {
        const live = this.live.get(g.name)!;
        const before = this.summarizeLive(live.projection, live.generation).catch(() => null);
        await this.fill(g.member, feed, slot);
        await this.switchOver(g, before);
      }),
    );
  }

  /**
   * The bulk of a rebuild: the member follows the log from position 1 (read once for the whole group) on
   * its own connection, one transaction per batch, until it reaches the end of the log. The new
   * generation's tables are private to the rebuild (nothing reads them, only this loop writes them, a
   * crash abandons the rebuild), so the live path's safeguards have nothing to protect here: no row lock on
   * the checkpoint (no other runner applies a rebuilding generation), no savepoint (a failing member's
   * transaction simply rolls back), no waiting for the commit to be flushed (a commit lost in a crash is a
   * rebuild lost anyway). Indexes that no statement of `apply` needs are built once at the end instead of
   * row by row.
   */
  private async fill(member: Member, feed: BatchFeed, slot: number): Promise<void> {
    try {
      let restore: Deferred[];
      try {
        restore = await this.deferIndexes(member);
        member.rows = new RowCache(this.dataSource);
        member.connection = await FillConnection.open(this.dataSource, schemaOf(member.projection.name, member.generation));
        for (let i = 0; !this.stopped; i++) {
          const events = await feed.take(slot, i);
          if (events === null || events.length === 0) break; // end of the log, or it could not be read: the catch-up goes on from the checkpoint
          await this.applyRebuildBatch(member, events);
          feed.done(slot, i);
        }
      } finally {
        feed.leave(slot);
      }
      if (this.stopped) {
        await member.connection.close();
        return;
      }
      this.reached(member, 'filled');
      // The indexes of append-only tables (which the finish does not write) are built while it runs.
      const appendOnly = new Set(this.tableNames(member.projection.appendOnly));
      const [early, late] = [restore.filter((d) => appendOnly.has(d.table)), restore.filter((d) => !appendOnly.has(d.table))];
      await Promise.all([this.finishFill(member), this.twoAtATime(early.map((d) => d.statement))]);
      await this.twoAtATime(late.map((d) => d.statement));
      this.reached(member, 'indexed'); // statistics come once the comparison has said which tables are equal (`settleStatistics`)
    } catch (error) {
      await this.fail(member, error);
    }
  }

  /**
   * One batch of a rebuild. Rows kept by primary key stay in the member's RowCache across batches, so the
   * stored checkpoint only moves when they are all written (`finishFill`): until then the tables are behind
   * the checkpoint kept in memory, which nothing but this rebuild looks at.
   */
  private async applyRebuildBatch(member: Member, events: RecordedEvent[]): Promise<void> {
    const relevant = events.filter((e) => member.handles.has(e.type));
    if (relevant.length > 0) {
      const connection = member.connection!;
      try {
        await member.projection.apply(relevant, { em: connection.em, rows: member.rows! });
        await member.rows!.shrink(connection.em, this.options.rebuild?.rowsHeld ?? 5000);
        await connection.commit();
      } catch (error) {
        throw Object.assign(new Error(`event at position ${relevant[0].position} failed: ${(error as Error).message}`), { cause: error });
      }
    }
    member.checkpoint = events[events.length - 1].position;
    this.changes.emit('checkpoint');
  }

  /** Writes what the member's RowCache still holds, stores the checkpoint, and lets the fill's connection go. */
  private async finishFill(member: Member): Promise<void> {
    const connection = member.connection!;
    await member.rows!.flush(connection.em);
    await connection.em.query(`update public.projection_generations set checkpoint = $3 where name = $1 and generation = $2`, [member.projection.name, member.generation, member.checkpoint]);
    await connection.finish();
    member.rows = undefined;
    member.connection = undefined;
  }

  private async fail(member: Member, error: unknown): Promise<void> {
    member.failed = String((error as Error)?.message ?? error);
    member.failedAt = Date.now();
    member.rows = undefined;
    await member.connection?.close();
    member.connection = undefined;
    this.options.onError?.(member.projection.name, (error as Error)?.cause ?? error);
    await this.dataSource
      .query(`update public.projection_generations set error = $3, status = 'failed' where name = $1 and generation = $2`, [member.projection.name, member.generation, member.failed])
      .catch(() => undefined);
  }

  /**
   * Drops the indexes of a fresh generation that `apply` does not need and returns what recreates them:
   * every non-unique index (projections look rows up by primary key only), and the primary keys of the
   * tables the projection declares append-only.
   */
  private async deferIndexes(member: Member): Promise<Deferred[]> {
    const schema = schemaOf(member.projection.name, member.generation);
    const bulk = this.tableNames(member.projection.appendOnly);
    const rows: { table: string; index: string; unique: boolean; definition: string; constraint: string | null; constraintDefinition: string | null }[] = await this.dataSource.query(
      `select t.relname as table, i.relname as index, x.indisunique as unique, pg_get_indexdef(x.indexrelid) as definition,
              c.conname as constraint, pg_get_constraintdef(c.oid) as "constraintDefinition"
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join pg_namespace n on n.oid = t.relnamespace
         left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = t.oid
        where n.nspname = $1`,
      [schema],
    );
    const restore: Deferred[] = [];
    for (const r of rows) {
      if (!r.unique && r.constraint === null) {
        await this.dataSource.query(`drop index ${schema}."${r.index}"`);
        restore.push({ table: r.table, statement: r.definition });
      } else if (bulk.includes(r.table) && r.constraint !== null) {
        await this.dataSource.query(`alter table ${schema}."${r.table}" drop constraint "${r.constraint}"`);
        restore.push({ table: r.table, statement: `alter table ${schema}."${r.table}" add constraint "${r.constraint}" ${r.constraintDefinition}` });
      }
    }
    return restore;
  }

  /**
   * Runs statements on a generation's tables (building the deferred indexes: sorting a filled table beats
   * inserting into the index row by row; analyzing), two at a time, each on its own connection: at the end
   * of a rebuild the slowest projection's are most of what is left to do, and one keeps one core busy.
   */
  private async twoAtATime(statements: string[]): Promise<void> {
    const queue = [...statements];
    const worker = async () => {
      for (let statement = queue.shift(); statement; statement = queue.shift()) {
        await this.dataSource.transaction(async (em) => {
          await em.query(`set local maintenance_work_mem = '256MB'`);
          await em.query(statement);
        });
      }
    };
    await Promise.all([worker(), worker()]);
  }

  /** Takes the old generation out of the live loop, brings both to the same position, compares, switches. */
  private async switchOver(
    { name, member, reportId }: RebuildRun,
    early: Promise<{ checkpoint: number; tables: Map<string, TableSummary> } | null>,
  ): Promise<void> {
    try {
      if (member.failed) throw new Error(member.failed);
      if (this.stopped) throw new Error('the runner stopped');
      const old = this.live.get(name)!;
      const target = await this.store.headPosition();
      await this.withPaused(name, async () => {
        if (!old.outdated) await this.catchUpTo([old], target); // an outdated one stays as it is: only the new code exists
        await this.catchUpTo([member], target);
        if (member.failed) throw new Error(member.failed);
        this.reached(member, 'caughtUp');
        const taken = await early;
        const [before, after] = await Promise.all([
          taken?.checkpoint === old.checkpoint ? taken.tables : this.summarize(old.projection, old.generation),
          this.summarize(member.projection, member.generation),
        ]);
        const diff = await this.diff(member.projection, old.generation, member.generation, before, after);
        await this.settleStatistics(member.projection, old.generation, member.generation, diff);
        this.reached(member, 'compared');
        this.reached(member, 'switched');
        const { startedAt, phases } = member.rebuild!;
        await this.dataSource.transaction(async (em) => {
          await this.pointViews(em, member.projection, member.generation);
          await em.query(`update public.projections set active_generation = $2 where name = $1`, [name, member.generation]);
          await em.query(`update public.projection_generations set status = 'running' where name = $1 and generation = $2`, [name, member.generation]);
          await em.query(`update public.projection_generations set status = 'retired' where name = $1 and generation = $2`, [name, old.generation]);
          const seconds = Math.max((performance.now() - startedAt) / 1000, 0.001);
          await em.query(
            `update public.projection_rebuilds set status = 'switched', finished_at = now(), position = $2, events_per_second = $3, diff = $4, phases = $5 where id = $1`,
            [reportId, member.checkpoint, Math.round(member.checkpoint / seconds), JSON.stringify(diff), JSON.stringify(phases)],
          );
        });
        this.live.set(name, member);
        await this.dataSource.query(`drop schema if exists ${schemaOf(name, old.generation)} cascade`);
      });
      this.changes.emit('checkpoint');
    } catch (error) {
      await this.abandonRebuild(name, member.generation, reportId, String((error as Error).message ?? error), member.rebuild?.phases);
    } finally {
      this.rebuilding.delete(name);
      member.rebuild = undefined;
    }
  }

  /** Drops the generations of a projection the service no longer has (the views on them go with them) and its bookkeeping. */
  private async dropProjection(name: string): Promise<void> {
    for (const { generation } of await this.dataSource.query(`select generation from public.projection_generations where name = $1`, [name])) {
      await this.dataSource.query(`drop schema if exists ${schemaOf(name, generation)} cascade`);
    }
    await this.dataSource.query(`delete from public.projection_generations where name = $1`, [name]);
    await this.dataSource.query(`delete from public.projections where name = $1`, [name]);
  }

  private async abandonRebuild(name: string, generation: number, reportId: number | null, reason: string, phases?: RebuildPhases): Promise<void> {
    if (reportId !== null) {
      await this.dataSource
        .query(`update public.projection_rebuilds set status = 'failed', finished_at = now(), error = $2, phases = $3 where id = $1`, [reportId, reason, phases ? JSON.stringify(phases) : null])
        .catch(() => undefined);
    } else {
      await this.dataSource
        .query(`update public.projection_rebuilds set status = 'failed', finished_at = now(), error = $3 where name = $1 and to_generation = $2 and status = 'running'`, [name, generation, reason])
        .catch(() => undefined);
    }
    await this.dataSource.query(`drop schema if exists ${schemaOf(name, generation)} cascade`).catch(() => undefined);
    await this.dataSource.query(`delete from public.projection_generations where name = $1 and generation = $2`, [name, generation]).catch(() => undefined);
  }

  /** Notes that the member's rebuild finished a stage, in seconds (to 10 ms) from the rebuild's start. */
  private reached(member: Member, phase: keyof RebuildPhases): void {
    if (member.rebuild) member.rebuild.phases[phase] = Math.round((performance.now() - member.rebuild.startedAt) / 10) / 100;
  }

  private paused = new Set<string>();
  private batchInFlight: Promise<unknown> = Promise.resolve();

  private async withPaused(name: string, work: () => Promise<void>): Promise<void> {
    this.paused.add(name);
    await this.batchInFlight; // the live loop's current batch may still include this projection
    try {
      await work();
    } finally {
      this.paused.delete(name);
    }
  }

  private async catchUpTo(members: Member[], target: number): Promise<void> {
    while (members.some((m) => m.checkpoint < target && !m.failed)) {
      const read = await this.processBatch(members, this.options.batchSize ?? 2000, target);
      if (read === 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async follow(): Promise<void> {
    const unwatch = this.store.watch(() => this.wake?.());
    this.unsubscribe = async () => unwatch();
    const pacing = new FollowerPacing(this.options.pollIntervalMs ?? 200);
    // The last wait ended because of an append (an empty read after it means the log is held back).
    let woken = false;
    while (!this.stopped) {
      let read = 0;
      try {
        // A failed member is retried after a pause: a passing fault heals, a bug stays visible as 'failed'.
        for (const m of this.live.values()) {
          if (m.failed && Date.now() - (m.failedAt ?? 0) > RETRY_FAILED_AFTER_MS) m.failed = undefined;
        }
        const members = [...this.live.values()].filter((m) => !m.failed && !m.outdated && !this.paused.has(m.projection.name));
        const batch = this.processBatch(members, this.options.batchSize ?? 2000);
        this.batchInFlight = batch.catch(() => undefined);
        read = await batch;
      } catch {
        await new Promise((r) => setTimeout(r, 1000)); // the database is away; try again
      }
      // A wake is spent by the read after it: held back only if that read found nothing.
      const heldBack = woken && read === 0;
      woken = false;
      if (read > 0) pacing.progressed();
      if (read > 0 || this.stopped) continue;
      if (heldBack) {
        await pacing.heldBack();
        continue;
      }
      const waitMs = pacing.nextWaitMs();
      woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = null;
    }
  }

  /** Reads one batch after the lowest checkpoint of the members and applies it; returns events read. */
  private async processBatch(members: Member[], batchSize: number, upTo = Number.MAX_SAFE_INTEGER): Promise<number> {
    const active = members.filter((m) => !m.failed && m.checkpoint < upTo);
    if (active.length === 0) return 0;
    const from = Math.min(...active.map((m) => m.checkpoint)) + 1;
    const events = (await this.store.readAll({ fromPosition: from, limit: batchSize, metadataOf: this.metadataOf })).filter((e) => e.position <= upTo);
    return this.applyBatch(active, events);
  }

  /**
   * Applies events (in position order) to the members and stores their checkpoints, in one transaction. Its
   * statements are few and shared, as this runs for every live batch: one locks every member's checkpoint row,
   * one stores every checkpoint that moved, and a member pays for a savepoint (taken in the same round trip as
   * its search path) only when some event of the batch is for it. A member without any advances with the rest.
   */
  private async applyBatch(active: Member[], events: RecordedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const last = events[events.length - 1].position;
    const advanced: [Member, number][] = [];
    await this.dataSource.transaction(async (em) => {
      // Row locks, taken in one order by every runner: one at a time applies a given generation; the stored
      // checkpoint is the truth.
      const locked: { name: string; generation: number; checkpoint: string | number }[] = await em.query(
        `select g.name, g.generation, g.checkpoint from public.projection_generations g
           join unnest($1::text[], $2::int[]) as m(name, generation) on g.name = m.name and g.generation = m.generation
          order by g.name, g.generation for update of g`,
        [active.map((m) => m.projection.name), active.map((m) => m.generation)],
      );
      const storedOf = new Map(locked.map((row) => [`${row.name}/${row.generation}`, Number(row.checkpoint)]));
      for (const member of active) {
        const stored = storedOf.get(`${member.projection.name}/${member.generation}`) ?? 0;
        const relevant = events.filter((e) => e.position > stored && member.handles.has(e.type));
        if (relevant.length > 0) {
          await em.query(`savepoint member; set local search_path to ${schemaOf(member.projection.name, member.generation)}, public`);
          try {
            const rows = new RowCache(this.dataSource);
            await member.projection.apply(relevant, { em, rows });
            await rows.flush(em);
            await em.query('release savepoint member');
          } catch (error) {
            await em.query('rollback to savepoint member');
            const message = `event at position ${relevant[0]?.position ?? '?'} failed: ${(error as Error).message}`;
            await em.query(`update public.projection_generations set error = $3, status = 'failed' where name = $1 and generation = $2`, [member.projection.name, member.generation, message]);
            member.failed = message;
            member.failedAt = Date.now();
            this.options.onError?.(member.projection.name, error);
            continue;
          }
        }
        advanced.push([member, Math.max(stored, last)]);
      }
      if (advanced.length > 0) {
        await em.query(
          `update public.projection_generations g set checkpoint = m.checkpoint
             from unnest($1::text[], $2::int[], $3::bigint[]) as m(name, generation, checkpoint)
            where g.name = m.name and g.generation = m.generation`,
          [advanced.map(([m]) => m.projection.name), advanced.map(([m]) => m.generation), advanced.map(([, checkpoint]) => checkpoint)],
        );
      }
    });
    for (const [member, checkpoint] of advanced) member.checkpoint = checkpoint;
    this.changes.emit('checkpoint');
    return events.length;
  }

  /**
   * A generation's schema, tables and indexes. Its json and jsonb columns get no statistics (no plan uses
   * them, and they cost most of an ANALYZE: every sampled document detoasted and hashed, 2.2 s instead of
   * 0.4 s for the applications of a 1M-event ledger), so a plain ANALYZE, ours or autovacuum's, skips them.
   * A generation made `forRebuild` is left out of autovacuum until the rebuild has filled it and given it
   * statistics (see `settleStatistics`): vacuuming a table that grows by thousands of rows a second is work done again later.
   */
  private async createGeneration(projection: Projection, generation: number, forRebuild = false): Promise<void> {
    const schema = schemaOf(projection.name, generation);
    await this.dataSource.query(`drop schema if exists ${schema} cascade`);
    await this.dataSource.query(`create schema ${schema}`);
    // TypeORM creates the tables and indexes of the entities inside the generation's schema.
    const options = this.dataSource.options as any;
    const builder = new DataSource({ ...options, schema, entities: projection.entities, synchronize: false, migrations: [], logging: false, extra: { ...(options.extra ?? {}), max: 1 } });
    await builder.initialize();
    try {
      await builder.synchronize();
    } finally {
      await builder.destroy();
    }
    for (const entity of projection.entities) {
      const metadata = this.dataSource.getMetadata(entity);
      const clauses = metadata.columns.filter((c) => c.type === 'json' || c.type === 'jsonb').map((c) => `alter column "${c.databaseName}" set statistics 0`);
      if (forRebuild) clauses.push('set (autovacuum_enabled = false)');
      if (clauses.length > 0) await this.dataSource.query(`alter table ${schema}."${metadata.tableName}" ${clauses.join(', ')}`);
    }
  }

  private tablesOf(projection: Projection): string[] {
    return this.tableNames(projection.entities);
  }

  private tableNames(entities: Function[] = []): string[] {
    return entities.map((e) => this.dataSource.getMetadata(e).tableName);
  }

  private async pointViews(em: EntityManager, projection: Projection, generation: number): Promise<void> {
    for (const table of this.tablesOf(projection)) {
      await em.query(`drop view if exists read.${table}`);
      await em.query(`create view read.${table} as select * from ${schemaOf(projection.name, generation)}.${table}`);
    }
  }

  /**
   * Per table of a generation: its columns and primary key, and a fingerprint of its content, the row count
   * and the sum of a 64-bit hash of every row. hash_record_extended hashes each column with its type's own
   * hash (as a hash join would), so equal values hash equal; where a column type has none, `hash` is null.
   * With `em`, inside that transaction (one statement after the other), otherwise table by table side by side.
   */
  private async summarize(projection: Projection, generation: number, em?: EntityManager): Promise<Map<string, TableSummary>> {
    const schema = schemaOf(projection.name, generation);
    const query = (sql: string, params?: unknown[]) => (em ?? this.dataSource).query(sql, params);
    const one = async (table: string): Promise<[string, TableSummary]> => {
      const [{ columns, types, key }] = await query(
        `select coalesce(array_agg(column_name::text order by column_name), '{}') as columns, coalesce(array_agg(udt_name::text order by column_name), '{}') as types,
                (select coalesce(array_agg(a.attname::text order by a.attname), '{}') from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
                  where c.conrelid = to_regclass(format('%I.%I', $1::text, $2::text)) and c.contype = 'p') as key
           from information_schema.columns where table_schema = $1 and table_name = $2`,
        [schema, table],
      );
      if (columns.length === 0) return [table, { columns, types, key, rows: 0, hash: null }]; // a table an older version did not have
      const row = `row(${(columns as string[]).map((c, i) => comparable(`t."${c}"`, types[i])).join(', ')})`;
      const summed = await query(`select count(*)::int as n, coalesce(sum(hash_record_extended(${row}, 0)), 0)::text as hash from ${schema}."${table}" t`).then(
        (r: any[]) => ({ rows: r[0].n, hash: r[0].hash }),
        async () => ({ rows: (await query(`select count(*)::int as n from ${schema}."${table}"`))[0].n, hash: null }),
      );
      return [table, { columns, types, key, ...summed }];
    };
    const tables = this.tablesOf(projection);
    if (em) {
      const out = new Map<string, TableSummary>();
      for (const table of tables) out.set(...(await one(table)));
      return out;
    }
    return new Map(await Promise.all(tables.map(one)));
  }

  /**
   * The live generation summed up, with the checkpoint it reflects (one snapshot). Taken while the new
   * generation fills, when the database has time to spare; it still holds at the switch if the live
   * generation did not move since (a live batch moves its checkpoint with its tables).
   */
  private async summarizeLive(projection: Projection, generation: number): Promise<{ checkpoint: number; tables: Map<string, TableSummary> }> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const [{ checkpoint }] = await em.query(`select checkpoint from public.projection_generations where name = $1 and generation = $2`, [projection.name, generation]);
      return { checkpoint: Number(checkpoint), tables: await this.summarize(projection, generation, em) };
    });
  }

  /**
   * Compares every table of the two generations row for row, as multisets (`onlyBefore`: rows of the old
   * generation with no identical row in the new one). Equal fingerprints (see `summarize`) mean equal
   * tables, short of a hash collision: the usual outcome, at the cost of one scan per table. Otherwise a
   * full join on the primary key counts the differences exactly and samples are taken. A table whose
   * columns or primary key changed is reported as such.
   */
  private diff(projection: Projection, before: number, after: number, summaryBefore: Map<string, TableSummary>, summaryAfter: Map<string, TableSummary>): Promise<TableDiff[]> {
    return Promise.all(
      this.tablesOf(projection).map(async (table): Promise<TableDiff> => {
        const [a, b] = [summaryBefore.get(table)!, summaryAfter.get(table)!];
        const same = { table, rowsBefore: a.rows, rowsAfter: b.rows, samplesOnlyBefore: [] as unknown[], samplesOnlyAfter: [] as unknown[] };
        if (a.columns.join() !== b.columns.join() || a.types.join() !== b.types.join() || a.key.join() !== b.key.join() || a.key.length === 0) {
          return { ...same, onlyBefore: a.rows, onlyAfter: b.rows, schemaChanged: true };
        }
        if (a.hash !== null && a.hash === b.hash && a.rows === b.rows) return { ...same, onlyBefore: 0, onlyAfter: 0, schemaChanged: false };
        const [ta, tb] = [`${schemaOf(projection.name, before)}."${table}"`, `${schemaOf(projection.name, after)}."${table}"`];
        const q = (c: string) => `"${c}"`;
        const row = (alias: string) => `row(${a.columns.map((c, i) => comparable(`${alias}.${q(c)}`, a.types[i])).join(', ')})`;
        const k = q(a.key[0]);
        const [counts] = await this.dataSource.query(
          `select count(*) filter (where a.${k} is not null and (b.${k} is null or ${row('a')} is distinct from ${row('b')}))::int as "onlyBefore",
                  count(*) filter (where b.${k} is not null and (a.${k} is null or ${row('a')} is distinct from ${row('b')}))::int as "onlyAfter"
             from ${ta} a full join ${tb} b on ${a.key.map((c) => `a.${q(c)} = b.${q(c)}`).join(' and ')}`,
        );
        // Compared as `comparable` makes them, shown as they are.
        const compared = a.columns.map((c, i) => `${comparable(q(c), a.types[i])} as ${q(c)}`).join(', ');
        const asStored = a.columns.map((c, i) => `${shown(`d.${q(c)}`, a.types[i])} as ${q(c)}`).join(', ');
        const samples = async (n: number, x: string, y: string) =>
          n === 0
            ? []
            : (await this.dataSource.query(`select to_jsonb(s) as row from (select ${asStored} from (select ${compared} from ${x} except all select ${compared} from ${y}) d limit 10) s`)).map((r: any) => r.row);
        return {
          ...same,
          onlyBefore: counts.onlyBefore,
          onlyAfter: counts.onlyAfter,
          samplesOnlyBefore: await samples(counts.onlyBefore, ta, tb),
          samplesOnlyAfter: await samples(counts.onlyAfter, tb, ta),
          schemaChanged: false,
        };
      }),
    );
  }

  /**
   * Statistics for the planner before the new generation answers reads (autovacuum would take a while, or
   * never come where it is off): reports right after the switch are planned on what the tables hold. A table
   * the comparison found equal to the old generation's, row for row, takes the old table's statistics where
   * those are fresh by autovacuum's own measure (fewer rows changed since its last ANALYZE than would make
   * autovacuum analyze it again): the same rows make the same statistics, and ANALYZE would read every page
   * of the table again to find them (30,000 sampled rows cover these tables). Every other table is analyzed:
   * where it differs, where the old statistics are stale or missing, and on a server that cannot import
   * statistics (`pg_restore_attribute_stats` came with PostgreSQL 18). Then autovacuum takes the tables back;
   * it re-samples the carried ones in the background in its own time, as it would any table that grew.
   */
  private async settleStatistics(projection: Projection, from: number, to: number, diff: TableDiff[]): Promise<void> {
    const [source, target] = [schemaOf(projection.name, from), schemaOf(projection.name, to)];
    const equal = diff.filter((d) => !d.schemaChanged && d.onlyBefore === 0 && d.onlyAfter === 0); // the same rows, as multisets
    const carried = equal.length > 0 && (await this.importsStatistics()) ? await this.carryStatistics(source, target, equal) : new Set<string>();
    const tables = this.tablesOf(projection);
    await this.twoAtATime(tables.filter((table) => !carried.has(table)).map((table) => `analyze ${target}."${table}"`));
    for (const table of tables) await this.dataSource.query(`alter table ${target}."${table}" reset (autovacuum_enabled)`);
  }

  private statisticsImport?: Promise<boolean>;

  private importsStatistics(): Promise<boolean> {
    this.statisticsImport ??= this.dataSource
      .query(`select to_regproc('pg_catalog.pg_restore_attribute_stats') is not null and to_regproc('pg_catalog.pg_restore_relation_stats') is not null as ok`)
      .then(([r]: { ok: boolean }[]) => r.ok);
    return this.statisticsImport;
  }

  /**
   * Copies the statistics of equal tables from one generation's schema to the other's, each table whose old
   * statistics are fresh, in one transaction; answers the tables whose statistics were all taken.
   */
  private async carryStatistics(source: string, target: string, equal: TableDiff[]): Promise<Set<string>> {
    return this.dataSource.transaction(async (em) => {
      const fresh: { table: string }[] = await em.query(
        `select s.relname::text as table
           from pg_stat_user_tables s join pg_class c on c.oid = s.relid
          where s.schemaname = $1 and s.relname = any($2::text[])
            and coalesce(s.last_analyze, s.last_autoanalyze) is not null
            and s.n_mod_since_analyze <= current_setting('autovacuum_analyze_threshold')::float8 + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
            and (c.reltuples = 0 -- an empty table has no column statistics; otherwise every column with a statistics target has them
                 or (select count(*) from pg_stats p where p.schemaname = s.schemaname and p.tablename = s.relname)
                    = (select count(*) from pg_attribute a where a.attrelid = s.relid and a.attnum > 0 and not a.attisdropped and a.attstattarget is distinct from 0))`,
        [source, equal.map((d) => d.table)],
      );
      if (fresh.length === 0) return new Set<string>();
      const names = fresh.map((f) => f.table);
      const rows = names.map((name) => equal.find((d) => d.table === name)!.rowsAfter);
      const columns: { table: string; ok: boolean }[] = await em.query(
        `select s.tablename::text as table, pg_restore_attribute_stats(
                  'schemaname', $2::text, 'relname', s.tablename::text, 'attname', s.attname::text, 'inherited', s.inherited,
                  'null_frac', s.null_frac, 'avg_width', s.avg_width, 'n_distinct', s.n_distinct,
                  'most_common_vals', s.most_common_vals::text, 'most_common_freqs', s.most_common_freqs,
                  'histogram_bounds', s.histogram_bounds::text, 'correlation', s.correlation,
                  'most_common_elems', s.most_common_elems::text, 'most_common_elem_freqs', s.most_common_elem_freqs,
                  'elem_count_histogram', s.elem_count_histogram, 'range_length_histogram', s.range_length_histogram::text,
                  'range_empty_frac', s.range_empty_frac, 'range_bounds_histogram', s.range_bounds_histogram::text) as ok
           from pg_stats s where s.schemaname = $1 and s.tablename = any($3::text[])`,
        [source, target, names],
      );
      // The table's size as ANALYZE would record it: its pages as they are, its rows as the comparison counted them.
      const relations: { table: string; ok: boolean }[] = await em.query(
        `select t as table, pg_restore_relation_stats('schemaname', $1::text, 'relname', t,
                  'relpages', (pg_relation_size(format('%I.%I', $1::text, t)) / current_setting('block_size')::int)::int, 'reltuples', n::real) as ok
           from unnest($2::text[], $3::int[]) as x(t, n)`,
        [target, names, rows],
      );
      const failed = new Set([...columns, ...relations].filter((r) => !r.ok).map((r) => r.table));
      return new Set(names.filter((name) => !failed.has(name)));
    });
  }
}
