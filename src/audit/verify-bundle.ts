import type { KeyObject } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/port.js';
import { parsePublicKey, verifyCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { GENESIS_HASH, eventHash, isHexHash, type HashedEvent } from './hashing.js';
import { MerkleTree, PositionList } from './merkle.js';

/**
 * The offline verifier: checks an exported bundle without the database or the service, so an auditor can
 * run it on their own machine against a public key they obtained separately.
 *
 * A bundle is NDJSON, one object a line:
 *   {"kind":"event", ...RecordedEvent, "hash":"<chain hash, hex>"}      every event, in position order
 *   {"kind":"checkpoint", ...SignedCheckpoint, "publicKey"?:"<PEM or base64>"}   optional, the last line
 *
 * What it checks, and what each check catches:
 *   1. each event against its stated hash, chained to the stated hash of the line before (hashing.ts):
 *      an altered event fails on its own line; a removed, reordered or inserted one fails where the chain
 *      no longer joins. Positions must rise; gaps are allowed where the chain still joins, because a
 *      rolled-back append leaves gaps in the global log.
 *   2. the Merkle root (RFC 9162, merkle.ts) of the hashes recomputed from genesis against the checkpoint,
 *      and the checkpoint's head against the event it names: this catches what the chain alone cannot, a
 *      log rewritten consistently from some point on, or its newest events cut off.
 *   3. the checkpoint's Ed25519 signature (checkpoint.ts), with the key given by the caller, else the key
 *      inside the bundle (which only proves the bundle agrees with itself, so a warning says so).
 */

export interface BundleEventLine extends RecordedEvent {
  kind: 'event';
  hash: string;
}

export interface BundleCheckpointLine extends SignedCheckpoint {
  kind: 'checkpoint';
  publicKey?: string;
}

export type BundleProblemCode =
  | 'malformed-line'
  | 'hash-mismatch'
  | 'events-missing'
  | 'out-of-order'
  | 'line-after-checkpoint'
  | 'checkpoint-beyond-bundle'
  | 'checkpoint-root-mismatch'
  | 'checkpoint-head-mismatch'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-no-key';

export interface BundleProblem {
  code: BundleProblemCode;
  /** The event position the problem is at, where there is one. */
  position: number | null;
  /** 1-based line of the bundle. */
  line: number;
  message: string;
}

export interface CheckpointReport {
  treeSize: number;
  rootHash: string;
  headPosition: number;
  issuedAt: string;
  keyId: string;
  /** Where the key that checked the signature came from. */
  keySource: 'given' | 'bundle' | 'none';
  signatureValid: boolean;
  rootMatches: boolean;
  headMatches: boolean;
  /** Events in the bundle after the checkpoint's tree size: chained, but no signature covers them yet. */
  uncoveredEvents: number;
}

export interface BundleReport {
  valid: boolean;
  eventsChecked: number;
  firstPosition: number | null;
  headPosition: number | null;
  /** Chain hash of the last event, recomputed from genesis (GENESIS_HASH when there are none). */
  headHash: string;
  /** Merkle root over all the recomputed chain hashes, hex. */
  rootHash: string;
  /** Where the log stops being trustworthy; null when valid or when the fault cannot be placed (a consistent rewrite). */
  firstInvalidPosition: number | null;
  /** The first MAX_PROBLEMS problems in bundle order; problemCount counts them all. */
  problems: BundleProblem[];
  problemCount: number;
  checkpoint: CheckpointReport | null;
  warnings: string[];
}

export interface VerifyBundleOptions {
  /** The key to check the checkpoint with, as KeyObject or text (PEM, base64). Overrides a key in the bundle. */
  publicKey?: KeyObject | string;
  /** Called with every well-formed event line, in bundle order (e.g. to re-add a report's figure). */
  onEvent?: (event: BundleEventLine) => void;
}

const MAX_PROBLEMS = 100;
// The problems that place a fault in the chain itself, hence define firstInvalidPosition.
const CHAIN_PROBLEMS = new Set<BundleProblemCode>(['malformed-line', 'hash-mismatch', 'events-missing', 'out-of-order']);

/** Feed it the bundle line by line (so a million events need not sit in memory as text), then `finish()`. */
export class BundleVerifier {
  private readonly givenKey: KeyObject | null;
  private readonly onEvent: ((event: BundleEventLine) => void) | undefined;
  private readonly problems: BundleProblem[] = [];
  private readonly warnings: string[] = [];
  private problemCount = 0;
  private firstInvalidPosition: number | null = null;
  private lineNo = 0;
  private eventsChecked = 0;
  private firstPosition: number | null = null;
  private lastPosition: number | null = null;
  /** Hash stated on the previous event line: each line is checked against it, so one altered event shows as one problem. */
  private statedPrev = GENESIS_HASH;
  /** Hash recomputed from genesis over the events as given: what the Merkle root and the head are built from. */
  private recomputedPrev = GENESIS_HASH;
  private readonly tree = new MerkleTree();
  private readonly positions = new PositionList();
  private checkpoint: BundleCheckpointLine | null = null;
  private checkpointLine = 0;

  constructor(options: VerifyBundleOptions = {}) {
    const key = options.publicKey;
    this.givenKey = key === undefined ? null : typeof key === 'string' ? parsePublicKey(key) : key;
    this.onEvent = options.onEvent;
  }

  addLine(text: string): void {
    this.lineNo++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.problem('malformed-line', null, 'not JSON');
      return;
    }
    if (this.checkpoint) {
      this.problem('line-after-checkpoint', null, `the checkpoint must be the last line (it is on line ${this.checkpointLine})`);
      return;
    }
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (kind === 'checkpoint') return this.addCheckpoint(value as Record<string, unknown>);
    if (kind === 'event') return this.addEvent(value as Record<string, unknown>);
    this.problem('malformed-line', null, 'a line must be an object with kind "event" or "checkpoint"');
  }

  finish(): BundleReport {
    const checkpoint = this.checkpoint ? this.checkCheckpoint(this.checkpoint) : null;
    if (!checkpoint) {
      this.warnings.push(
        'no checkpoint: each event chains to the one before, but events cut off the end, or a log rewritten ' +
          'consistently from some point on, can only be detected against a signed checkpoint',
      );
    }
    return {
      valid: this.problemCount === 0,
      eventsChecked: this.eventsChecked,
      firstPosition: this.firstPosition,
      headPosition: this.lastPosition,
      headHash: this.recomputedPrev,
      rootHash: this.tree.root().toString('hex'),
      firstInvalidPosition: this.firstInvalidPosition,
      problems: this.problems,
      problemCount: this.problemCount,
      checkpoint,
      warnings: this.warnings,
    };
  }

  private addEvent(line: Record<string, unknown>): void {
    const position = Number.isSafeInteger(line.position) && (line.position as number) > 0 ? (line.position as number) : null;
    const fault = eventFault(line);
    if (fault || position === null) {
      this.problem('malformed-line', position, fault ?? 'position must be a positive integer');
      return;
    }
    const event = line as unknown as BundleEventLine;
    const previous = this.lastPosition ?? 0;

    const recomputed = eventHash(this.recomputedPrev, event);
    // While nothing has diverged the two chains agree, and one hash serves both (half the work on a valid bundle).
    const againstStated = this.statedPrev === this.recomputedPrev ? recomputed : eventHash(this.statedPrev, event);
    if (position <= previous) {
      this.problem('out-of-order', position, `position ${position} comes after position ${previous}: events were reordered or inserted here`);
    } else if (againstStated !== event.hash) {
      if (position > previous + 1) {
        const missing = position - 1 === previous + 1 ? `position ${previous + 1} is` : `positions ${previous + 1}..${position - 1} are`;
        this.problem(
          'events-missing',
          previous + 1,
          `${missing} absent and the event at position ${position} does not chain to the one before: events were removed or reordered here`,
        );
      } else {
        this.problem(
          'hash-mismatch',
          position,
          `the event at position ${position} does not match its hash: it was altered, or it does not follow the event before it`,
        );
      }
    }

    this.statedPrev = event.hash;
    this.recomputedPrev = recomputed;
    this.tree.append(Buffer.from(this.recomputedPrev, 'hex'));
    this.positions.push(position);
    this.firstPosition ??= position;
    this.lastPosition = Math.max(previous, position);
    this.eventsChecked++;
    this.onEvent?.(event);
  }

  private addCheckpoint(line: Record<string, unknown>): void {
    this.checkpointLine = this.lineNo;
    const fault = checkpointFault(line);
    if (fault) {
      this.problem('malformed-line', null, `checkpoint: ${fault}`);
      return;
    }
    this.checkpoint = line as unknown as BundleCheckpointLine;
  }

  private checkCheckpoint(cp: BundleCheckpointLine): CheckpointReport {
    const report: CheckpointReport = {
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      headPosition: cp.headPosition,
      issuedAt: cp.issuedAt,
      keyId: cp.keyId,
      keySource: 'none',
      signatureValid: false,
      rootMatches: false,
      headMatches: false,
      uncoveredEvents: Math.max(0, this.eventsChecked - cp.treeSize),
    };
    const line = this.checkpointLine;

    // The key: the caller's if given (the only one that proves anything to them), else the bundle's own.
    let key = this.givenKey;
    if (key) {
      report.keySource = 'given';
    } else if (cp.publicKey) {
      try {
        key = parsePublicKey(cp.publicKey);
        report.keySource = 'bundle';
        this.warnings.push(
          'the signature was checked with the public key inside the bundle: that shows the bundle agrees with itself, ' +
            'not that the ledger signed it; pass the ledger\'s public key (--public-key) obtained another way',
        );
      } catch (error) {
        this.problem('malformed-line', null, `checkpoint: publicKey: ${(error as Error).message}`, line);
      }
    }
    if (key) {
      const verdict = verifyCheckpoint(cp, key);
      report.signatureValid = verdict.valid;
      if (!verdict.valid) this.problem('checkpoint-signature-invalid', null, verdict.reason, line);
    } else if (report.keySource === 'none') {
      this.problem('checkpoint-no-key', null, 'the checkpoint cannot be checked: no public key given and none in the bundle', line);
    }

    if (cp.treeSize > this.eventsChecked) {
      // The newest events are gone (or were never exported): the fault starts after the last event present.
      this.problem(
        'checkpoint-beyond-bundle',
        (this.lastPosition ?? 0) + 1,
        `the checkpoint covers ${cp.treeSize} events, the bundle holds ${this.eventsChecked}: events after position ${this.lastPosition ?? 0} are missing`,
        line,
      );
      return report;
    }

    report.rootMatches = this.tree.root(cp.treeSize).toString('hex') === cp.rootHash;
    if (!report.rootMatches) {
      this.problem(
        'checkpoint-root-mismatch',
        null,
        `the Merkle root of the first ${cp.treeSize} events is not the signed root: the log differs from the one signed`,
        line,
      );
    }
    const headPosition = cp.treeSize === 0 ? 0 : this.positions.at(cp.treeSize - 1);
    const headHash = cp.treeSize === 0 ? GENESIS_HASH : this.tree.leafAt(cp.treeSize - 1).toString('hex');
    report.headMatches = headPosition === cp.headPosition && headHash === cp.headHash;
    if (!report.headMatches) {
      const what = headPosition === cp.headPosition ? `its chain hash is not the signed head hash` : `the signed head is position ${cp.headPosition}`;
      this.problem('checkpoint-head-mismatch', null, `event ${cp.treeSize} of the bundle is at position ${headPosition}, but ${what}`, line);
    }
    if (report.uncoveredEvents > 0) {
      this.warnings.push(`${report.uncoveredEvents} event(s) after position ${cp.headPosition} are chained but not yet covered by a signed checkpoint`);
    }
    return report;
  }

  private problem(code: BundleProblemCode, position: number | null, message: string, line = this.lineNo): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ code, position, line, message });
    if (this.firstInvalidPosition === null && (CHAIN_PROBLEMS.has(code) || code === 'checkpoint-beyond-bundle')) {
      // A line too broken to name its position still ends the trusted prefix after the last good event.
      this.firstInvalidPosition = position ?? (this.lastPosition ?? 0) + 1;
    }
  }
}

