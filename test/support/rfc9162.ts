import { createHash } from 'node:crypto';

// An independent implementation of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, written as the RFC states the
// recursive definitions (slow, obviously right), to check the fast tree and the service's proofs against.
export const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1); // the largest power of two smaller than n (n > 1)

export function MTH(D: Buffer[]): Buffer {
  if (D.length === 0) return H();
  if (D.length === 1) return H(Buffer.from([0]), D[0]);
  const s = k(D.length);
  return H(Buffer.from([1]), MTH(D.slice(0, s)), MTH(D.slice(s)));
}

export function PATH(m: number, D: Buffer[]): Buffer[] {
  const n = D.length;
  if (n === 1) return [];
  const s = k(n);
  return m < s ? [...PATH(m, D.slice(0, s)), MTH(D.slice(s))] : [...PATH(m - s, D.slice(s)), MTH(D.slice(0, s))];
}

export function SUBPROOF(m: number, D: Buffer[], b: boolean): Buffer[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  const s = k(n);
  return m <= s
    ? [...SUBPROOF(m, D.slice(0, s), b), MTH(D.slice(s))]
    : [...SUBPROOF(m - s, D.slice(s), false), MTH(D.slice(0, s))];
}

export const PROOF = (m: number, D: Buffer[]) => SUBPROOF(m, D, true);
