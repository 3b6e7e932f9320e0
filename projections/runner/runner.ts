import { EventEmitter } from 'node:events';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventStore, RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from './projection.js';

export type ProjectionStatus = 'running' | 'rebuilding' | 'failed' | 'stopped';

export interface ProjectionInfo {
  name: string;
  generation: number;
  checkpoint: number;
  headPosition: number;
  lag: number;
  status: ProjectionStatus;
  error?: string;
  rebuild?: { generation: number; checkpoint: number; status: string };
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
);`;

interface Member {
  projection: Projection;
  generation: number;
  checkpoint: number;
  handles: Set<string>;
  failed?: string;
  failedAt?: number;
}

const RETRY_FAILED_AFTER_MS = 10_000;

/**
 * Runs projections over the global log. Members of a group share one read of the log; each batch's
 * read-model changes and every member's checkpoint commit in one transaction (a member that throws is
 * rolled back to its savepoint and marked failed, without holding the others back).
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly live = new Map<string, Member>();
  private readonly rebuilding = new Map<string, { member: Member; reportId: number }>();
  private readonly changes = new EventEmitter();
  private stopped = false;
  private liveLoop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private head = 0;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    projections: Projection[],
    private readonly options: { batchSize?: number; pollIntervalMs?: number; onError?: (projection: string, error: unknown) => void } = {},
  ) {
    for (const p of projections) this.projections.set(p.name, p);
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
            await em.query(`insert into public.projection_generations (name, generation, status) values ($1, $2, 'running') on conflict do nothing`, [projection.name, generation]);
            await em.query(`insert into public.projections (name, active_generation) values ($1, $2)`, [projection.name, generation]);
            await this.pointViews(em, projection, generation);
          });
        }
        const [{ checkpoint }] = await this.dataSource.query(
          `select checkpoint from public.projection_generations where name = $1 and generation = $2`,
          [projection.name, generation],
        );
        this.live.set(projection.name, { projection, generation, checkpoint: Number(checkpoint), handles: new Set(projection.handles) });
      }
    } finally {
      await this.dataSource.query(`select pg_advisory_unlock(7361042003)`);
    }
    this.liveLoop = this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.liveLoop;
    await this.unsubscribe?.();
  }

  async headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** The position a projection's served tables reflect. */
  checkpoint(name: string): number {
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
      return {
        name,
        generation: m?.generation ?? 0,
        checkpoint,
        headPosition: head,
        lag: Math.max(0, head - checkpoint),
        status: m?.failed ? 'failed' : rebuild ? 'rebuilding' : this.stopped ? 'stopped' : 'running',
        ...(m?.failed ? { error: m.failed } : {}),
        ...(rebuild
          ? { rebuild: { generation: rebuild.member.generation, checkpoint: rebuild.member.checkpoint, status: rebuild.member.failed ? 'failed' : 'catching-up' } }
          : {}),
      };
    });
  }

  /**
   * Blue-green rebuild: a new generation of each named projection is filled from the start of the log while
   * the old one keeps answering (projections rebuilt together share one read of the log); once caught up,
   * old and new are brought to the same position, compared (the diff report is kept), and the views switch
   * to the new tables in one transaction, projection by projection.
   */
  async rebuild(names: string[]): Promise<{ name: string; generation: number; rebuildId: number }[]> {
    for (const name of names) if (!this.projections.has(name)) throw new RangeError(`unknown projection '${name}'`);
    const started: { name: string; member: Member; reportId: number }[] = [];
    const answers: { name: string; generation: number; rebuildId: number }[] = [];
    for (const name of names) {
      const running = this.rebuilding.get(name);
      if (running) {
        answers.push({ name, generation: running.member.generation, rebuildId: running.reportId });
        continue;
      }
      const projection = this.projections.get(name)!;
      const current = this.live.get(name)!;
      const [{ next }] = await this.dataSource.query(`select coalesce(max(generation), 0) + 1 as next from public.projection_generations where name = $1`, [name]);
      const generation = Number(next);
      await this.createGeneration(projection, generation);
      await this.dataSource.query(`insert into public.projection_generations (name, generation, status) values ($1, $2, 'rebuilding')`, [name, generation]);
      const [{ id }] = await this.dataSource.query(
        `insert into public.projection_rebuilds (name, from_generation, to_generation, status) values ($1, $2, $3, 'running') returning id`,
        [name, current.generation, generation],
      );
      const member: Member = { projection, generation, checkpoint: 0, handles: new Set(projection.handles) };
      this.rebuilding.set(name, { member, reportId: Number(id) });
      started.push({ name, member, reportId: Number(id) });
      answers.push({ name, generation, rebuildId: Number(id) });
    }
    if (started.length > 0) void this.runRebuild(started);
    return answers;
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

  private async runRebuild(group: { name: string; member: Member; reportId: number }[]): Promise<void> {
    const started = Date.now();
    const batchSize = this.options.batchSize ?? 2000;
    // Catch up together while the live generations keep serving: larger batches, and the next batch is
    // read while the current one is applied, so the database and this process work at the same time.
    const members = group.map((g) => g.member);
    const rebuildBatch = Math.max(batchSize, 5000);
    const read = (from: number) => this.store.readAll({ fromPosition: from, limit: rebuildBatch }).catch(() => [] as RecordedEvent[]);
    let next = read(1);
    while (!this.stopped) {
      const events = await next;
      if (events.length === 0) break;
      next = events.length === rebuildBatch ? read(events[events.length - 1].position + 1) : Promise.resolve([]);
      try {
        await this.applyBatch(members.filter((m) => !m.failed), events);
      } catch {
        break; // the checkpoints did not move; the catch-up below continues from them
      }
    }
    for (const { name, member, reportId } of group) {
      try {
        if (member.failed) throw new Error(member.failed);
        // Take the old generation out of the live loop, bring both to the same position, compare, switch.
        const old = this.live.get(name)!;
        const target = await this.store.headPosition();
        await this.withPaused(name, async () => {
          await this.catchUpTo([old], target);
          await this.catchUpTo([member], target);
          if (member.failed) throw new Error(member.failed);
          const diff = await this.diff(member.projection, old.generation, member.generation);
          await this.dataSource.transaction(async (em) => {
            await this.pointViews(em, member.projection, member.generation);
            await em.query(`update public.projections set active_generation = $2 where name = $1`, [name, member.generation]);
            await em.query(`update public.projection_generations set status = 'running' where name = $1 and generation = $2`, [name, member.generation]);
            await em.query(`update public.projection_generations set status = 'retired' where name = $1 and generation = $2`, [name, old.generation]);
            const seconds = Math.max((Date.now() - started) / 1000, 0.001);
            await em.query(
              `update public.projection_rebuilds set status = 'switched', finished_at = now(), position = $2, events_per_second = $3, diff = $4 where id = $1`,
              [reportId, member.checkpoint, Math.round(member.checkpoint / seconds), JSON.stringify(diff)],
            );
          });
          this.live.set(name, member);
          await this.dataSource.query(`drop schema if exists ${schemaOf(name, old.generation)} cascade`);
        });
        this.changes.emit('checkpoint');
      } catch (error) {
        await this.abandonRebuild(name, member.generation, reportId, String((error as Error).message ?? error));
      } finally {
        this.rebuilding.delete(name);
      }
    }
  }

  private async abandonRebuild(name: string, generation: number, reportId: number | null, reason: string): Promise<void> {
    if (reportId !== null) {
      await this.dataSource.query(`update public.projection_rebuilds set status = 'failed', finished_at = now(), error = $2 where id = $1`, [reportId, reason]).catch(() => undefined);
    } else {
      await this.dataSource
        .query(`update public.projection_rebuilds set status = 'failed', finished_at = now(), error = $3 where name = $1 and to_generation = $2 and status = 'running'`, [name, generation, reason])
        .catch(() => undefined);
    }
    await this.dataSource.query(`drop schema if exists ${schemaOf(name, generation)} cascade`).catch(() => undefined);
    await this.dataSource.query(`delete from public.projection_generations where name = $1 and generation = $2`, [name, generation]).catch(() => undefined);
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
    const pollIntervalMs = this.options.pollIntervalMs ?? 200;
    while (!this.stopped) {
      let read = 0;
      try {
        // A failed member is retried after a pause: a passing fault heals, a bug stays visible as 'failed'.
        for (const m of this.live.values()) {
          if (m.failed && Date.now() - (m.failedAt ?? 0) > RETRY_FAILED_AFTER_MS) m.failed = undefined;
        }
        const members = [...this.live.values()].filter((m) => !m.failed && !this.paused.has(m.projection.name));
        const batch = this.processBatch(members, this.options.batchSize ?? 2000);
        this.batchInFlight = batch.catch(() => undefined);
        read = await batch;
      } catch {
        await new Promise((r) => setTimeout(r, 1000)); // the database is away; try again
      }
      if (read > 0 || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
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
    const events = (await this.store.readAll({ fromPosition: from, limit: batchSize })).filter((e) => e.position <= upTo);
    return this.applyBatch(active, events);
  }

  /** Applies events (in position order) to the members and stores their checkpoints, in one transaction. */
  private async applyBatch(active: Member[], events: RecordedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const last = events[events.length - 1].position;
    const advanced: [Member, number][] = [];
    await this.dataSource.transaction(async (em) => {
      for (const member of active) {
        const key = [member.projection.name, member.generation];
        // Row lock: one runner at a time applies a given generation; the stored checkpoint is the truth.
        const [row] = await em.query(`select checkpoint from public.projection_generations where name = $1 and generation = $2 for update`, key);
        const stored = Number(row?.checkpoint ?? 0);
        const relevant = events.filter((e) => e.position > stored && member.handles.has(e.type));
        await em.query('savepoint member');
        try {
          if (relevant.length > 0) {
            await em.query(`set local search_path to ${schemaOf(member.projection.name, member.generation)}, public`);
            await member.projection.apply(relevant, em);
          }
          await em.query(`update public.projection_generations set checkpoint = $3 where name = $1 and generation = $2`, [...key, Math.max(stored, last)]);
          await em.query('release savepoint member');
          advanced.push([member, Math.max(stored, last)]);
        } catch (error) {
          await em.query('rollback to savepoint member');
          const message = `event at position ${relevant[0]?.position ?? '?'} failed: ${(error as Error).message}`;
          await em.query(`update public.projection_generations set error = $3, status = 'failed' where name = $1 and generation = $2`, [...key, message]);
          member.failed = message;
          member.failedAt = Date.now();
          this.options.onError?.(member.projection.name, error);
        }
      }
      await em.query(`set local search_path to public`);
    });
    for (const [member, checkpoint] of advanced) member.checkpoint = checkpoint;
    this.changes.emit('checkpoint');
    return events.length;
  }

  private async createGeneration(projection: Projection, generation: number): Promise<void> {
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
  }

  private tablesOf(projection: Projection): string[] {
    return projection.entities.map((e) => this.dataSource.getMetadata(e).tableName);
  }

  private async pointViews(em: EntityManager, projection: Projection, generation: number): Promise<void> {
    for (const table of this.tablesOf(projection)) {
      await em.query(`drop view if exists read.${table}`);
      await em.query(`create view read.${table} as select * from ${schemaOf(projection.name, generation)}.${table}`);
    }
  }

  private async diff(projection: Projection, before: number, after: number): Promise<TableDiff[]> {
    const out: TableDiff[] = [];
    for (const table of this.tablesOf(projection)) {
      const a = `${schemaOf(projection.name, before)}.${table}`;
      const b = `${schemaOf(projection.name, after)}.${table}`;
      const columns = async (schema: string) =>
        (await this.dataSource.query(`select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by column_name`, [schema, table])).map(
          (r: any) => r.column_name,
        );
      const [ca, cb] = [await columns(schemaOf(projection.name, before)), await columns(schemaOf(projection.name, after))];
      const [{ n: rowsBefore }] = await this.dataSource.query(`select count(*)::int as n from ${a}`);
      const [{ n: rowsAfter }] = await this.dataSource.query(`select count(*)::int as n from ${b}`);
      if (ca.join() !== cb.join()) {
        out.push({ table, rowsBefore, rowsAfter, onlyBefore: rowsBefore, onlyAfter: rowsAfter, samplesOnlyBefore: [], samplesOnlyAfter: [], schemaChanged: true });
        continue;
      }
      const cols = ca.map((c: string) => `"${c}"`).join(', ');
      const only = async (x: string, y: string) => {
        const q = `select to_jsonb(d) as row from (select ${cols} from ${x} except all select ${cols} from ${y}) d`;
        const [{ n }] = await this.dataSource.query(`select count(*)::int as n from (${q}) c`);
        const samples = (await this.dataSource.query(`${q} limit 10`)).map((r: any) => r.row);
        return { n, samples };
      };
      const ob = await only(a, b);
      const oa = await only(b, a);
      out.push({ table, rowsBefore, rowsAfter, onlyBefore: ob.n, onlyAfter: oa.n, samplesOnlyBefore: ob.samples, samplesOnlyAfter: oa.samples, schemaChanged: false });
    }
    return out;
  }
}
