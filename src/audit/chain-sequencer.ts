import type pg from 'pg';
import { FollowerPacing } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres/store.js';
import { ChainStore, type ChainHead } from './chain-store.js';
import { signCheckpoint, type SigningKey } from './checkpoint.js';
import { CheckpointStore, type StoredCheckpoint } from './checkpoint-store.js';
import { GENESIS_HASH } from './hashing.js';
import { MerkleTree, PositionList } from './merkle.js';

/**
 * The sequencer of the hash chain. Appends are never serialised for the chain's sake: writers commit events
 * with positions as usual, and this loop integrates committed events into the chain in position order
 * afterwards, the way a transparency log integrates queued entries into its tree (ChainStore.extend, which
 * reads the log only as far as no earlier transaction can still commit). The price is a short lag between
 * commit and chain, shown in /admin/projections as "hash-chain".
 *
 * It also mirrors the stored chain (event_hashes) as an in-memory RFC 9162 Merkle tree, for proofs, and
 * publishes signed checkpoints of it: periodically while the chain grows, and on demand.
 *
 * Events are read through an event store WITHOUT upcasters: the chain covers events as recorded.
 */
export interface ChainSequencerOptions {
  batchSize?: number;
  /** Poll interval when no append notification arrives (ms). */
  pollIntervalMs?: number;
  /** A checkpoint is published at most this often, and only when the chain grew (ms). */
  checkpointIntervalMs?: number;
  onError?: (error: unknown) => void;
  /** Subscribes to this process's appends (PostgresEventStore.watch) to chain them at once; others are found by polling. */
  watch?: (listener: () => void) => () => void;
}

export interface ChainStatus {
  name: 'hash-chain';
  generation: number;
  /** Position of the last chained event. */
  checkpoint: number;
  headPosition: number;
  lag: number;
  status: 'running' | 'failed' | 'stopped';
  error?: string;
  /** Events (Merkle leaves) in the chain. */
  treeSize: number;
  /** Tree size of the latest signed checkpoint (0: none yet). */
  checkpointedSize: number;
}

// Shared by every instance on the database: one publishes a checkpoint at a time.
const CHECKPOINT_LOCK_ID = 7_361_042_007;

export class ChainSequencer {
  readonly chain: ChainStore;
  readonly checkpoints: CheckpointStore;
  /** The log as recorded (no upcasters). */
  readonly log: PostgresEventStore;

  /** Leaf i is the chain hash of the i-th chained event; positions[i] is that event's position. */
  private tree = new MerkleTree();
  private positions = new PositionList();