/** Verifies a whole bundle held as text. */
export function verifyBundle(ndjson: string, options: VerifyBundleOptions = {}): BundleReport {
  const verifier = new BundleVerifier(options);
  const lines = ndjson.split('\n');
  if (lines.at(-1) === '') lines.pop(); // the final newline ends the last line, it does not start another
  for (const line of lines) verifier.addLine(line);
  return verifier.finish();
}

/** Verifies a bundle read line by line (e.g. from readline over a file). */
export async function verifyBundleLines(lines: AsyncIterable<string>, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const verifier = new BundleVerifier(options);
  for await (const line of lines) verifier.addLine(line);
  return verifier.finish();
}

/** One event line of a bundle (the export writes these; tests build bundles with them). */
export function bundleEventLine(event: HashedEvent, hash: string): string {
  const { id, streamId, streamVersion, position, type, schemaVersion, data, metadata, effectiveOn, recordedAt } = event;
  return JSON.stringify({ kind: 'event', id, streamId, streamVersion, position, type, schemaVersion, data, metadata, effectiveOn: effectiveOn ?? null, recordedAt, hash });
}

/** The checkpoint line of a bundle; `publicKey` (PEM or base64) is a convenience, not a source of trust. */
export function bundleCheckpointLine(checkpoint: SignedCheckpoint, publicKey?: string): string {
  const { treeSize, rootHash, headPosition, headHash, issuedAt, keyId, signature } = checkpoint;
  return JSON.stringify({ kind: 'checkpoint', treeSize, rootHash, headPosition, headHash, issuedAt, keyId, signature, ...(publicKey ? { publicKey } : {}) });
}

