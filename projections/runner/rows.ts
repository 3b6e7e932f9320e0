import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Writes many rows of an entity's table in one statement: the rows travel as one JSON array and
 * `jsonb_populate_recordset` turns them into the table's row type. Building a TypeORM upsert per chunk
 * was a large share of a rebuild's CPU; this keeps TypeORM's metadata (table and column names) and lets
 * PostgreSQL do the rest. Rows are plain objects keyed by property name, without bigint values.
 */
export async function upsertRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: T[], conflictProperties: string[]): Promise<void> {
  if (rows.length === 0) return;
  const metadata = em.connection.getMetadata(entity);
  const columns = metadata.columns.map((c) => ({ property: c.propertyName, column: c.databaseName }));
  const quoted = columns.map((c) => `"${c.column}"`).join(', ');
  const conflict = conflictProperties.map((p) => `"${metadata.findColumnWithPropertyName(p)!.databaseName}"`);
  const updates = columns.filter((c) => !conflict.includes(`"${c.column}"`)).map((c) => `"${c.column}" = excluded."${c.column}"`);
  const table = `"${metadata.tableName}"`;
  const sql =
    `insert into ${table} (${quoted}) select ${quoted} from jsonb_populate_recordset(null::${table}, $1::jsonb) ` +
    `on conflict (${conflict.join(', ')}) do ${updates.length > 0 ? `update set ${updates.join(', ')}` : 'nothing'}`;
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000).map((row) => {
      const out: Record<string, unknown> = {};
      for (const c of columns) out[c.column] = row[c.property] ?? null;
      return out;
    });
    await em.query(sql, [JSON.stringify(chunk)]);
  }
}
