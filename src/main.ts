import 'reflect-metadata';
import pino from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './config/embedded-postgres.js';
import { boundHeapGrowth } from './config/heap.js';

/**
 * Starts the service: checks the environment, starts the embedded PostgreSQL when DATABASE_URL is unset,
 * listens, and on SIGTERM/SIGINT finishes the requests in flight before stopping everything.
 */
async function main(): Promise<void> {
  boundHeapGrowth();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`aid-ledger: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'aid-ledger' } });
  let embedded: EmbeddedPostgresHandle | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dataDir: config.dataDir }, 'DATABASE_URL is unset: starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.dataDir, { log: (line) => logger.debug({ postgres: line }, 'postgres') });
    databaseUrl = embedded.url;
  }
  if (config.jwtSecretSource !== 'env') {
    logger.warn({ file: `${config.dataDir}/jwt-secret` }, 'AUTH_JWT_SECRET is unset: using a development secret kept in DATA_DIR');
  }
  if (config.auditSigningKeySource !== 'env') {
    logger.warn({ file: `${config.dataDir}/audit-signing-key.pem` }, 'AUDIT_SIGNING_KEY is unset: signing checkpoints with a development key kept in DATA_DIR');
  }
  if (config.personalDataMasterKeySource !== 'env') {
    logger.warn({ file: `${config.dataDir}/personal-data-master-key` }, 'PERSONAL_DATA_MASTER_KEY is unset: using a development key kept in DATA_DIR');
  }
  const running = await createApp(config, databaseUrl);
  await running.app.listen(config.port, config.host);
  logger.info({ port: config.port, embedded: embedded !== null, docs: `http://localhost:${config.port}/docs` }, 'aid-ledger is listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await running.close();
      await embedded?.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`aid-ledger: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