/** A human summary of a report, for the CLI. */
export function formatReport(report: BundleReport): string {
  const out: string[] = [];
  const span = report.eventsChecked > 0 ? `, positions ${report.firstPosition}..${report.headPosition}` : '';
  out.push(`Events:      ${report.eventsChecked}${span}`);
  out.push(`Head hash:   ${report.headHash}`);
  out.push(`Merkle root: ${report.rootHash}`);
  const cp = report.checkpoint;
  if (cp) {
    const source = { given: 'the key given', bundle: 'the key inside the bundle', none: 'no key' }[cp.keySource];
    out.push(`Checkpoint:  ${cp.treeSize} events up to position ${cp.headPosition}, issued ${cp.issuedAt}, key ${cp.keyId}`);
    out.push(`  signature  ${cp.signatureValid ? 'valid' : 'NOT VALID'} (checked with ${source})`);
    out.push(`  root       ${cp.rootMatches ? 'matches' : 'DOES NOT MATCH'}`);
    out.push(`  head       ${cp.headMatches ? 'matches' : 'DOES NOT MATCH'}`);
  } else {
    out.push('Checkpoint:  none');
  }
  if (report.problemCount > 0) {
    out.push('');
    out.push(`Problems (${report.problemCount}${report.problemCount > report.problems.length ? `, first ${report.problems.length} shown` : ''}):`);
    for (const p of report.problems) out.push(`  line ${p.line}${p.position !== null ? `, position ${p.position}` : ''}: ${p.code}: ${p.message}`);
  }
  if (report.warnings.length > 0) {
    out.push('');
    out.push('Warnings:');
    for (const w of report.warnings) out.push(`  - ${w}`);
  }
  out.push('');
  if (report.valid) {
    out.push('VALID: the events are intact' + (cp ? ' and match the signed checkpoint.' : '.'));
  } else {
    const where = report.firstInvalidPosition !== null ? ` from position ${report.firstInvalidPosition}` : '';
    out.push(`INVALID: the bundle cannot be trusted${where}.`);
  }
  return out.join('\n') + '\n';
}

