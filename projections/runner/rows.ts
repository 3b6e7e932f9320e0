import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { copyRows } from './copy.js';

/**
 * Loads the rows of an entity whose primary key (a single column) is among `keys`, as plain objects keyed
 * by property name: what TypeORM's find gives (pg already returns numbers, Dates, parsed json), without
 * building a query and hydrating entities per row, which was a large share of a rebuild's CPU.
 */
export async function loadRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, keys: readonly string[]): Promise<T[]> {
  if (keys.length === 0) return [];
  const metadata = em.connection.getMetadata(entity);
  const columns = metadata.columns.map((c) => (c.databaseName === c.propertyName ? `"${c.databaseName}"` : `"${c.databaseName}" as "${c.propertyName}"`)).join(', ');
  return em.query(`select ${columns} from "${metadata.tableName}" where "${singleKey(em.connection, entity).column}" = any($1::text[])`, [keys]);
}

/**
 * Writes many rows of an entity's table in one statement: the rows travel as one JSON array and
 * `json_populate_recordset` turns them into the table's row type (a key left out is null). This keeps
 * TypeORM's metadata (table and column names) and lets PostgreSQL do the rest. Rows are plain objects
 * keyed by property name, without bigint values. A row whose `conflictProperties` match a stored row
 * replaces it; with none given, rows are inserted (they must be new).
 */
export async function upsertRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: readonly T[], conflictProperties: string[]): Promise<void> {
  if (rows.length === 0) return;
  const metadata = em.connection.getMetadata(entity);
  const columns = metadata.columns.map((c) => ({ property: c.propertyName, column: c.databaseName }));
  const quoted = columns.map((c) => `"${c.column}"`).join(', ');
  const conflict = conflictProperties.map((p) => `"${metadata.findColumnWithPropertyName(p)!.databaseName}"`);
  const updates = columns.filter((c) => !conflict.includes(`"${c.column}"`)).map((c) => `"${c.column}" = excluded."${c.column}"`);
  const table = `"${metadata.tableName}"`;
  const sql =
    `insert into ${table} (${quoted}) select ${quoted} from json_populate_recordset(null::${table}, $1::json)` +
    (conflict.length === 0 ? '' : ` on conflict (${conflict.join(', ')}) do ${updates.length > 0 ? `update set ${updates.join(', ')}` : 'nothing'}`);
  // Where properties are named as their columns (all of ours), rows are serialised as they are.
  const renamed = columns.some((c) => c.property !== c.column);
  const toColumns = (row: T) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c.column] = row[c.property];
    return out;
  };
  // A thousand rows a statement: the JSON of a statement stays within a few megabytes (process memory).
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.length <= 1000 ? rows : rows.slice(i, i + 1000);
    await em.query(sql, [JSON.stringify(renamed ? chunk.map(toColumns) : chunk)]);
  }
}

/**
 * Inserts rows that must be new (a duplicate key fails the statement): many with a binary COPY (far cheaper
 * on both sides than JSON), a few with one INSERT (one round trip instead of two).
 */
export async function insertRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: readonly T[]): Promise<void> {
  if (rows.length < COPY_FROM_ROWS) return upsertRows(em, entity, rows, []);
  const columns = em.connection.getMetadata(entity).columns.map((c) => c.propertyName);
  await copyRows(em, entity, Object.fromEntries(columns.map((c) => [c, rows.map((row) => row[c] ?? null)])) as { [P in keyof T]?: unknown[] });
}

/** Those of `keys` the entity's table holds (by its single-column primary key). */
async function storedKeys(em: EntityManager, entity: EntityTarget<ObjectLiteral>, keys: readonly string[]): Promise<string[]> {
  const { column } = singleKey(em.connection, entity);
  const rows: { key: string }[] = await em.query(`select "${column}" as key from "${em.connection.getMetadata(entity).tableName}" where "${column}" = any($1::text[])`, [keys]);
  return rows.map((r) => r.key);
}

function singleKey(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): { property: string; column: string } {
  const metadata = dataSource.getMetadata(entity);
  const primary = metadata.primaryColumns;
  if (primary.length !== 1) throw new Error(`${metadata.tableName}: rows are kept by a single-column primary key`);
  return { property: primary[0].propertyName, column: primary[0].databaseName };
}

/** What the cache knows of one row, by its primary key. */
interface Entry {
  /** The row loaded or put; null: known not to exist. */
  row: ObjectLiteral | null;
  /** Changed since it was loaded or last written. */
  dirty: boolean;
  /** The table is known not to hold it: loaded and found absent, or added, and not written since. */
  absent: boolean;
  /** Put without being loaded: the table may hold it or not (see `write`). */
  unknown: boolean;
}

interface Held {
  entity: EntityTarget<ObjectLiteral>;
  key: string;
  /**
   * By primary key, in the order they came in (loaded or first put). One entry a row, so what the cache
   * does per row is one look-up: in a rebuild these look-ups are a few percent of the service's thread.
   */
  entries: Map<string, Entry>;
}

/** From this many new rows, insertRows (and so RowCache) writes them with COPY. */
export const COPY_FROM_ROWS = 64;

