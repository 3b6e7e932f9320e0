import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2), section 2.1, over the event chain hashes.
 * A signed checkpoint commits to the tree's root; an inclusion proof shows one event is in it, a
 * consistency proof shows a later tree extends an earlier one without rewriting anything.
 *
 *   leaf hash = SHA-256(0x00 || leaf)           leaf = the event's chain hash, 32 raw bytes
 *   node hash = SHA-256(0x01 || left || right)
 *   MTH({})   = SHA-256()                        the empty tree
 *
 * Leaf i is the i-th event of the log in position order (0-based). It is not `position - 1`: the global
 * log may skip positions (a rolled-back append consumes them), and the tree counts events, not positions.
 *
 * How it stays fast at a million leaves: every subtree the RFC's recursion can visit splits into a
 * "perfect" left part (2^j leaves starting at a multiple of 2^j) and a smaller rest. The tree stores the
 * hash of every perfect subtree of 16 leaves or more (level j >= 4 keeps one hash per complete block of
 * 2^j leaves: about n / 8 hashes in all); one below that is hashed again from its at most 8 leaves when
 * asked for. So a root of any size, an inclusion proof or a consistency proof costs O(log n) hashing.
 *
 * How it stays small: the leaves are kept as they are (the chain hashes, 32 bytes each), not their leaf
 * hashes, so the tree is the one copy of the chain a process holds: about 36 bytes a leaf in all, plus the
 * room a doubling buffer keeps.
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/**
 * SHA-256 of the parts, one after the other. One-shot (`crypto.hash`) rather than a Hash object per call:
 * the tree hashes about two nodes per leaf, a million at start-up, and a Hash object (a native handle
 * with its own allocations) costs about as much again as the hashing.
 */
export function sha256(...parts: Uint8Array[]): Buffer {
  return hash('sha256', Buffer.concat(parts), 'buffer');
}

export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, leaf);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** MTH of the empty tree. */
export function emptyRoot(): Buffer {
  return sha256();
}

/** The largest power of two strictly below n (n > 1): the size of the left subtree, RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Arithmetic, not `n & (n - 1)`: JavaScript's bit operators truncate to 32 bits.
function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * A growable array of 32-byte hashes in one buffer: a million leaves cost one allocation per doubling,
 * not a million small Buffers.
 */
