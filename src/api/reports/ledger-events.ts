import type { DataSource } from 'typeorm';
import { ChainStore } from '../../audit/chain-store.js';
import { eventSchemas } from '../../domain/registry.js';
import { upcastData } from '../../domain/shared/schema.js';

/** An event as the read side shows it to auditors. */
export interface LoggedEvent {
  position: number;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: any;
  metadata: any;
}

/** The proof of a link: which event, where in the log, and its chain hash (null while not chained yet). */
export interface Proof {
  position: number;
  type: string;
  streamId: string;
  recordedAt: string;
  hash: string | null;
}

const COLUMNS = `position, stream_id, stream_version, type, schema_version, data, metadata, recorded_at`;

function toLogged(row: any, upcast: boolean): LoggedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    recordedAt: new Date(row.recorded_at).toISOString(),
    data: upcast ? upcastData(eventSchemas, row.type, row.schema_version, row.data) : row.data,
    metadata: row.metadata,
  };
}

/** Reads events of the global log by stream or position (primary-key and stream-index lookups only). */
export class LedgerEvents {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: ChainStore,
  ) {}

  /** Events of these streams, recorded up to `asOf` when given, in position order (upcast to current shapes). */
  async ofStreams(streamIds: string[], asOf: string | null): Promise<LoggedEvent[]> {
    if (streamIds.length === 0) return [];
    const rows = await this.dataSource.query(
      `select ${COLUMNS} from public.events where stream_id = any($1::text[]) and ($2::timestamptz is null or recorded_at <= $2::timestamptz) order by position`,
      [streamIds, asOf],
    );
    return rows.map((r: any) => toLogged(r, true));
  }

  /** Events at these positions, in position order; `asRecorded` keeps the data exactly as stored (what the hash covers). */
  async atPositions(positions: number[], asOf: string | null, asRecorded = false): Promise<LoggedEvent[]> {
    if (positions.length === 0) return [];
    const rows = await this.dataSource.query(
      `select ${COLUMNS} from public.events where position = any($1::bigint[]) and ($2::timestamptz is null or recorded_at <= $2::timestamptz) order by position`,
      [positions, asOf],
    );
    return rows.map((r: any) => toLogged(r, !asRecorded));
  }

  /**
   * Chain hashes by position (src/audit/chain-store.ts). A position not chained yet, or a database where the
   * chain was never started, gives no entry: answers show null rather than failing.
   */
  async hashesOf(positions: number[]): Promise<Map<number, string>> {
    if (positions.length === 0) return new Map();
    try {
      return await this.chain.hashesOf([...new Set(positions)]);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return new Map(); // event_hashes not created yet
      throw error;
    }
  }

  async proofs(events: LoggedEvent[]): Promise<Proof[]> {
    const hashes = await this.hashesOf(events.map((e) => e.position));
    return events.map((e) => proofOf(e, hashes));
  }
}

export function proofOf(e: LoggedEvent, hashes: Map<number, string>): Proof {
  return { position: e.position, type: e.type, streamId: e.streamId, recordedAt: e.recordedAt, hash: hashes.get(e.position) ?? null };
}
