import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MerkleTree, PositionList, emptyRoot, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { k, MTH, PATH, PROOF } from '../support/rfc9162.js';

// The independent RFC 9162 reference implementation (the recursive definitions) lives in test/support/rfc9162.ts.

/** Leaves shaped like chain hashes: 32 bytes each. */
function leaves(n: number, seed = 0): Buffer[] {
  return Array.from({ length: n }, (_, i) => createHash('sha256').update(`leaf ${seed} ${i}`).digest());
}

const hex = (list: Buffer[]) => list.map((b) => b.toString('hex'));

describe('the reference implementation', () => {
  it('agrees with k for the RFC examples', () => {
    expect([2, 3, 4, 5, 7, 8, 9].map(k)).toEqual([1, 2, 2, 4, 4, 4, 8]);
  });
});

describe('MerkleTree against the RFC 9162 definitions', () => {
  const MAX = 70;
  const D = leaves(MAX);
  const tree = new MerkleTree(D);

  it('has the empty root SHA-256() for no leaves', () => {
    expect(new MerkleTree().root().toString('hex')).toBe(MTH([]).toString('hex'));
    expect(emptyRoot().toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('computes MTH for every size 1..70, including the roots of earlier sizes', () => {
    for (let n = 1; n <= MAX; n++) {
      expect(tree.root(n).toString('hex')).toBe(MTH(D.slice(0, n)).toString('hex'));
      expect(new MerkleTree(D.slice(0, n)).root().toString('hex')).toBe(MTH(D.slice(0, n)).toString('hex'));
    }
  });

  it('gives PATH for every leaf of every size 1..70, and the proofs verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = MTH(D.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        expect(hex(proof)).toEqual(hex(PATH(m, D.slice(0, n))));
        expect(verifyInclusion(D[m], m, n, proof, root)).toBe(true);
      }
    }
  });

  it('gives PROOF for every pair 1 <= m <= n <= 70, and the proofs verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const rootN = MTH(D.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(hex(proof)).toEqual(hex(PROOF(m, D.slice(0, n))));
        expect(verifyConsistency(m, n, MTH(D.slice(0, m)), rootN, proof)).toBe(true);
      }
    }
  });

  it('rejects inclusion proofs for the wrong leaf, index, size, root, or with an element changed, added or removed', () => {
    for (let n = 1; n <= 40; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        expect(verifyInclusion(D[m + 1], m, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(D[m], (m + 1) % n, n, proof, root)).toBe(false);
        // (The size only shapes the walk, so a wrong size with the right root can pass; the root and size are
        // signed together in a checkpoint. An old proof must not pass against a newer tree, though.)
        expect(verifyInclusion(D[m], m, n + 1, proof, tree.root(n + 1))).toBe(false);
        expect(verifyInclusion(D[m], m, n, proof, tree.root(n === 1 ? 2 : n - 1))).toBe(false);
        expect(verifyInclusion(D[m], n, n, proof, root)).toBe(false);
        expect(verifyInclusion(D[m], m, n, [...proof, root], root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(D[m], m, n, proof.slice(1), root)).toBe(false);
          const altered = proof.map((p, i) => (i === proof.length - 1 ? flip(p) : p));
          expect(verifyInclusion(D[m], m, n, altered, root)).toBe(false);
        }
      }
    }
  });

  it('rejects consistency proofs with the wrong roots, sizes, or an element changed, added or removed', () => {
    for (let n = 2; n <= 40; n++) {
      for (let m = 1; m < n; m++) {
        const proof = tree.consistencyProof(m, n);
        const [rootM, rootN] = [tree.root(m), tree.root(n)];
        expect(verifyConsistency(m, n, flip(rootM), rootN, proof)).toBe(false);
        expect(verifyConsistency(m, n, rootM, flip(rootN), proof)).toBe(false);
        expect(verifyConsistency(m, n, rootM, tree.root(n + 1), proof)).toBe(false);
        expect(verifyConsistency(m, n, rootM, rootN, proof.slice(1))).toBe(false);
        expect(verifyConsistency(m, n, rootM, rootN, [...proof, rootN])).toBe(false);
        expect(verifyConsistency(m, n, rootM, rootN, proof.map((p, i) => (i === 0 ? flip(p) : p)))).toBe(false);
        // A proof between other sizes does not serve.
        if (m + 1 < n) expect(verifyConsistency(m + 1, n, tree.root(m + 1), rootN, proof)).toBe(false);
      }
    }
    // Equal sizes: only an empty proof and equal roots.
    expect(verifyConsistency(5, 5, tree.root(5), tree.root(5), [])).toBe(true);
    expect(verifyConsistency(5, 5, tree.root(5), tree.root(6), [])).toBe(false);
    expect(verifyConsistency(0, 5, emptyRoot(), tree.root(5), [])).toBe(false);
  });

  it('refuses to make proofs outside the tree', () => {
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, MAX + 1)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => tree.consistencyProof(6, 5)).toThrow(RangeError);
    expect(() => tree.root(MAX + 1)).toThrow(RangeError);
  });

  it('keeps its leaves as given (the one copy of the chain hashes) and refuses a leaf that is not 32 bytes', () => {
    D.forEach((leaf, i) => {
      expect(tree.leafAt(i).equals(leaf)).toBe(true);
      expect(tree.leafHashAt(i).toString('hex')).toBe(MTH([leaf]).toString('hex'));
    });
    const other = new MerkleTree(D.slice(0, 3));
    expect(() => other.append(Buffer.alloc(31))).toThrow(RangeError);
    expect(() => other.append(Buffer.alloc(33))).toThrow(RangeError);
    expect(other.size).toBe(3);
    expect(() => other.leafAt(3)).toThrow(RangeError);
  });
});

