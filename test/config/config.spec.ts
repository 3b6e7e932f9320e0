import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration from the environment', () => {
  const made: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aid-ledger-config-'));
    made.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('has sensible defaults for development', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, dataDir: dir, nodeEnv: 'development', jwtSecretSource: 'generated' });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('keeps the generated development secret in DATA_DIR and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second).toMatchObject({ jwtSecret: first.jwtSecret, jwtSecretSource: 'data-dir' });
  });

  it('names every bad value in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging', AUTH_JWT_SECRET: 'short', LOG_LEVEL: 'loud', READ_WAIT_MS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'NODE_ENV', 'AUTH_JWT_SECRET', 'LOG_LEVEL', 'READ_WAIT_MS']) expect(problems).toContain(name);
    }
  });

  it('requires AUTH_JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(/AUTH_JWT_SECRET is required/);
    const auditKeys = { AUDIT_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'), PERSONAL_DATA_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') };
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40), ...auditKeys }).jwtSecretSource).toBe('env');
  });

  it('requires the audit keys in production and keeps generated ones in DATA_DIR in development', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40) })).toThrow(/AUDIT_SIGNING_KEY is required[\s\S]*PERSONAL_DATA_MASTER_KEY is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40), AUDIT_SIGNING_KEY: 'bm9wZQ==', PERSONAL_DATA_MASTER_KEY: 'c2hvcnQ=' })).toThrow(
      /AUDIT_SIGNING_KEY must be an Ed25519[\s\S]*PERSONAL_DATA_MASTER_KEY must be base64 of 32/,
    );
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first).toMatchObject({ auditSigningKeySource: 'generated', personalDataMasterKeySource: 'generated' });
    expect(loadConfig({ DATA_DIR: dir })).toMatchObject({
      auditSigningKey: first.auditSigningKey,
      auditSigningKeySource: 'data-dir',
      personalDataMasterKey: first.personalDataMasterKey,
      personalDataMasterKeySource: 'data-dir',
    });
  });

  it('does not print a database password back', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@host/db' })).toThrow(/user:\*\*\*@/);
  });
});
