import {
  DecryptionFailed,
  decryptDeep,
  decryptValue,
  encryptValue,
  generateDataKey,
  generateMasterKey,
  isEnvelope,
  isErased,
  unwrapDataKey,
  wrapDataKey,
  type Envelope,
} from '../../src/audit/subject-crypto.js';

const person = { name: 'Aida Bekova', phone: '+996 555 000 111', birthYear: 1984 };

function tamper(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

describe('subject data envelopes', () => {
  const key = generateDataKey();

  it('round-trip a JSON value, and hide it', () => {
    const envelope = encryptValue(key, 'subject-1', person);
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelope).toMatchObject({ enc: 'aes-256-gcm', subject: 'subject-1' });
    expect(JSON.stringify(envelope)).not.toContain('Aida');
    expect(decryptValue(key, envelope)).toEqual(person);
    expect(decryptValue(key, encryptValue(key, 'subject-1', 'just a string'))).toBe('just a string');
  });

  it('use a fresh nonce each time', () => {
    expect(encryptValue(key, 's', person).iv).not.toBe(encryptValue(key, 's', person).iv);
  });

  it('read as erased once the key is gone', () => {
    const envelope = encryptValue(key, 'subject-1', person);
    const value = decryptValue(null, envelope);
    expect(value).toEqual({ erased: true, subject: 'subject-1' });
    expect(isErased(value)).toBe(true);
    expect(decryptValue(undefined, envelope)).toEqual({ erased: true, subject: 'subject-1' });
  });

  it('fail on altered ciphertext, tag, nonce or subject, and with another key', () => {
    const envelope = encryptValue(key, 'subject-1', person);
    const altered: Envelope[] = [
      { ...envelope, ct: tamper(envelope.ct) },
      { ...envelope, tag: tamper(envelope.tag) },
      { ...envelope, iv: tamper(envelope.iv) },
      { ...envelope, subject: 'subject-2' },
      { ...envelope, tag: Buffer.from(envelope.tag, 'base64').subarray(0, 4).toString('base64') },
    ];
    for (const e of altered) expect(() => decryptValue(key, e)).toThrow(DecryptionFailed);
    expect(() => decryptValue(generateDataKey(), envelope)).toThrow(DecryptionFailed);
  });

  it('decrypt every envelope inside an event, erased subjects as markers', () => {
    const erasedKey = generateDataKey();
    const data = {
      grant: 'grant-1',
      contact: encryptValue(key, 'subject-1', person),
      members: [encryptValue(erasedKey, 'subject-2', { name: 'Erased Person' }), 'plain'],
    };
    const keys: Record<string, Buffer | null> = { 'subject-1': key, 'subject-2': null };
    expect(decryptDeep(data, (subject) => keys[subject])).toEqual({
      grant: 'grant-1',
      contact: person,
      members: [{ erased: true, subject: 'subject-2' }, 'plain'],
    });
  });
});

describe('wrapped data keys', () => {
  const master = generateMasterKey();

  it('unwrap to the same key for the same subject', () => {
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(master, 'subject-1', dataKey);
    expect(JSON.stringify(wrapped)).not.toContain(dataKey.toString('base64'));
    expect(unwrapDataKey(master, 'subject-1', wrapped).equals(dataKey)).toBe(true);
  });

  it('fail for another subject, another master key or an altered wrapping', () => {
    const wrapped = wrapDataKey(master, 'subject-1', generateDataKey());
    expect(() => unwrapDataKey(master, 'subject-2', wrapped)).toThrow(DecryptionFailed);
    expect(() => unwrapDataKey(generateMasterKey(), 'subject-1', wrapped)).toThrow(DecryptionFailed);
    expect(() => unwrapDataKey(master, 'subject-1', { ...wrapped, ct: tamper(wrapped.ct) })).toThrow(DecryptionFailed);
  });

  it('cannot be mistaken for a data envelope', () => {
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(master, 'subject-1', dataKey);
    expect(() => decryptValue(master, { ...wrapped, subject: 'subject-1' })).toThrow(DecryptionFailed);
  });

  it('refuse keys of the wrong length', () => {
    expect(() => encryptValue(Buffer.alloc(16), 's', 1)).toThrow(TypeError);
    expect(() => wrapDataKey(master, 's', Buffer.alloc(31))).toThrow(TypeError);
  });
});