  private mutex: Promise<unknown> = Promise.resolve();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** An append was notified while the loop was busy: go round again without waiting. */
  private notified = false;
  private lastCheckpointAttempt = 0;
  private checkpointedSize = 0;
  private failure: string | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly signingKey: SigningKey,
    private readonly options: ChainSequencerOptions = {},
  ) {
    this.chain = new ChainStore(pool);
    this.checkpoints = new CheckpointStore(pool);
    this.log = new PostgresEventStore(pool);
  }

  /** Creates the tables, loads the stored chain into the tree, then follows the log (chaining what is new in the background). */
  async start(): Promise<void> {
    await this.chain.init();
    await this.checkpoints.init();
    await this.exclusive(() => this.syncTree());
    this.checkpointedSize = (await this.checkpoints.latest())?.treeSize ?? 0;
    this.lastCheckpointAttempt = Date.now();
    this.running = true;
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.mutex.catch(() => undefined);
  }

  /** Chains every event committed so far (as far as the log is safe to read) and returns the head. */
  catchUp(): Promise<ChainHead> {
    return this.exclusive(() => this.extendAndSync());
  }

  /**
   * Read your writes: catches up until the chain holds every event committed when called (or `timeoutMs`
   * passed: readers of the log wait for older transactions still running anywhere in the cluster).
   */
  async settle(timeoutMs = 2000): Promise<ChainHead> {
    const target = await this.log.headPosition();
    const until = Date.now() + timeoutMs;
    for (;;) {
      const head = await this.catchUp();
      if (head.position >= target || Date.now() >= until) return head;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get size(): number {
    return this.tree.size;
  }

  /** The head of the chain as the tree mirrors it. */
  head(size = this.size): ChainHead {
    return size === 0 ? { position: 0, hash: GENESIS_HASH } : { position: this.positions.at(size - 1), hash: this.tree.leafAt(size - 1).toString('hex') };
  }

  /** Leaf index of the event at `position`, or -1 when the chain has no such event (a gap, or not chained yet). */
  leafIndexOf(position: number): number {
    return this.positions.indexOf(position);
  }

  positionAt(index: number): number {
    return this.positions.at(index);
  }

  chainHashAt(index: number): string {
    return this.tree.leafAt(index).toString('hex');
  }

  root(size = this.size): string {
    return this.tree.root(size).toString('hex');
  }

  inclusionProof(index: number, size: number): string[] {
    return this.tree.inclusionProof(index, size).map((b) => b.toString('hex'));
  }

  consistencyProof(from: number, to: number): string[] {
    return this.tree.consistencyProof(from, to).map((b) => b.toString('hex'));
  }

  /**
   * Signs a checkpoint of the chain as it stands after catching up, and keeps it. With `onlyIfGrown`, the
   * latest checkpoint is returned instead when it already covers the whole chain with the current key.
   * Refuses to sign a chain whose stored hashes no longer give the root of the latest checkpoint: signing
   * over a rewritten history would launder it.
   */
  publishCheckpoint(options: { onlyIfGrown?: boolean } = {}): Promise<StoredCheckpoint> {
    return this.exclusive(async () => {
      await this.extendAndSync();
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        await client.query('select pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK_ID]);
        const latest = await this.checkpoints.latest(client);
        const size = this.size;
        if (latest && latest.treeSize <= size && latest.keyId === this.signingKey.keyId && this.root(latest.treeSize) !== latest.rootHash) {
          throw new Error(`the stored chain no longer has the root of checkpoint ${latest.id} (tree size ${latest.treeSize}): refusing to sign`);
        }
        if (options.onlyIfGrown && latest && latest.treeSize >= size && latest.keyId === this.signingKey.keyId) {
          await client.query('commit');
          return latest;
        }
        const head = this.head(size);
        const signed = signCheckpoint({ treeSize: size, rootHash: this.root(size), headPosition: head.position, headHash: head.hash }, this.signingKey);
        const stored = await this.checkpoints.save(signed, client);
        await client.query('commit');
        this.checkpointedSize = Math.max(this.checkpointedSize, size);
        return stored;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  async status(): Promise<ChainStatus> {
    const headPosition = await this.log.headPosition();
    const chained = this.head().position;
    return {
      name: 'hash-chain',
      generation: 1,
      checkpoint: chained,
      headPosition,
      lag: Math.max(0, headPosition - chained),
      status: this.failure ? 'failed' : this.running ? 'running' : 'stopped',
      ...(this.failure ? { error: this.failure } : {}),
      treeSize: this.size,
      checkpointedSize: this.checkpointedSize,
    };
  }

  /** One thing at a time: chaining, syncing the tree and signing never interleave within this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.mutex.then(work, work);
    this.mutex = next.catch(() => undefined);
    return next;
  }

  private async extendAndSync(): Promise<ChainHead> {
    const { head } = await this.chain.extend(this.log, this.options.batchSize ?? 1000);
    // The tree already ends at the stored head (the common case under load, when a round chains nothing):
    // no statement to look for hashes beyond it.
    if (head.position !== (this.positions.last() ?? 0)) await this.syncTree();
    return this.head();
  }

  /** Appends to the tree every stored hash beyond what it holds (another instance may have chained them). */
  private async syncTree(): Promise<void> {
    const batch = 10_000;
    for (;;) {
      const after = this.positions.last() ?? 0;
      const { rows } = await this.pool.query<{ position: string | number; hash: Buffer }>(
        'select position, hash from event_hashes where position > $1 order by position limit $2',
        [after, batch],
      );
      for (const row of rows) {
        this.tree.append(row.hash);
        this.positions.push(Number(row.position));
      }
      if (rows.length < batch) return;
    }
  }

  private async follow(): Promise<void> {
    const unwatch = this.options.watch?.(() => {
      this.notified = true;
      this.wake?.();
    });
    const pacing = new FollowerPacing(this.options.pollIntervalMs ?? 500);
    const every = this.options.checkpointIntervalMs ?? 60_000;
    // The last wait ended because of an append.
    let woken = false;
    while (this.running) {
      this.notified = false;
      const size = this.size;
      try {
        await this.catchUp();
        if (Date.now() - this.lastCheckpointAttempt >= every) {
          this.lastCheckpointAttempt = Date.now();
          if (this.size > this.checkpointedSize) await this.publishCheckpoint({ onlyIfGrown: true });
        }
        this.failure = null;
      } catch (error) {
        if (!this.running) break;
        this.failure = (error as Error).message ?? String(error);
        this.options.onError?.(error);
      }
      if (!this.running) break;
      if (this.size > size) pacing.progressed();
      if (!this.failure && this.size === size && (woken || this.notified)) {
        // Appends woke this round or came in during it, and it chained nothing: what they wrote is held
        // back by a transaction still running. Look again after a pause rather than at the next append.
        woken = false;
        await pacing.heldBack();
        continue;
      }
      woken = false;
      if (this.notified && !this.failure) continue;
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
    unwatch?.();
  }
}
