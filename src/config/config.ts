import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

  if (problems.length > 0) throw new ConfigError(problems);
  return { port, host: env.HOST || '0.0.0.0', databaseUrl, dataDir, nodeEnv, jwtSecret, jwtSecretSource, logLevel, readWaitMs };
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
