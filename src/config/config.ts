import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKey, privateKeyPem, signingKeyFromText } from '../audit/checkpoint.js';

export interface AppConfig {
  port: number;
  host: string;
  /** An external PostgreSQL; null starts the embedded one. */
  databaseUrl: string | null;
  dataDir: string;
  nodeEnv: 'production' | 'development' | 'test';
  jwtSecret: string;
  /** Where the secret came from, for the start-up log (never the secret itself). */
  jwtSecretSource: 'env' | 'generated' | 'data-dir';
  logLevel: string;
  /** How long a read with `minPosition` waits for the read side at most (ms). */
  readWaitMs: number;
  /** Ed25519 key signing audit checkpoints (PEM or base64): AUDIT_SIGNING_KEY, or kept in DATA_DIR in development. Absent: a key for this process only. */
  auditSigningKey?: string;
  auditSigningKeySource?: 'env' | 'generated' | 'data-dir';
  /** Base64 of the 32-byte master key wrapping the per-person keys of personal data: PERSONAL_DATA_MASTER_KEY, or kept in DATA_DIR in development. */
  personalDataMasterKey?: string;
  personalDataMasterKeySource?: 'env' | 'generated' | 'data-dir';
  /** How often a signed checkpoint is published while the chain grows (ms): AUDIT_CHECKPOINT_INTERVAL_MS, default 60000. */
  checkpointIntervalMs?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks the environment; every bad value is named in one error. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const problems: string[] = [];
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  if (!['production', 'development', 'test'].includes(nodeEnv)) problems.push(`NODE_ENV must be production, development or test (got '${env.NODE_ENV}')`);

  let port = 3000;
  if (env.PORT !== undefined && env.PORT !== '') {
    port = Number(env.PORT);
    if (!/^\d+$/.test(env.PORT) || port < 0 || port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got '${env.PORT}')`);
  }

  let databaseUrl: string | null = null;
  if (env.DATABASE_URL) {
    try {
      const url = new URL(env.DATABASE_URL);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new Error();
      databaseUrl = env.DATABASE_URL;
    } catch {
      problems.push(`DATABASE_URL must be a postgres:// URL (got '${redact(env.DATABASE_URL)}')`);
    }
  }

  const dataDir = path.resolve(env.DATA_DIR || './data');
  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info');
  if (!LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LEVELS.join(', ')} (got '${logLevel}')`);

  const readWaitMs = env.READ_WAIT_MS ? Number(env.READ_WAIT_MS) : 5000;
  if (!Number.isInteger(readWaitMs) || readWaitMs < 0 || readWaitMs > 60_000) problems.push(`READ_WAIT_MS must be an integer from 0 to 60000 (got '${env.READ_WAIT_MS}')`);

  let jwtSecret = env.AUTH_JWT_SECRET ?? '';
  let jwtSecretSource: AppConfig['jwtSecretSource'] = 'env';
  if (jwtSecret) {
    if (jwtSecret.length < 32) problems.push('AUTH_JWT_SECRET must be at least 32 characters long');
  } else if (nodeEnv === 'production') {
    problems.push('AUTH_JWT_SECRET is required when NODE_ENV=production');
  } else if (problems.length === 0) {
    ({ secret: jwtSecret, source: jwtSecretSource } = developmentSecret(dataDir));
  }

  const audit = auditKeys(env, nodeEnv, dataDir, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return { port, host: env.HOST || '0.0.0.0', databaseUrl, dataDir, nodeEnv, jwtSecret, jwtSecretSource, logLevel, readWaitMs, ...audit };
}

/** The audit keys (checkpoint signing, personal-data master key): from env; required in production; kept in DATA_DIR in development. */
function auditKeys(env: NodeJS.ProcessEnv, nodeEnv: string, dataDir: string, problems: string[]): Partial<AppConfig> {
  const out: Partial<AppConfig> = {};
  const interval = env.AUDIT_CHECKPOINT_INTERVAL_MS ? Number(env.AUDIT_CHECKPOINT_INTERVAL_MS) : 60_000;
  if (!Number.isInteger(interval) || interval < 1000 || interval > 86_400_000) {
    problems.push(`AUDIT_CHECKPOINT_INTERVAL_MS must be an integer from 1000 to 86400000 (got '${env.AUDIT_CHECKPOINT_INTERVAL_MS}')`);
  }
  out.checkpointIntervalMs = interval;

  const signing = env.AUDIT_SIGNING_KEY ?? '';
  if (signing.trim()) {
    try {
      signingKeyFromText(signing);
      out.auditSigningKey = signing;
      out.auditSigningKeySource = 'env';
    } catch (error) {
      problems.push(`AUDIT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM, or base64 of the 32-byte seed): ${(error as Error).message}`);
    }
  } else if (nodeEnv === 'production') {
    problems.push('AUDIT_SIGNING_KEY is required when NODE_ENV=production');
  } else if (problems.length === 0) {
    const kept = developmentKey(dataDir, 'audit-signing-key.pem', () => privateKeyPem(generateSigningKey()));
    out.auditSigningKey = kept.value;
    out.auditSigningKeySource = kept.source;
  }

  const master = env.PERSONAL_DATA_MASTER_KEY ?? '';
  if (master.trim()) {
    if (Buffer.from(master.trim(), 'base64').length !== 32) problems.push('PERSONAL_DATA_MASTER_KEY must be base64 of 32 random bytes');
    out.personalDataMasterKey = master.trim();
    out.personalDataMasterKeySource = 'env';
  } else if (nodeEnv === 'production') {
    problems.push('PERSONAL_DATA_MASTER_KEY is required when NODE_ENV=production');
  } else if (problems.length === 0) {
    const kept = developmentKey(dataDir, 'personal-data-master-key', () => randomBytes(32).toString('base64'));
    out.personalDataMasterKey = kept.value;
    out.personalDataMasterKeySource = kept.source;
  }
  return out;
}

/** A development key generated once and kept in DATA_DIR (like the JWT secret). */
function developmentKey(dataDir: string, name: string, generate: () => string): { value: string; source: 'generated' | 'data-dir' } {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: 'data-dir' };
  mkdirSync(dataDir, { recursive: true });
  const value = generate().trim();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return { value, source: 'generated' };
}

/** In development with no secret set, one is generated once and kept in DATA_DIR. */
export function developmentSecret(dataDir: string): { secret: string; source: 'generated' | 'data-dir' } {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'data-dir' };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return { secret, source: 'generated' };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
