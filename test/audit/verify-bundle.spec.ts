import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { generateSigningKey, publicKeyPem, publicKeyRawBase64, signCheckpoint, type SigningKey } from '../../src/audit/checkpoint.js';
import { runVerifyCli } from '../../src/audit/cli-verify.js';
import { chainHashes, eventHash, GENESIS_HASH } from '../../src/audit/hashing.js';
import { MerkleTree } from '../../src/audit/merkle.js';
import { bundleCheckpointLine, bundleEventLine, formatReport, verifyBundle, verifyBundleLines } from '../../src/audit/verify-bundle.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { sampleEvents } from './fixtures.js';

const key = generateSigningKey();

/** Event lines as the export writes them: each with its chain hash. */
function eventLines(events: RecordedEvent[]): string[] {
  const hashes = chainHashes(events);
  return events.map((e, i) => bundleEventLine(e, hashes[i]));
}

/** The checkpoint line over the first `treeSize` events, signed with `signer`. */
function checkpointLine(events: RecordedEvent[], treeSize = events.length, signer: SigningKey = key, withKey = false): string {
  const hashes = chainHashes(events.slice(0, treeSize));
  const root = new MerkleTree(hashes.map((h) => Buffer.from(h, 'hex'))).root().toString('hex');
  const signed = signCheckpoint(
    { treeSize, rootHash: root, headPosition: treeSize ? events[treeSize - 1].position : 0, headHash: hashes.at(-1) ?? GENESIS_HASH },
    signer,
  );
  return bundleCheckpointLine(signed, withKey ? publicKeyRawBase64(signer) : undefined);
}

const ndjson = (lines: string[]) => lines.join('\n') + '\n';
const verify = (lines: string[]) => verifyBundle(ndjson(lines), { publicKey: key.publicKey });

const events = sampleEvents(12);
const lines = eventLines(events);
const checkpoint = checkpointLine(events);

/** Line i of the bundle holds position i + 1. */
const at = (position: number) => position - 1;

describe('an untouched bundle', () => {
  it('is valid against the ledger key given by the caller', () => {
    const report = verify([...lines, checkpoint]);
    expect(report).toMatchObject({ valid: true, eventsChecked: 12, firstPosition: 1, headPosition: 12, firstInvalidPosition: null, problemCount: 0 });
    expect(report.headHash).toBe(JSON.parse(lines[11]).hash);
    expect(report.checkpoint).toMatchObject({ treeSize: 12, keySource: 'given', signatureValid: true, rootMatches: true, headMatches: true, uncoveredEvents: 0 });
    expect(report.warnings).toEqual([]);
    expect(formatReport(report)).toContain('VALID');
  });

  it('is valid with the key inside the bundle, with a warning that this proves little', () => {
    const report = verifyBundle(ndjson([...lines, checkpointLine(events, 12, key, true)]));
    expect(report.valid).toBe(true);
    expect(report.checkpoint?.keySource).toBe('bundle');
    expect(report.warnings.join(' ')).toMatch(/inside the bundle/);
  });

  it('is valid without a checkpoint, with a warning about what cannot be detected then', () => {
    const report = verifyBundle(ndjson(lines));
    expect(report.valid).toBe(true);
    expect(report.checkpoint).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/no checkpoint/);
  });

  it('may skip positions where the chain still joins (a rolled-back append leaves a gap)', () => {
    const withGap = sampleEvents(6).map((e) => (e.position >= 4 ? { ...e, position: e.position + 1 } : e));
    const report = verify([...eventLines(withGap), checkpointLine(withGap)]);
    expect(report).toMatchObject({ valid: true, eventsChecked: 6, headPosition: 7 });
  });

  it('may hold events newer than its checkpoint: chained, reported as not yet signed', () => {
    const report = verify([...lines, checkpointLine(events, 10)]);
    expect(report.valid).toBe(true);
    expect(report.checkpoint).toMatchObject({ treeSize: 10, headPosition: 10, uncoveredEvents: 2 });
    expect(report.warnings.join(' ')).toMatch(/2 event\(s\) after position 10/);
  });

  it('is the same read line by line from a stream', async () => {
    const input = Readable.from([ndjson([...lines, checkpoint])]);
    const report = await verifyBundleLines(createInterface({ input, crlfDelay: Infinity }), { publicKey: publicKeyPem(key) });
    expect(report.valid).toBe(true);
    expect(report.eventsChecked).toBe(12);
  });
});

