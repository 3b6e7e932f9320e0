import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { copyRows } from './copy.js';

/**
 * Loads the rows of an entity whose primary key (a single column) is among `keys`, as plain objects keyed
 * by property name: what TypeORM's find gives (pg already returns numbers, Dates, parsed jsonb), without
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
 * `jsonb_populate_recordset` turns them into the table's row type (a key left out is null). This keeps
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
    `insert into ${table} (${quoted}) select ${quoted} from jsonb_populate_recordset(null::${table}, $1::jsonb)` +
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

interface Held {
  entity: EntityTarget<ObjectLiteral>;
  key: string;
  /** By primary key, in the order they came in (loaded or first put); null: known not to exist. */
  rows: Map<string, ObjectLiteral | null>;
  dirty: Set<string>;
  /** Keys the table is known not to hold: loaded and found absent, not written since. */
  absent: Set<string>;
  /** Keys put without being loaded: the table may hold them or not (see `write`). */
  unknown: Set<string>;
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
    const table = this.table(entity);
    const wanted = new Set<string>();
    for (const key of keys) if (typeof key === 'string' && !table.rows.has(key)) wanted.add(key);
    if (wanted.size === 0) return;
    for (const key of wanted) {
      table.rows.set(key, null);
      table.absent.add(key);
    }
    for (const row of await loadRows(em, entity, [...wanted])) {
      table.rows.set(row[table.key], row);
      table.absent.delete(row[table.key]);
    }
  }

  /** A row loaded or put before (undefined when it does not exist or was never loaded). */
  get<T extends ObjectLiteral>(entity: EntityTarget<T>, key: string): T | undefined {
    return (this.held.get(entity)?.rows.get(key) ?? undefined) as T | undefined;
  }

  /** `get`, loading the row first when it is not held. */
  async fetch<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, key: string): Promise<T | undefined> {
    await this.load(em, entity, [key]);
    return this.get(entity, key);
  }

  put<T extends ObjectLiteral>(entity: EntityTarget<T>, row: T): void {
    const table = this.table(entity);
    const key = row[table.key];
    if (!table.rows.has(key)) table.unknown.add(key);
    table.rows.set(key, row);
    table.dirty.add(key);
  }

  /** `put` of a row the caller knows the table lacks (no need to load it first): written with the new ones. */
  add<T extends ObjectLiteral>(entity: EntityTarget<T>, row: T): void {
    this.put(entity, row);
    const table = this.table(entity);
    table.unknown.delete(row[table.key]);
    table.absent.add(row[table.key]);
  }

  get size(): number {
    let n = 0;
    for (const table of this.held.values()) n += table.rows.size;
    return n;
  }

  /** Writes every changed row. */
  async flush(em: EntityManager): Promise<void> {
    for (const table of this.held.values()) {
      await this.write(em, table, [...table.dirty]);
      table.dirty.clear();
    }
  }

  /** Above `limit` rows: the half of every table held longest leaves, written first if changed. */
  async shrink(em: EntityManager, limit: number): Promise<void> {
    if (this.size <= limit) return;
    for (const table of this.held.values()) {
      const leaving = [...table.rows.keys()].slice(0, Math.ceil(table.rows.size / 2));
      await this.write(
        em,
        table,
        leaving.filter((key) => table.dirty.has(key)),
      );
      for (const key of leaving) {
        table.rows.delete(key);
        table.dirty.delete(key);
        table.absent.delete(key);
        table.unknown.delete(key);
      }
    }
  }

  /**
   * Rows the table does not hold yet are inserted (insertRows), the others upserted. Rows put without being
   * loaded may be stored or not: where they would make a COPY (with the new ones), one look-up of their keys
   * tells, and the new ones go with the COPY (a rebuild puts most new documents that way; a live batch
   * rarely has enough to need the look-up).
   */
  private async write(em: EntityManager, table: Held, keys: string[]): Promise<void> {
    const added = keys.filter((key) => table.absent.has(key));
    const unknown = keys.filter((key) => table.unknown.has(key));
    if (unknown.length > 0 && added.length + unknown.length >= COPY_FROM_ROWS) {
      const stored = new Set(await storedKeys(em, table.entity, unknown));
      for (const key of unknown) if (!stored.has(key)) added.push(key);
    }
    for (const key of unknown) table.unknown.delete(key);
    const inserted = added.length >= COPY_FROM_ROWS ? new Set(added) : new Set<string>();
    if (inserted.size > 0) await insertRows(em, table.entity, added.map((key) => table.rows.get(key)!));
    await upsertRows(
      em,
      table.entity,
      keys.filter((key) => !inserted.has(key)).map((key) => table.rows.get(key)!),
      [table.key],
    );
    for (const key of added) table.absent.delete(key);
  }

  private table(entity: EntityTarget<ObjectLiteral>): Held {
    let table = this.held.get(entity);
    if (!table) {
      table = { entity, key: singleKey(this.dataSource, entity).property, rows: new Map(), dirty: new Set(), absent: new Set(), unknown: new Set() };
      this.held.set(entity, table);
    }
    return table;
  }
}
