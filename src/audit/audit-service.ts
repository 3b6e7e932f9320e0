import type pg from 'pg';
import type { ChainVerification } from './chain-store.js';
import type { ChainSequencer } from './chain-sequencer.js';
import { noteVerifierKey, publicKeyPem, publicKeyRawBase64, toSignedNote, verifyCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import type { StoredCheckpoint } from './checkpoint-store.js';
import { GENESIS_HASH } from './hashing.js';
import { HASH_SIZE, MerkleTree, PositionList, sha256 } from './merkle.js';
import { bundleCheckpointLine, bundleEventLine } from './verify-bundle.js';

/**
 * What the audit endpoints answer, over the chain the sequencer keeps: verification, signed checkpoints,
 * RFC 9162 proofs and the offline bundle. Nothing here trusts the in-memory tree for verification: a check
 * reads the events and the stored hashes again.
 */

export interface FullVerification extends ChainVerification {
  full: true;
  /** Signed checkpoints whose signature and root were checked against the stored chain. */
  checkpointsChecked: number;
  /** The first checkpoint that does not hold (bad signature, or the chain no longer has its root). */
  invalidCheckpoint?: { id: number; treeSize: number; reason: string };
}

export class AuditInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
    this.name = 'AuditInputError';
  }
}

export interface InclusionProofAnswer {
  position: number;
  leafIndex: number;
  treeSize: number;
  /** The event's chain hash: the Merkle leaf (leaf hash = SHA-256(0x00 || these 32 bytes)). */
  eventHash: string;
  rootHash: string;
  /** RFC 9162 PATH, leaf to root, hex. */
  proof: string[];
  /** The signed checkpoint of this tree size, when one was published. */
  checkpoint: SignedCheckpoint | null;
}

export interface ConsistencyProofAnswer {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  /** RFC 9162 PROOF(from, D[0:to]), hex. */
  proof: string[];
  fromCheckpoint: SignedCheckpoint | null;
  toCheckpoint: SignedCheckpoint | null;
}

export class AuditService {
  constructor(
    readonly sequencer: ChainSequencer,
    private readonly pool: pg.Pool,
  ) {}

  get signingKey() {
    return this.sequencer.signingKey;
  }

  publicKey() {
    const key = this.signingKey;
    return {
      algorithm: 'Ed25519',
      keyId: key.keyId,
      publicKeyPem: publicKeyPem(key),
      publicKeyBase64: publicKeyRawBase64(key),
      noteVerifierKey: noteVerifierKey(key),
    };
  }

  /**
   * GET /audit/verify: chains what is committed, then recomputes the hash of every chained event from the
   * events table and compares it with the stored chain (ChainStore.verify): the first position where an
   * event was altered, removed or slipped in. `full` also checks every signed checkpoint against the chain
   * (signature, and the Merkle root of the stored hashes at its size), which catches a rewrite of the
   * events together with their stored hashes.
   */
  async verify(full = false): Promise<ChainVerification | FullVerification> {
    await this.sequencer.settle();
    const chain = await this.sequencer.chain.verify(this.sequencer.log, 2000);
    if (!full) return chain;
    const checked = await this.verifyCheckpoints(chain);
    return { ...chain, ...checked, full: true };
  }

  /** Rebuilds the tree from the stored hashes and holds every checkpoint against it. */
  private async verifyCheckpoints(chain: ChainVerification): Promise<Omit<FullVerification, keyof ChainVerification | 'full'> & Partial<ChainVerification>> {
    const tree = new MerkleTree();
    const positions = new PositionList();
    for (let after = 0; ; ) {
      const { rows } = await this.pool.query<{ position: string | number; hash: Buffer }>(
        'select position, hash from event_hashes where position > $1 and position <= $2 order by position limit 10000',
        [after, chain.headPosition],
      );
      for (const row of rows) {
        // A stored hash that is not 32 bytes was written by someone else: it still takes its leaf (as a
        // digest of itself), so the roots it changes show which checkpoints no longer hold.
        tree.append(row.hash.length === HASH_SIZE ? row.hash : sha256(row.hash));
        positions.push(Number(row.position));
      }
      if (rows.length < 10_000) break;
      after = positions.last()!;
    }
    let checkpointsChecked = 0;
    // The trusted prefix: leaves covered by the newest checkpoint that held so far.
    let trustedSize = 0;
    for await (const cp of this.sequencer.checkpoints.all()) {
      const reason = this.checkpointFault(cp, tree, positions);
      if (reason) {
        const out = { checkpointsChecked, invalidCheckpoint: { id: cp.id, treeSize: cp.treeSize, reason } };
        // A checkpoint that no longer holds places the fault after the prefix the earlier ones vouch for.
        const firstInvalidPosition = trustedSize < positions.length ? positions.at(trustedSize) : (positions.last() ?? 0) + 1;
        if (chain.valid) return { ...out, valid: false, firstInvalidPosition };
        return { ...out, valid: false, firstInvalidPosition: Math.min(chain.firstInvalidPosition ?? firstInvalidPosition, firstInvalidPosition) };
      }
      checkpointsChecked++;
      trustedSize = Math.max(trustedSize, cp.treeSize);
    }
    return { checkpointsChecked };
  }

