import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  checkpointText,
  generateSigningKey,
  keyIdOf,
  noteVerifierKey,
  parsePublicKey,
  privateKeyPem,
  publicKeyPem,
  publicKeyRawBase64,
  signCheckpoint,
  signingKeyFromEnv,
  signingKeyFromText,
  toSignedNote,
  verifyCheckpoint,
  type SignedCheckpoint,
} from '../../src/audit/checkpoint.js';

const key = generateSigningKey();
const fields = {
  treeSize: 42,
  rootHash: 'ab'.repeat(32),
  headPosition: 45,
  headHash: 'cd'.repeat(32),
  issuedAt: '2026-11-23T09:00:00.000Z',
};

describe('signed checkpoints', () => {
  const signed = signCheckpoint(fields, key);

  it('sign the documented text, which verifies with the public key', () => {
    expect(checkpointText(signed)).toBe(
      'aid-ledger\n42\n' + Buffer.from('ab'.repeat(32), 'hex').toString('base64') + '\n' +
        `head-position 45\nhead-hash ${'cd'.repeat(32)}\nissued-at 2026-11-23T09:00:00.000Z\nkey-id ${key.keyId}\n`,
    );
    expect(verifyCheckpoint(signed, key.publicKey)).toEqual({ valid: true });
    // Plain Ed25519 over the text: any Ed25519 library can check it.
    expect(verify(null, Buffer.from(checkpointText(signed)), key.publicKey, Buffer.from(signed.signature, 'base64'))).toBe(true);
  });

  it('fail with another key', () => {
    const other = generateSigningKey();
    const verdict = verifyCheckpoint(signed, other.publicKey);
    expect(verdict.valid).toBe(false);
    // Even when the checkpoint is relabelled with the other key's id, the signature does not match.
    expect(verifyCheckpoint({ ...signed, keyId: other.keyId }, other.publicKey)).toEqual({ valid: false, reason: 'the signature does not match' });
  });

  it('fail when any field or the signature is altered', () => {
    const altered: SignedCheckpoint[] = [
      { ...signed, treeSize: 43 },
      { ...signed, rootHash: 'ac' + 'ab'.repeat(31) },
      { ...signed, headPosition: 44 },
      { ...signed, headHash: 'ce' + 'cd'.repeat(31) },
      { ...signed, issuedAt: '2026-11-23T09:00:01.000Z' },
      { ...signed, signature: Buffer.from(Buffer.from(signed.signature, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64') },
      { ...signed, signature: 'not a signature' },
      { ...signed, headHash: 'cd'.repeat(32) + '\nkey-id x' },
    ];
    for (const checkpoint of altered) expect(verifyCheckpoint(checkpoint, key.publicKey).valid).toBe(false);
  });

  it('refuse to sign fields that could make the text ambiguous', () => {
    expect(() => signCheckpoint({ ...fields, issuedAt: '2026-11-23T09:00:00Z\nhead-position 1' }, key)).toThrow(TypeError);
    expect(() => signCheckpoint({ ...fields, treeSize: -1 }, key)).toThrow(TypeError);
    expect(() => signCheckpoint({ ...fields, rootHash: 'AB'.repeat(32) }, key)).toThrow(TypeError);
  });

  it('form a C2SP signed note whose signature line carries the key id and the signature', () => {
    const note = toSignedNote(signed);
    const [text, signatureLine] = note.split('\n\n');
    expect(text + '\n').toBe(checkpointText(signed));
    const match = /^\u2014 aid-ledger (\S+)\n$/.exec(signatureLine);
    expect(match).not.toBeNull();
    const bytes = Buffer.from(match![1], 'base64');
    expect(bytes.subarray(0, 4).toString('hex')).toBe(key.keyId);
    expect(bytes.subarray(4).toString('base64')).toBe(signed.signature);
    expect(noteVerifierKey(key)).toMatch(new RegExp(`^aid-ledger\\+${key.keyId}\\+`));
  });
});

describe('keys', () => {
  it('round-trip through PEM, raw base64 and the note verifier form', () => {
    // Many keys, because base64 may contain '+' (which the note form also uses as a separator).
    for (let i = 0; i < 200; i++) {
      const k = i === 0 ? key : generateSigningKey();
      const signed = signCheckpoint(fields, k);
      for (const text of [publicKeyPem(k), publicKeyRawBase64(k), noteVerifierKey(k)]) {
        const publicKey = parsePublicKey(text);
        expect(keyIdOf(publicKey)).toBe(k.keyId);
        expect(verifyCheckpoint(signed, publicKey).valid).toBe(true);
      }
      expect(Buffer.from(publicKeyRawBase64(k), 'base64')).toHaveLength(32);
    }
  });

  it('load a private key from PEM, from a base64 32-byte seed and from base64 PKCS#8 DER', () => {
    const pem = privateKeyPem(key);
    expect(signingKeyFromText(pem).keyId).toBe(key.keyId);
    const der = key.privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(signingKeyFromText(der.toString('base64')).keyId).toBe(key.keyId);
    const seed = der.subarray(der.length - 32).toString('base64');
    const fromSeed = signingKeyFromText(seed);
    expect(fromSeed.keyId).toBe(key.keyId);
    expect(verifyCheckpoint(signCheckpoint(fields, fromSeed), key.publicKey).valid).toBe(true);
  });

  it('load from AUDIT_SIGNING_KEY, or generate a key when it is unset', () => {
    const fromEnv = signingKeyFromEnv({ AUDIT_SIGNING_KEY: privateKeyPem(key) });
    expect(fromEnv.generated).toBe(false);
    expect(fromEnv.key.keyId).toBe(key.keyId);
    const generated = signingKeyFromEnv({});
    expect(generated.generated).toBe(true);
    expect(generated.key.keyId).not.toBe(key.keyId);
  });

  it('refuse keys that are not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => signingKeyFromText(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/Ed25519/);
    expect(() => parsePublicKey(createPublicKey(rsa.privateKey).export({ format: 'pem', type: 'spki' }).toString())).toThrow(/Ed25519/);
    expect(() => parsePublicKey('bm90IGEga2V5')).toThrow();
  });
});