/** Why an event line cannot be hashed, or null when it has every field the chain covers, correctly typed. */
function eventFault(line: Record<string, unknown>): string | null {
  const strings = ['id', 'streamId', 'type', 'recordedAt'] as const;
  for (const field of strings) if (typeof line[field] !== 'string') return `${field} must be a string`;
  for (const field of ['streamVersion', 'schemaVersion'] as const) {
    if (!Number.isSafeInteger(line[field])) return `${field} must be an integer`;
  }
  if (!('data' in line)) return 'data is missing';
  if (typeof line.metadata !== 'object' || line.metadata === null) return 'metadata must be an object';
  if (line.effectiveOn !== null && line.effectiveOn !== undefined && typeof line.effectiveOn !== 'string') return 'effectiveOn must be a string or null';
  if (!isHexHash(line.hash)) return 'hash must be 64 lowercase hex characters';
  return null;
}

function checkpointFault(line: Record<string, unknown>): string | null {
  for (const field of ['treeSize', 'headPosition'] as const) {
    if (!Number.isSafeInteger(line[field]) || (line[field] as number) < 0) return `${field} must be a non-negative integer`;
  }
  for (const field of ['rootHash', 'headHash'] as const) if (!isHexHash(line[field])) return `${field} must be 64 lowercase hex characters`;
  for (const field of ['issuedAt', 'keyId', 'signature'] as const) if (typeof line[field] !== 'string') return `${field} must be a string`;
  if (line.publicKey !== undefined && typeof line.publicKey !== 'string') return 'publicKey must be a string';
  return null;
}
