import type pg from 'pg';
import type { ReadAllOptions, RecordedEvent } from '../eventstore/port.js';
import { GENESIS_HASH, eventHash } from './hashing.js';

/**
 * The stored hash chain: table event_hashes holds, for every event of the global log, the chain hash the
 * chainer computed when it first read the event. Verifying recomputes the hashes from the events and
 * compares: an event edited, removed or slipped in afterwards (by someone with database access) no longer
 * matches what was stored. The stored hashes are themselves protected by signed checkpoints (checkpoint.ts),
 * which cover the Merkle root over them.
 *
 * The log reader must return events as recorded: an EventStore built without upcasters. An upcast event
 * would hash differently from the recorded one, and adding an upcaster later would look like tampering.
 */

/** The part of the EventStore port the chain needs. */
export interface EventLogReader {
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}

export interface ChainHead {
  /** Position of the last chained event; 0 when nothing is chained. */
  position: number;
  /** Its chain hash; GENESIS_HASH when nothing is chained. */
  hash: string;
}

/** The answer of GET /audit/verify (api-contract.md). */
export interface ChainVerification {
  valid: boolean;
  eventsChecked: number;
  headPosition: number;
  headHash: string;
  firstInvalidPosition?: number;
}

// Any constant shared by every chainer of this database: the lock keeps two of them from chaining at once.
const CHAIN_LOCK_ID = 7_361_042_006;

export class ChainStore {
  /** The head as this store last read or wrote it under the lock (see `extend`). */
  private seen: ChainHead | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** Creates the table when it is missing; safe to call at every start. */
  async init(): Promise<void> {
    await this.pool.query('create table if not exists event_hashes (position bigint primary key, hash bytea not null)');
  }

  async head(): Promise<ChainHead> {
    return headOf(this.pool);
  }

  /**
   * Chains every event the log has beyond the stored head, `batchSize` at a time, each batch in one
   * transaction, until a batch comes back short. Returns how many events it chained and the new head. Run
   * it after appends or on a timer.
   *
   * It reads the log before taking the lock, from the head it last saw: under load most rounds find nothing
   * safe to chain yet (a transaction somewhere is still running) and then cost one statement instead of a
   * transaction of five. Under the lock it checks that the head is still the one it read from; if another
   * chainer moved it meanwhile, it reads again from there.
   */
  async extend(log: EventLogReader, batchSize = 1000): Promise<{ added: number; head: ChainHead }> {
    let added = 0;
    for (;;) {
      const seen = this.seen;
      let events = seen ? await log.readAll({ fromPosition: seen.position + 1, limit: batchSize }) : null;
      // Nothing safe beyond the head seen: nobody can have chained further either (a chainer reads the same log).
      if (seen && events!.length === 0) return { added, head: seen };
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        await client.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK_ID]);
        // Read the head under the lock: another chainer may have moved it since we last looked.
        const head = await headOf(client);
        if (!seen || head.position !== seen.position) events = await log.readAll({ fromPosition: head.position + 1, limit: batchSize });
        if (events!.length === 0) {
          await client.query('commit');
          this.seen = head;
          return { added, head };
        }
        const positions: number[] = [];
        const hashes: string[] = [];
        let prev = head.hash;
        for (const event of events!) {
          if (event.position <= head.position) throw new Error(`the log returned position ${event.position} at or below the chain head ${head.position}`);
          prev = eventHash(prev, event);
          positions.push(event.position);
          hashes.push(prev);
        }
        await client.query(
          `insert into event_hashes (position, hash)
           select p, decode(h, 'hex') from unnest($1::bigint[], $2::text[]) as t(p, h)`,
          [positions, hashes],
        );
        await client.query('commit');
        added += events!.length;
        this.seen = { position: positions[positions.length - 1], hash: prev };
        // Fewer than asked for: the log had no more that was safe to read a moment ago; asking again at
        // once would cost a statement that nearly always finds nothing (new appends wake the caller).
        if (events!.length < batchSize) return { added, head: this.seen };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
  }

  /** Stored hashes by position, for answers that show each event's hash (e.g. GET /audit/events). */
  async hashesOf(positions: number[]): Promise<Map<number, string>> {
    const { rows } = await this.pool.query<{ position: string | number; hash: string }>(
      `select position, encode(hash, 'hex') as hash from event_hashes where position = any($1::bigint[])`,
      [positions],
    );
    return new Map(rows.map((r) => [Number(r.position), r.hash]));
  }

  /**
   * Recomputes the chain from the events and compares it with the stored hashes, up to the chained head.
   * The first position where they part: an altered event (its hash differs), a removed one (a stored
   * position with no event), or an inserted one (an event where no hash was stored).
   */
  async verify(log: EventLogReader, batchSize = 1000): Promise<ChainVerification> {
    const storedHead = await this.head();
    let prev = GENESIS_HASH;
    let checked = 0;
    let from = 1;
    const invalid = (position: number): ChainVerification => ({
      valid: false,
      eventsChecked: checked,
      headPosition: storedHead.position,
      headHash: storedHead.hash,
      firstInvalidPosition: position,
    });

    while (from <= storedHead.position) {
      const events = (await log.readAll({ fromPosition: from, limit: batchSize })).filter((e) => e.position <= storedHead.position);
      const until = events.length === batchSize ? events[events.length - 1].position : storedHead.position;
      const { rows } = await this.pool.query<{ position: string | number; hash: string }>(
        `select position, encode(hash, 'hex') as hash from event_hashes where position between $1 and $2 order by position`,
        [from, until],
      );
      // Walk both lists in position order: every stored hash needs its event, every event its stored hash.
      let i = 0;
      for (const row of rows) {
        const position = Number(row.position);
        const event = events[i];
        if (!event || event.position > position) return invalid(position); // removed
        if (event.position < position) return invalid(event.position); // inserted
        prev = eventHash(prev, event);
        if (prev !== row.hash) return invalid(position); // altered
        checked++;
        i++;
      }
      if (i < events.length) return invalid(events[i].position); // inserted after the last stored hash of the range
      from = until + 1;
    }
    return { valid: true, eventsChecked: checked, headPosition: storedHead.position, headHash: storedHead.hash };
  }
}

async function headOf(db: pg.Pool | pg.PoolClient): Promise<ChainHead> {
  const { rows } = await db.query<{ position: string | number; hash: string }>(
    `select position, encode(hash, 'hex') as hash from event_hashes order by position desc limit 1`,
  );
  return rows.length === 0 ? { position: 0, hash: GENESIS_HASH } : { position: Number(rows[0].position), hash: rows[0].hash };
}