class HashList {
  private bytes = Buffer.alloc(HASH_SIZE * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.bytes.length) {
      const bigger = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(bigger);
      this.bytes = bigger;
    }
    this.bytes.set(hash, this.length * HASH_SIZE);
    this.length++;
  }

  /** A view, not a copy: callers that keep it past the next push must copy it. */
  at(i: number): Buffer {
    return this.bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/** Perfect subtrees below this level are not stored: one costs at most 2^LOWEST_KEPT - 1 hashes to redo. */
const LOWEST_KEPT = 4;
/** Leaves in a perfect subtree of the lowest kept level. */
const BLOCK = 2 ** LOWEST_KEPT;

/** A growable array of positions (whole numbers below 2^53) in one Float64Array, outside the JS heap. */
export class PositionList {
  private values = new Float64Array(64);
  length = 0;

  push(position: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = position;
  }

  at(i: number): number {
    return this.values[i];
  }

  last(): number | undefined {
    return this.length ? this.values[this.length - 1] : undefined;
  }

  /** The index of `position` (the list is ascending), or -1. */
  indexOf(position: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.values[mid];
      if (p === position) return mid;
      if (p < position) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export class MerkleTree {
  /** The leaf data (chain hashes, 32 bytes each), in order. */
  private readonly leaves = new HashList();
  /**
   * levels[j][i] = hash of the perfect subtree over leaves [i * 2^j, (i + 1) * 2^j), for j >= LOWEST_KEPT
   * (the slots below stay empty).
   */
  private readonly levels: HashList[] = [];

  /** `leaves` are leaf data (chain hashes as bytes, 32 each), not leaf hashes. */
  constructor(leaves: Iterable<Uint8Array> = []) {
    for (const leaf of leaves) this.append(leaf);
  }

  get size(): number {
    return this.leaves.length;
  }

  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH_SIZE) throw new RangeError(`a leaf has ${HASH_SIZE} bytes, got ${leaf.length}`);
    this.leaves.push(leaf);
    const n = this.leaves.length;
    if (n % BLOCK !== 0) return;
    // A block of 2^LOWEST_KEPT leaves is complete: its hash joins the lowest kept level, and each time two
    // blocks of level j pair up, theirs joins level j + 1 (like carrying in binary addition).
    this.levelAt(LOWEST_KEPT).push(this.hashFromLeaves(n - BLOCK, n));
    for (let j = LOWEST_KEPT; ; j++) {
      const level = this.levels[j];
      if (level.length % 2 !== 0) break;
      const pair = level.length - 2;
      this.levelAt(j + 1).push(nodeHash(level.at(pair), level.at(pair + 1)));
    }
  }

  /** The leaf data at `index` (a copy). */
  leafAt(index: number): Buffer {
    this.checkSize(index + 1);
    return Buffer.from(this.leaves.at(index));
  }

  /** The leaf hash at `index`. */
  leafHashAt(index: number): Buffer {
    this.checkSize(index + 1);
    return leafHash(this.leaves.at(index));
  }

  /** MTH(D[0:size]): the root of the tree as it was when it had `size` leaves. */
  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? emptyRoot() : this.subtreeHash(0, size);
  }

  /** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    // Walk down from the root as the recursive definition does, noting the sibling at each level; the proof
    // lists them from the leaf up, so the list is reversed at the end.
    const siblings: Buffer[] = [];
    let lo = 0;
    let hi = size;
    let m = index;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (m < k) {
        siblings.push(this.subtreeHash(lo + k, hi));
        hi = lo + k;
      } else {
        siblings.push(this.subtreeHash(lo, lo + k));
        lo += k;
        m -= k;
      }
    }
    return siblings.reverse();
  }

  /** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1: shows the tree of size n extends the tree of size m (0 < m <= n). */
  consistencyProof(m: number, n: number = this.size): Buffer[] {
    this.checkSize(n);
    if (!Number.isInteger(m) || m < 1 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    // SUBPROOF(m, D[lo:hi], b) walked down iteratively: `b` is true while the old tree is still a left edge
    // of the range (then its root needs no proof element, the verifier knows it).
    const siblings: Buffer[] = [];
    let lo = 0;
    let hi = n;
    let b = true;
    while (m !== hi - lo) {
      const k = splitPoint(hi - lo);
      if (m <= k) {
        siblings.push(this.subtreeHash(lo + k, hi));
        hi = lo + k;
      } else {
        siblings.push(this.subtreeHash(lo, lo + k));
        lo += k;
        m -= k;
        b = false;
      }
    }
    const proof = b ? [] : [this.subtreeHash(lo, hi)];
    return proof.concat(siblings.reverse());
  }

  /** MTH(D[lo:hi]) for a range the RFC recursion visits: a perfect left part plus a smaller rest. */
  private subtreeHash(lo: number, hi: number): Buffer {
    const n = hi - lo;
    if (isPowerOfTwo(n) && lo % n === 0) {
      const level = Math.log2(n);
      if (level >= LOWEST_KEPT) return Buffer.from(this.levels[level].at(lo / n));
      return this.hashFromLeaves(lo, hi);
    }
    const k = splitPoint(n);
    return nodeHash(this.subtreeHash(lo, lo + k), this.subtreeHash(lo + k, hi));
  }

  /** MTH(D[lo:hi]) of a perfect subtree (a power of two of leaves), hashed from its leaves. */
  private hashFromLeaves(lo: number, hi: number): Buffer {
    let row: Buffer[] = [];
    for (let i = lo; i < hi; i++) row.push(leafHash(this.leaves.at(i)));
    while (row.length > 1) {
      const up: Buffer[] = [];
      for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i], row[i + 1]));
      row = up;
    }
    return row[0];
  }

  private levelAt(j: number): HashList {
    return (this.levels[j] ??= new HashList());
  }

  private checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) throw new RangeError(`the tree has ${this.size} leaves, not ${size}`);
  }
}

/** The root of a tree over `leaves` (leaf data), without keeping the tree. */
export function merkleRoot(leaves: Iterable<Uint8Array>): Buffer {
  return new MerkleTree(leaves).root();
}

// The verifiers below follow RFC 9162's algorithms step by step (numbers in comments are its steps). They use
// arithmetic rather than JavaScript's 32-bit bit operators so tree sizes up to 2^53 work.
const lsb = (x: number): boolean => x % 2 === 1;
const shr = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: is `leaf` (leaf data, e.g. a chain hash) at `index` in the tree of `treeSize` with `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0) return false;
  if (index >= treeSize) return false; // 1
  let fn = index; // 2
  let sn = treeSize - 1;
  let r: Buffer = leafHash(leaf); // 3
  for (const p of proof) { // 4
    if (p.length !== HASH_SIZE) return false;
    if (sn === 0) return false; // 4a
    if (lsb(fn) || fn === sn) { // 4b
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = shr(fn); // 4c
    sn = shr(sn);
  }
  return sn === 0 && r.equals(root); // 5
}

/** RFC 9162 §2.1.4.2: does the tree of size `second` with `secondRoot` extend the one of size `first` with `firstRoot`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 1 || first > second) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  // Equal sizes: the proof is empty and the roots must agree (the RFC's algorithm starts from first < second).
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (proof.length === 0) return false; // 1
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof]; // 2
  let fn = first - 1; // 3
  let sn = second - 1;
  while (lsb(fn)) { // 4
    fn = shr(fn);
    sn = shr(sn);
  }
  let fr: Buffer = Buffer.from(path[0]); // 5
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) { // 6
    if (sn === 0) return false; // 6a
    if (lsb(fn) || fn === sn) { // 6b
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = shr(fn); // 6c
    sn = shr(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0; // 7
}
