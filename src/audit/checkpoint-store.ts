import type pg from 'pg';
import type { SignedCheckpoint } from './checkpoint.js';

/**
 * Published checkpoints (table audit_checkpoints): every checkpoint the ledger ever signed, oldest first by
 * id. Several may share a tree size (one published on demand while the log was quiet); each stays, since
 * someone may hold any of them.
 */
export interface StoredCheckpoint extends SignedCheckpoint {
  id: number;
}

interface CheckpointRow {
  id: string | number;
  tree_size: string | number;
  root_hash: string;
  head_position: string | number;
  head_hash: string;
  issued_at: string;
  key_id: string;
  signature: string;
}

const COLUMNS = `id, tree_size, root_hash, head_position, head_hash, issued_at, key_id, signature`;

export class CheckpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {
    await this.pool.query(`create table if not exists audit_checkpoints (
      id            bigserial primary key,
      tree_size     bigint not null,
      root_hash     text not null,
      head_position bigint not null,
      head_hash     text not null,
      issued_at     text not null,
      key_id        text not null,
      signature     text not null
    );
    create index if not exists audit_checkpoints_size_idx on audit_checkpoints (tree_size, id)`);
  }

  async save(checkpoint: SignedCheckpoint, db: pg.Pool | pg.PoolClient = this.pool): Promise<StoredCheckpoint> {
    const { rows } = await db.query<{ id: string | number }>(
      `insert into audit_checkpoints (tree_size, root_hash, head_position, head_hash, issued_at, key_id, signature)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.headPosition, checkpoint.headHash, checkpoint.issuedAt, checkpoint.keyId, checkpoint.signature],
    );
    return { id: Number(rows[0].id), ...checkpoint };
  }

  async latest(db: pg.Pool | pg.PoolClient = this.pool): Promise<StoredCheckpoint | null> {
    const { rows } = await db.query<CheckpointRow>(`select ${COLUMNS} from audit_checkpoints order by id desc limit 1`);
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  /** The newest checkpoint of exactly this tree size. */
  async ofSize(treeSize: number): Promise<StoredCheckpoint | null> {
    const { rows } = await this.pool.query<CheckpointRow>(`select ${COLUMNS} from audit_checkpoints where tree_size = $1 order by id desc limit 1`, [treeSize]);
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  /** Newest first; `beforeId` pages backwards. */
  async list(limit: number, beforeId?: number): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `select ${COLUMNS} from audit_checkpoints where ($2::bigint is null or id < $2) order by id desc limit $1`,
      [limit, beforeId ?? null],
    );
    return rows.map(toCheckpoint);
  }

  /** Every checkpoint, oldest first (full verification checks them all). */
  async *all(batch = 1000): AsyncGenerator<StoredCheckpoint> {
    let after = 0;
    for (;;) {
      const { rows } = await this.pool.query<CheckpointRow>(`select ${COLUMNS} from audit_checkpoints where id > $1 order by id limit $2`, [after, batch]);
      for (const row of rows) yield toCheckpoint(row);
      if (rows.length < batch) return;
      after = Number(rows[rows.length - 1].id);
    }
  }
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    id: Number(row.id),
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    headPosition: Number(row.head_position),
    headHash: row.head_hash,
    issuedAt: row.issued_at,
    keyId: row.key_id,
    signature: row.signature,
  };
}