/**
 * The rows a projection reads and writes by primary key, loaded once and written back once. Handlers work
 * on what it holds (`load` what a batch needs first, then `get` and `put`); the runner writes the changed
 * rows back in the batch's transaction: after every batch when following the log, and during a rebuild
 * only when it holds too many rows (the half held longest leaves: entities live for a stretch of the log)
 * and at the end, so a row touched by many batches of a rebuild is neither read nor written each time.
 */
export class RowCache {
  private readonly held = new Map<EntityTarget<ObjectLiteral>, Held>();

  constructor(private readonly dataSource: DataSource) {}

  /** Loads the rows among `keys` not held yet; those that do not exist are remembered as absent. */
  async load(em: EntityManager, entity: EntityTarget<ObjectLiteral>, keys: Iterable<string | null | undefined>): Promise<void> {
    const { entries, key } = this.table(entity);
    const wanted: string[] = [];
    for (const id of keys) {
      if (typeof id !== 'string' || entries.has(id)) continue;
      entries.set(id, { row: null, dirty: false, absent: true, unknown: false });
      wanted.push(id);
    }
    if (wanted.length === 0) return;
    for (const row of await loadRows(em, entity, wanted)) {
      const entry = entries.get(row[key])!;
      entry.row = row;
      entry.absent = false;
    }
  }

  /** A row loaded or put before (undefined when it does not exist or was never loaded). */
  get<T extends ObjectLiteral>(entity: EntityTarget<T>, key: string): T | undefined {
    return (this.held.get(entity)?.entries.get(key)?.row ?? undefined) as T | undefined;
  }

  /** `get`, loading the row first when it is not held. */
  async fetch<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, key: string): Promise<T | undefined> {
    await this.load(em, entity, [key]);
    return this.get(entity, key);
  }

  put<T extends ObjectLiteral>(entity: EntityTarget<T>, row: T): void {
    this.hold(entity, row);
  }

  /** `put` of a row the caller knows the table lacks (no need to load it first): written with the new ones. */
  add<T extends ObjectLiteral>(entity: EntityTarget<T>, row: T): void {
    const entry = this.hold(entity, row);
    entry.absent = true;
    entry.unknown = false;
  }

  /** Holds `row` as changed: a key not held before is put without being loaded. */
  private hold(entity: EntityTarget<ObjectLiteral>, row: ObjectLiteral): Entry {
    const table = this.table(entity);
    const key = row[table.key];
    let entry = table.entries.get(key);
    if (entry) {
      entry.row = row;
      entry.dirty = true;
    } else {
      entry = { row, dirty: true, absent: false, unknown: true };
      table.entries.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    let n = 0;
    for (const table of this.held.values()) n += table.entries.size;
    return n;
  }

  /** Writes every changed row. */
  async flush(em: EntityManager): Promise<void> {
    for (const table of this.held.values()) {
      const changed: [string, Entry][] = [];
      for (const item of table.entries) if (item[1].dirty) changed.push(item);
      await this.write(em, table, changed);
    }
  }

  /** Above `limit` rows: the half of every table held longest leaves, written first if changed. */
  async shrink(em: EntityManager, limit: number): Promise<void> {
    if (this.size <= limit) return;
    for (const table of this.held.values()) {
      const half = Math.ceil(table.entries.size / 2);
      const leaving: [string, Entry][] = [];
      for (const item of table.entries) {
        if (leaving.length === half) break;
        leaving.push(item);
      }
      await this.write(
        em,
        table,
        leaving.filter(([, entry]) => entry.dirty),
      );
      for (const [key] of leaving) table.entries.delete(key);
    }
  }

  /**
   * Rows the table does not hold yet are inserted (insertRows), the others upserted; all are clean after.
   * Rows put without being loaded may be stored or not: where they would make a COPY (with the new ones),
   * one look-up of their keys tells, and the new ones go with the COPY (a rebuild puts most new documents
   * that way; a live batch rarely has enough to need the look-up).
   */
  private async write(em: EntityManager, table: Held, changed: [string, Entry][]): Promise<void> {
    const added = changed.filter(([, entry]) => entry.absent);
    const unknown = changed.filter(([, entry]) => entry.unknown);
    if (unknown.length > 0 && added.length + unknown.length >= COPY_FROM_ROWS) {
      const stored = new Set(await storedKeys(em, table.entity, unknown.map(([key]) => key)));
      for (const item of unknown) if (!stored.has(item[0])) added.push(item);
    }
    for (const [, entry] of unknown) entry.unknown = false;
    if (added.length >= COPY_FROM_ROWS) {
      await insertRows(em, table.entity, added.map(([, entry]) => entry.row!));
      for (const [, entry] of added) entry.dirty = false;
    }
    await upsertRows(
      em,
      table.entity,
      changed.filter(([, entry]) => entry.dirty).map(([, entry]) => entry.row!),
      [table.key],
    );
    for (const [, entry] of added) entry.absent = false;
    for (const [, entry] of changed) entry.dirty = false;
  }

  private table(entity: EntityTarget<ObjectLiteral>): Held {
    let table = this.held.get(entity);
    if (!table) {
      table = { entity, key: singleKey(this.dataSource, entity).property, entries: new Map() };
      this.held.set(entity, table);
    }
    return table;
  }
}