  private checkpointFault(cp: StoredCheckpoint, tree: MerkleTree, positions: PositionList): string | null {
    if (cp.keyId === this.signingKey.keyId) {
      const verdict = verifyCheckpoint(cp, this.signingKey);
      if (!verdict.valid) return verdict.reason;
    }
    // A checkpoint signed with a retired key cannot be checked here; its root still must match.
    if (cp.treeSize > tree.size) return `it covers ${cp.treeSize} events, the stored chain has ${tree.size}`;
    if (tree.root(cp.treeSize).toString('hex') !== cp.rootHash) return 'the stored chain no longer has the signed root';
    const headPosition = cp.treeSize === 0 ? 0 : positions.at(cp.treeSize - 1);
    const headHash = cp.treeSize === 0 ? GENESIS_HASH : tree.leafAt(cp.treeSize - 1).toString('hex');
    if (headPosition !== cp.headPosition || headHash !== cp.headHash) return 'the signed head is not the stored chain\'s event at that size';
    return null;
  }

  async listCheckpoints(limit: number, beforeId?: number): Promise<(StoredCheckpoint & { signedNote: string })[]> {
    const list = await this.sequencer.checkpoints.list(limit, beforeId);
    return list.map((cp) => ({ ...cp, signedNote: toSignedNote(cp) }));
  }

  async publishCheckpoint(): Promise<StoredCheckpoint & { signedNote: string }> {
    await this.sequencer.settle();
    const cp = await this.sequencer.publishCheckpoint();
    return { ...cp, signedNote: toSignedNote(cp) };
  }

  /**
   * Inclusion proof of the event at `position` in the tree of `treeSize` leaves; by default the latest
   * signed checkpoint that covers the event, else the whole chain as it stands.
   */
  async inclusionProof(position: number, treeSize?: number): Promise<InclusionProofAnswer> {
    const seq = this.sequencer;
    let index = seq.leafIndexOf(position);
    if (index < 0) {
      await seq.settle();
      index = seq.leafIndexOf(position);
    }
    if (index < 0) throw new AuditInputError('position', `no event at position ${position} is in the chain (a gap in the log, or not recorded)`, 404);
    let size = treeSize;
    let checkpoint: SignedCheckpoint | null = null;
    if (size === undefined) {
      const latest = await seq.checkpoints.latest();
      if (latest && latest.treeSize > index && latest.treeSize <= seq.size) {
        size = latest.treeSize;
        checkpoint = latest;
      } else {
        size = seq.size;
      }
    }
    if (size > seq.size) throw new AuditInputError('treeSize', `the chain has ${seq.size} events, not ${size}`);
    if (size <= index) throw new AuditInputError('treeSize', `the event at position ${position} is leaf ${index}: it is not in a tree of ${size}`);
    checkpoint ??= await seq.checkpoints.ofSize(size);
    return {
      position,
      leafIndex: index,
      treeSize: size,
      eventHash: seq.chainHashAt(index),
      rootHash: seq.root(size),
      proof: seq.inclusionProof(index, size),
      checkpoint: checkpoint ? stripId(checkpoint) : null,
    };
  }

  /** Consistency proof between the trees of `from` and `to` leaves (to: latest checkpoint, else the whole chain). */
  async consistencyProof(from: number, to?: number): Promise<ConsistencyProofAnswer> {
    const seq = this.sequencer;
    if (to === undefined || to > seq.size) await seq.settle();
    const target = to ?? (await seq.checkpoints.latest())?.treeSize ?? seq.size;
    if (target > seq.size) throw new AuditInputError('to', `the chain has ${seq.size} events, not ${target}`);
    if (from < 1 || from > target) throw new AuditInputError('from', `from must be from 1 to ${target}`);
    const [fromCheckpoint, toCheckpoint] = await Promise.all([seq.checkpoints.ofSize(from), seq.checkpoints.ofSize(target)]);
    return {
      from,
      to: target,
      fromRoot: seq.root(from),
      toRoot: seq.root(target),
      proof: seq.consistencyProof(from, target),
      fromCheckpoint: fromCheckpoint ? stripId(fromCheckpoint) : null,
      toCheckpoint: toCheckpoint ? stripId(toCheckpoint) : null,
    };
  }

  /**
   * The offline bundle (verify-bundle.ts): every chained event as recorded with its stored hash, up to a
   * signed checkpoint of the whole chain (published now if the latest does not cover it), which is the last
   * line. The checkpoint is settled before the first line, so a failure answers an error, not half a bundle;
   * lines are then produced as they are read, so a million events never sit in memory.
   */
  async exportBundle(batchSize = 1000): Promise<{ checkpoint: SignedCheckpoint; lines: AsyncGenerator<string> }> {
    await this.sequencer.settle();
    const checkpoint = stripId(await this.sequencer.publishCheckpoint({ onlyIfGrown: true }));
    const log = this.sequencer.log;
    const chain = this.sequencer.chain;
    const publicKey = publicKeyPem(this.signingKey);
    async function* lines(): AsyncGenerator<string> {
      let from = 1;
      while (from <= checkpoint.headPosition) {
        const events = (await log.readAll({ fromPosition: from, limit: batchSize })).filter((e) => e.position <= checkpoint.headPosition);
        if (events.length === 0) break;
        const hashes = await chain.hashesOf(events.map((e) => e.position));
        let out = '';
        // An event with no stored hash (slipped into the table) is exported as it is; the verifier flags it.
        for (const event of events) out += bundleEventLine(event, hashes.get(event.position) ?? GENESIS_HASH) + '\n';
        yield out;
        from = events[events.length - 1].position + 1;
      }
      yield bundleCheckpointLine(checkpoint, publicKey) + '\n';
    }
    return { checkpoint, lines: lines() };
  }
}

function stripId(cp: StoredCheckpoint | SignedCheckpoint): SignedCheckpoint {
  const { treeSize, rootHash, headPosition, headHash, issuedAt, keyId, signature } = cp;
  return { treeSize, rootHash, headPosition, headHash, issuedAt, keyId, signature };
}