describe('MerkleTree on random sizes (fast-check)', () => {
  // Leaves for the largest size drawn; each property takes a prefix.
  const D = leaves(600, 1);
  const tree = new MerkleTree(D);

  it('inclusion proofs match PATH and verify', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))), ([n, m]) => {
        const proof = tree.inclusionProof(m, n);
        expect(hex(proof)).toEqual(hex(PATH(m, D.slice(0, n))));
        expect(verifyInclusion(D[m], m, n, proof, MTH(D.slice(0, n)))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('consistency proofs match PROOF and verify', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))), ([m, n]) => {
        const proof = tree.consistencyProof(m, n);
        expect(hex(proof)).toEqual(hex(PROOF(m, D.slice(0, n))));
        expect(verifyConsistency(m, n, MTH(D.slice(0, m)), MTH(D.slice(0, n)), proof)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a tree grown leaf by leaf keeps every earlier root', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 80 }), (data) => {
        const grown = new MerkleTree();
        const roots: string[] = [];
        for (const leaf of data) {
          grown.append(leaf);
          roots.push(grown.root().toString('hex'));
        }
        const buffers = data.map((d) => Buffer.from(d));
        roots.forEach((root, i) => expect(root).toBe(MTH(buffers.slice(0, i + 1)).toString('hex')));
        roots.forEach((root, i) => expect(grown.root(i + 1).toString('hex')).toBe(root));
      }),
      { numRuns: 50 },
    );
  });
});

describe('PositionList', () => {
  it('grows past its first buffer, keeps every position, and finds them (or -1 for a gap)', () => {
    const list = new PositionList();
    expect(list.last()).toBeUndefined();
    expect(list.indexOf(1)).toBe(-1);
    // Positions with gaps, as the log has them, and one beyond 2^32.
    const positions = Array.from({ length: 1000 }, (_, i) => i * 3 + 1).concat([2 ** 40]);
    for (const p of positions) list.push(p);
    expect(list.length).toBe(positions.length);
    expect(list.last()).toBe(2 ** 40);
    positions.forEach((p, i) => {
      expect(list.at(i)).toBe(p);
      expect(list.indexOf(p)).toBe(i);
    });
    expect(list.indexOf(2)).toBe(-1);
    expect(list.indexOf(0)).toBe(-1);
    expect(list.indexOf(2 ** 40 + 1)).toBe(-1);
  });
});

describe('MerkleTree at a million leaves', () => {
  it('builds the tree and answers roots and proofs quickly', () => {
    const n = 1_000_003;
    const tree = new MerkleTree();
    const leaf = Buffer.alloc(32);
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      leaf.writeUInt32BE(i, 0);
      tree.append(leaf);
    }
    const built = Date.now() - started;
    const root = tree.root();

    const proofsStarted = Date.now();
    for (const index of [0, 1, 524_287, 524_288, 999_999, n - 1]) {
      leaf.fill(0).writeUInt32BE(index, 0);
      expect(verifyInclusion(leaf, index, n, tree.inclusionProof(index), root)).toBe(true);
    }
    for (const m of [1, 2, 3, 1000, 524_288, 999_999, n - 1]) {
      expect(verifyConsistency(m, n, tree.root(m), root, tree.consistencyProof(m))).toBe(true);
    }
    const proofs = Date.now() - proofsStarted;
    expect(built).toBeLessThan(30_000);
    expect(proofs).toBeLessThan(1_000);
  });
});

function flip(hash: Buffer): Buffer {
  const copy = Buffer.from(hash);
  copy[0] ^= 1;
  return copy;
}