describe('a tampered bundle', () => {
  it('with one event\'s data altered: broken at that position, and the root no longer matches', () => {
    const altered = [...lines];
    const line = JSON.parse(altered[at(5)]);
    line.data.budget.amount = '50000.00';
    altered[at(5)] = JSON.stringify(line);
    const report = verify([...altered, checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidPosition).toBe(5);
    expect(report.problems.map((p) => p.code)).toEqual(['hash-mismatch', 'checkpoint-root-mismatch', 'checkpoint-head-mismatch']);
    expect(report.problems[0]).toMatchObject({ position: 5, line: 5 });
  });

  it('with one event\'s metadata altered (who did it): broken at that position', () => {
    const altered = [...lines];
    const line = JSON.parse(altered[at(8)]);
    line.metadata.actor.id = 'someone-else';
    altered[at(8)] = JSON.stringify(line);
    expect(verify(altered).firstInvalidPosition).toBe(8);
  });

  it('with one event deleted: broken at the missing position', () => {
    const deleted = lines.filter((_, i) => i !== at(5));
    const report = verify([...deleted, checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidPosition).toBe(5);
    expect(report.problems[0]).toMatchObject({ code: 'events-missing', position: 5 });
    expect(report.problems[0].message).toMatch(/position 5 is absent/);
  });

  it('with the first event deleted: broken at position 1', () => {
    expect(verify(lines.slice(1)).firstInvalidPosition).toBe(1);
  });

  it('with two events swapped: broken at the earlier one', () => {
    const swapped = [...lines];
    [swapped[at(4)], swapped[at(7)]] = [swapped[at(7)], swapped[at(4)]];
    const report = verify([...swapped, checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidPosition).toBe(4);
    expect(report.problems.map((p) => p.code)).toContain('out-of-order');

    const adjacent = [...lines];
    [adjacent[at(5)], adjacent[at(6)]] = [adjacent[at(6)], adjacent[at(5)]];
    expect(verify(adjacent).firstInvalidPosition).toBe(5);
  });

  it('with two events swapped and renumbered so positions still rise: broken at the earlier one', () => {
    const renumbered = [...lines];
    const [a, b] = [JSON.parse(lines[at(4)]), JSON.parse(lines[at(7)])];
    renumbered[at(4)] = JSON.stringify({ ...b, position: 4 });
    renumbered[at(7)] = JSON.stringify({ ...a, position: 7 });
    const report = verify([...renumbered, checkpoint]);
    expect(report.firstInvalidPosition).toBe(4);
    expect(report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: 4 });
  });

  it('with a forged event inserted under a made-up hash: broken at the forged position', () => {
    const forged = bundleEventLine({ ...events[0], id: 'forged', position: 13, data: { paid: '9999.00' } }, 'f'.repeat(64));
    const report = verify([...lines, forged]);
    expect(report.firstInvalidPosition).toBe(13);
    expect(report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: 13 });
  });

  it('with a forged event inserted into the middle, hashed correctly: broken where the original event collides with it', () => {
    const previousHash = JSON.parse(lines[at(4)]).hash;
    const fake = { ...events[4], id: 'forged', data: { paid: '9999.00' } }; // claims position 5
    const forged = [...lines.slice(0, 4), bundleEventLine(fake, eventHash(previousHash, fake)), ...lines.slice(4)];
    const report = verify([...forged, checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidPosition).toBe(5);
    expect(report.problems[0]).toMatchObject({ code: 'out-of-order', position: 5, line: 6 });
  });

  it('with a forged event inserted and every later event renumbered and rehashed: the chain holds, the signed checkpoint does not', () => {
    const fake = { ...events[4], id: 'forged', data: { paid: '9999.00' } };
    const rewritten = [...events.slice(0, 4), fake, ...events.slice(4).map((e) => ({ ...e, position: e.position + 1 }))];
    const report = verify([...eventLines(rewritten), checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.problems.some((p) => p.code === 'hash-mismatch' || p.code === 'events-missing')).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['checkpoint-root-mismatch', 'checkpoint-head-mismatch']);
    expect(report.firstInvalidPosition).toBeNull();
  });

  it('with a re-signed checkpoint from another key: the signature fails against the ledger key', () => {
    const attacker = generateSigningKey();
    const report = verify([...lines, checkpointLine(events, 12, attacker, true)]);
    expect(report.valid).toBe(false);
    expect(report.checkpoint).toMatchObject({ keySource: 'given', signatureValid: false, rootMatches: true });
    expect(report.problems[0].code).toBe('checkpoint-signature-invalid');
  });

  it('with the newest events cut off: broken after the last event present', () => {
    const report = verify([...lines.slice(0, 9), checkpoint]);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidPosition).toBe(10);
    expect(report.problems[0].code).toBe('checkpoint-beyond-bundle');
  });

  it('with a checkpoint whose fields were edited: the signature fails', () => {
    const cp = JSON.parse(checkpoint);
    const report = verify([...lines.slice(0, 10), JSON.stringify({ ...cp, treeSize: 10 })]);
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('checkpoint-signature-invalid');
  });

  it('with a malformed line, a line after the checkpoint, or no key to check the checkpoint with', () => {
    const notJson = verify([...lines.slice(0, 3), '{not json', ...lines.slice(3)]);
    expect(notJson.problems[0]).toMatchObject({ code: 'malformed-line', line: 4, position: null });
    expect(notJson.firstInvalidPosition).toBe(4);
    const missingData = JSON.parse(lines[0]);
    delete missingData.data;
    expect(verify([JSON.stringify(missingData)]).problems[0]).toMatchObject({ code: 'malformed-line', position: 1 });
    expect(verify([...lines.slice(0, 11), checkpointLine(events, 11), lines[11]]).problems[0].code).toBe('line-after-checkpoint');
    expect(verifyBundle(ndjson([...lines, checkpoint])).problems[0].code).toBe('checkpoint-no-key');
  });
});

describe('the command line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aid-ledger-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const good = write('good.ndjson', ndjson([...lines, checkpointLine(events, 12, key, true)]));
  const bad = write('bad.ndjson', ndjson([...lines.filter((_, i) => i !== at(3)), checkpoint]));
  const ledgerKey = write('ledger.pem', publicKeyPem(key));
  const otherKey = write('other.pub', publicKeyRawBase64(generateSigningKey()));

  async function run(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runVerifyCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  it('exits 0 for a valid bundle checked with the ledger key', async () => {
    const result = await run(['--public-key', ledgerKey, good]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/signature\s+valid \(checked with the key given\)/);
    expect(result.stdout).toMatch(/VALID: the events are intact and match the signed checkpoint/);
  });

  it('exits 1 for a tampered bundle and names the first broken position', async () => {
    const result = await run([`--public-key=${ledgerKey}`, bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/INVALID: the bundle cannot be trusted from position 3/);
  });

  it('exits 1 when the key given is not the key that signed', async () => {
    const result = await run(['--public-key', otherKey, good]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOT VALID/);
  });

  it('prints the report as JSON on request', async () => {
    const result = await run(['--json', '--public-key', ledgerKey, good]);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, eventsChecked: 12 });
  });

  it('re-adds a figure from the verified events and fails when it differs from the expected one', async () => {
    // sampleEvents: PlanDrafted at positions 1, 4, 7, 10 with budgets 100.00, 400.00, 700.00, 1000.00 USD.
    const ok = await run(['--public-key', ledgerKey, '--check-sum', 'PlanDrafted:data.budget=2200.00 USD', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Sum PlanDrafted:data.budget=2200.00 USD: 2200.00 USD over 4 event\(s\) \(matches the expected figure\)/);
    const differs = await run(['--public-key', ledgerKey, '--check-sum=PlanDrafted:data.budget=2300 USD', good]);
    expect(differs.code).toBe(1);
    const fromBad = await run(['--public-key', ledgerKey, '--check-sum', 'PlanDrafted:data.budget', bad]);
    expect(fromBad.stdout).toMatch(/\[from an INVALID bundle\]/);
    expect((await run(['--check-sum', 'nonsense', good])).code).toBe(2);
  });

  it('exits 2 on a usage error or an unreadable file', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--frobnicate', good])).code).toBe(2);
    expect((await run(['--public-key', path.join(dir, 'missing.pem'), good])).code).toBe(2);
    expect((await run([path.join(dir, 'missing.ndjson')])).code).toBe(2);
  });
});
