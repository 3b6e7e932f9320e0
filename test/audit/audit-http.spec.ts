import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningKey, publicKeyPem, verifyCheckpoint, parsePublicKey, type SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { runVerifyCli } from '../../src/audit/cli-verify.js';
import { chainHashes } from '../../src/audit/hashing.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { verifyBundle } from '../../src/audit/verify-bundle.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { WrongExpectedVersion } from '../../src/eventstore/port.js';
import { testTargets } from '../support/databases.js';
import { startTestApp, users, type TestApp } from '../support/http.js';
import { MTH, PATH, PROOF } from '../support/rfc9162.js';

/**
 * Tamper evidence wired into the service, over real HTTP: the chain sequencer, GET /audit/verify, signed
 * checkpoints, RFC 9162 proofs (checked against the independent reference in test/support/rfc9162.ts),
 * the export bundle verified offline by the CLI, and the answers to bad input and wrong roles.
 */

const hex = (list: Buffer[]) => list.map((b) => b.toString('hex'));
const bytes = (list: string[]) => list.map((h) => Buffer.from(h, 'hex'));

for (const target of testTargets()) {
  describe(`audit over HTTP (${target.name})`, () => {
    let app: TestApp;
    /** The log as recorded (no upcasters), read straight from the database. */
    let raw: PostgresEventStore;

    const ok = async (method: string, path: string, options: { as?: string[]; body?: unknown } = {}) => {
      const r = await app.call(method, path, { as: users.auditor, ...options });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    const register = (id: string) => ok('POST', '/municipalities', { as: users.admin, body: { id, name: `Town ${id}`, oblast: 'Osh' } });
    /** The chain hashes of the whole log, computed here from the events. */
    const expectedChain = async () => {
      // On a shared server another database's open transaction can hold the log's readers back briefly.
      const head = await app.running.store.headPosition();
      for (let i = 0; i < 200; i++) {
        const events = await raw.readAll({ limit: 10_000 });
        if ((events.at(-1)?.position ?? 0) >= head) return { events, hashes: chainHashes(events) };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the log did not settle');
    };

    beforeAll(async () => {
      app = await startTestApp(target);
      raw = new PostgresEventStore(app.running.store.pool);
      for (let i = 1; i <= 6; i++) await register(`town-${i}`);
      // An append the unique index refuses has drawn its position: the log now has a gap, and leaves are no longer position - 1.
      await expect(app.running.store.append('municipality-town-1', 'no-stream', [{ type: 'Noted', data: {}, metadata: { actor: { id: 'x', roles: [] }, correlationId: 'c', causationId: null } }])).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      for (let i = 7; i <= 11; i++) await register(`town-${i}`);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('verifies the untouched chain exactly as the contract says', async () => {
      const { events, hashes } = await expectedChain();
      expect(events.map((e) => e.position)).not.toEqual(events.map((_, i) => i + 1)); // the gap is there
      await app.running.sequencer.catchUp();
      const answer = await ok('GET', '/audit/verify');
      expect(answer).toEqual({ valid: true, eventsChecked: events.length, headPosition: events.at(-1)!.position, headHash: hashes.at(-1) });
      const full = await ok('GET', '/audit/verify?full=true');
      expect(full).toMatchObject({ valid: true, eventsChecked: events.length, full: true });
      for (const as of Object.values(users)) expect((await app.call('GET', '/audit/verify', { as })).status).toBe(200);
    });

    it('shows the chain lag in /admin/projections like a projection', async () => {
      const list = await ok('GET', '/admin/projections', { as: users.admin });
      const chain = list.find((p: any) => p.name === 'hash-chain');
      expect(chain).toMatchObject({ name: 'hash-chain', status: 'running' });
      for (const field of ['checkpoint', 'headPosition', 'lag']) expect(typeof chain[field]).toBe('number');
      expect(chain.lag).toBe(chain.headPosition - chain.checkpoint);
      await register('lagging');
      const head = await app.running.store.headPosition();
      // The sequencer catches up on its own (notification or poll).
      for (let i = 0; i < 100; i++) {
        const now = (await ok('GET', '/admin/projections', { as: users.admin })).find((p: any) => p.name === 'hash-chain');
        if (now.checkpoint === head) return expect(now.lag).toBe(0);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the hash chain did not catch up');
    });

    it('publishes signed checkpoints (admin only) that verify with the public key, and not with another', async () => {
      const key = await ok('GET', '/audit/public-key');
      expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{8}$/) });
      expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
      expect((await app.call('POST', '/audit/checkpoints', { as: users.auditor })).status).toBe(403);
      expect((await app.call('POST', '/audit/checkpoints', { as: users.officer })).status).toBe(403);
      const published = await app.call('POST', '/audit/checkpoints', { as: users.admin });
      expect(published.status).toBe(201);
      const cp: SignedCheckpoint & { id: number; signedNote: string } = published.body;
      const { events, hashes } = await expectedChain();
      expect(cp).toMatchObject({ treeSize: events.length, headPosition: events.at(-1)!.position, headHash: hashes.at(-1), rootHash: MTH(bytes(hashes)).toString('hex') });
      expect(cp.signedNote).toContain(`\n\u2014 aid-ledger `);
      expect(verifyCheckpoint(cp, parsePublicKey(key.publicKeyPem))).toEqual({ valid: true });
      expect(verifyCheckpoint(cp, parsePublicKey(key.publicKeyBase64))).toEqual({ valid: true });
      expect(verifyCheckpoint(cp, generateSigningKey().publicKey).valid).toBe(false);
      expect(verifyCheckpoint({ ...cp, treeSize: cp.treeSize - 1 }, parsePublicKey(key.publicKeyPem)).valid).toBe(false);

      const list = await ok('GET', '/audit/checkpoints');
      expect(list.items[0]).toEqual(cp);
      const page = await ok('GET', '/audit/checkpoints?limit=1');
      expect(page.items).toHaveLength(1);
      expect(page.nextBefore).toBe(cp.id);
    });

    it('gives inclusion proofs for every event that match RFC 9162 and the signed root', async () => {
      const cp = (await ok('POST', '/audit/checkpoints', { as: users.admin })) as SignedCheckpoint;
      const { events, hashes } = await expectedChain();
      const leaves = bytes(hashes).slice(0, cp.treeSize);
      for (const [i, event] of events.slice(0, cp.treeSize).entries()) {
        const proof = await ok('GET', `/audit/proofs/inclusion?position=${event.position}`);
        expect(proof).toMatchObject({ position: event.position, leafIndex: i, treeSize: cp.treeSize, eventHash: hashes[i], rootHash: cp.rootHash });
        expect(cp).toMatchObject(proof.checkpoint);
        expect(proof.proof).toEqual(hex(PATH(i, leaves)));
        expect(verifyInclusion(leaves[i], i, cp.treeSize, bytes(proof.proof), Buffer.from(cp.rootHash, 'hex'))).toBe(true);
      }
      // Against an older tree size too.
      const small = await ok('GET', `/audit/proofs/inclusion?position=${events[2].position}&treeSize=5`);
      expect(small).toMatchObject({ leafIndex: 2, treeSize: 5, rootHash: MTH(leaves.slice(0, 5)).toString('hex'), proof: hex(PATH(2, leaves.slice(0, 5))) });
    });

    it('gives consistency proofs between two checkpoints that match RFC 9162', async () => {
      const first = (await ok('POST', '/audit/checkpoints', { as: users.admin })) as SignedCheckpoint;
      for (let i = 20; i < 23; i++) await register(`town-${i}`);
      const second = (await ok('POST', '/audit/checkpoints', { as: users.admin })) as SignedCheckpoint;
      expect(second.treeSize).toBe(first.treeSize + 3);
      const { hashes } = await expectedChain();
      const leaves = bytes(hashes);
      const answer = await ok('GET', `/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`);
      expect(answer).toMatchObject({ from: first.treeSize, to: second.treeSize, fromRoot: first.rootHash, toRoot: second.rootHash });
      expect(first).toMatchObject(answer.fromCheckpoint);
      expect(second).toMatchObject(answer.toCheckpoint);
      expect(answer.proof).toEqual(hex(PROOF(first.treeSize, leaves.slice(0, second.treeSize))));
      expect(verifyConsistency(first.treeSize, second.treeSize, Buffer.from(first.rootHash, 'hex'), Buffer.from(second.rootHash, 'hex'), bytes(answer.proof))).toBe(true);
      // Every pair, against the reference.
      for (let m = 1; m <= second.treeSize; m++) {
        const p = await ok('GET', `/audit/proofs/consistency?from=${m}&to=${second.treeSize}`);
        expect(p.proof).toEqual(hex(PROOF(m, leaves.slice(0, second.treeSize))));
      }
      // `to` defaults to the latest checkpoint.
      expect(await ok('GET', `/audit/proofs/consistency?from=${first.treeSize}`)).toMatchObject({ to: second.treeSize });
    });

    it('exports a bundle the offline verifier accepts with the public key, and rejects with another', async () => {
      await register('before-export');
      const res = await app.call('GET', '/audit/export', { as: users.auditor });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const lines = res.text.trimEnd().split('\n').map((l) => JSON.parse(l));
      const { events } = await expectedChain();
      expect(lines.filter((l) => l.kind === 'event')).toHaveLength(events.length);
      expect(lines.at(-1)).toMatchObject({ kind: 'checkpoint', treeSize: events.length });

      const dir = mkdtempSync(path.join(tmpdir(), 'aid-ledger-export-'));
      const bundle = path.join(dir, 'bundle.ndjson');
      writeFileSync(bundle, res.text);
      const keyFile = path.join(dir, 'ledger.pem');
      writeFileSync(keyFile, (await ok('GET', '/audit/public-key')).publicKeyPem);
      const wrongKeyFile = path.join(dir, 'wrong.pem');
      writeFileSync(wrongKeyFile, publicKeyPem(generateSigningKey()));

      const out: string[] = [];
      const output = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
      expect(await runVerifyCli(['--public-key', keyFile, bundle], output)).toBe(0);
      expect(out.join('')).toContain('VALID');
      out.length = 0;
      expect(await runVerifyCli(['--public-key', wrongKeyFile, bundle], output)).toBe(1);
      expect(out.join('')).toContain('INVALID');

      const report = verifyBundle(res.text, { publicKey: (await ok('GET', '/audit/public-key')).publicKeyPem });
      expect(report).toMatchObject({ valid: true, eventsChecked: events.length, problemCount: 0 });
      expect(report.checkpoint).toMatchObject({ signatureValid: true, rootMatches: true, headMatches: true, keySource: 'given' });
      rmSync(dir, { recursive: true, force: true });
    });

    it('needs a token, answers bad input with problem+json 4xx, never 500', async () => {
      for (const p of ['/audit/verify', '/audit/public-key', '/audit/checkpoints', '/audit/proofs/inclusion?position=1', '/audit/proofs/consistency?from=1', '/audit/export']) {
        const r = await app.call('GET', p);
        expect([p, r.status]).toEqual([p, 401]);
      }
      expect((await app.call('POST', '/audit/checkpoints')).status).toBe(401);
      const size = (await ok('GET', '/audit/checkpoints')).items[0].treeSize;
      const head = await app.running.store.headPosition();
      const cases: [string, number][] = [
        ['/audit/verify?full=maybe', 400],
        ['/audit/checkpoints?limit=0', 400],
        ['/audit/checkpoints?limit=abc', 400],
        ['/audit/checkpoints?before=-1', 400],
        ['/audit/proofs/inclusion', 400],
        ['/audit/proofs/inclusion?position=abc', 400],
        ['/audit/proofs/inclusion?position=0', 400],
        ['/audit/proofs/inclusion?position=1.5', 400],
        ['/audit/proofs/inclusion?position=99999999999999999999', 400],
        [`/audit/proofs/inclusion?position=${head + 1000}`, 404],
        ['/audit/proofs/inclusion?position=7', 404], // the burnt position: no event there
        ['/audit/proofs/inclusion?position=1&treeSize=0', 400],
        [`/audit/proofs/inclusion?position=1&treeSize=${size + 1000}`, 400],
        [`/audit/proofs/inclusion?position=${head}&treeSize=1`, 400],
        ['/audit/proofs/consistency', 400],
        ['/audit/proofs/consistency?from=0', 400],
        ['/audit/proofs/consistency?from=x', 400],
        [`/audit/proofs/consistency?from=${size + 1}&to=${size}`, 400],
        [`/audit/proofs/consistency?from=1&to=${size + 1000}`, 400],
      ];
      for (const [p, status] of cases) {
        const r = await app.call('GET', p, { as: users.auditor });
        expect([p, r.status]).toEqual([p, status]);
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      }
    });

    it('describes every audit endpoint in /docs-json', async () => {
      const doc = await ok('GET', '/docs-json');
      const paths = doc.paths;
      for (const [p, method] of [
        ['/audit/verify', 'get'],
        ['/audit/public-key', 'get'],
        ['/audit/checkpoints', 'get'],
        ['/audit/checkpoints', 'post'],
        ['/audit/proofs/inclusion', 'get'],
        ['/audit/proofs/consistency', 'get'],
        ['/audit/export', 'get'],
        ['/admin/subjects/{id}/erase', 'post'],
      ]) {
        expect([p, method, Boolean(paths[p]?.[method])]).toEqual([p, method, true]);
      }
      expect(paths['/audit/proofs/inclusion'].get.parameters.map((x: any) => x.name).sort()).toEqual(['position', 'treeSize']);
      expect(doc.components.schemas.VerificationDto.properties).toHaveProperty('firstInvalidPosition');
    });
  });
}
