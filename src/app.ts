import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import pino, { type Logger } from 'pino';
import { DataSource } from 'typeorm';
import { projections, retiredProjections } from '../projections/index.js';
import { ProjectionRunner } from '../projections/runner/runner.js';
import { TokenService } from './api/common/auth.js';
import { validationPipe } from './api/common/problem.js';
import { Metrics } from './api/ops/metrics.js';
import { AppSettings } from './api/tokens.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { PinoNestLogger } from './config/logger.js';
import { eventSchemas } from './domain/registry.js';
import { PostgresEventStore } from './eventstore/postgres/store.js';
import { AuditService } from './audit/audit-service.js';
import { ChainSequencer } from './audit/chain-sequencer.js';
import { generateSigningKey, signingKeyFromText } from './audit/checkpoint.js';
import { generateMasterKey } from './audit/subject-crypto.js';
import { PersonalData } from './audit/personal-data.js';

export interface RunningApp {
  app: NestFastifyApplication;
  store: PostgresEventStore;
  runner: ProjectionRunner;
  /** Chains committed events and publishes signed checkpoints (src/audit). */
  sequencer: ChainSequencer;
  audit: AuditService;
  personalData: PersonalData;
  dataSource: DataSource;
  tokens: TokenService;
  logger: Logger;
  /** Stops taking requests, finishes those in flight, stops the projections, closes the pools. */
  close(): Promise<void>;
}

/** Builds the whole service on a PostgreSQL database (used by main.ts and by the HTTP tests). */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<RunningApp> {
  const logger = pino({ level: config.logLevel, base: { service: 'aid-ledger' } });
  const store = await PostgresEventStore.connect(databaseUrl, { schemas: eventSchemas });
  const entities = projections.flatMap((p) => p.entities);
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities,
    synchronize: false,
    logging: false,
    // Reads go through the views of the active generations; the runner sets its own path per batch.
    // No JIT: it pays off for queries running seconds, none of ours, and a cost estimate inflated by missing
    // statistics (a fresh table, autovacuum off) made PostgreSQL spend 100 ms compiling a 3 ms query.
    extra: { max: 20, options: '-c search_path=read,public -c jit=off' },
  });
  await dataSource.initialize();
  const runner = new ProjectionRunner(store, dataSource, projections, {
    retired: retiredProjections,
    onError: (projection, error) => logger.error({ projection, err: error }, 'projection failed'),
  });
  await runner.start();

  // Tamper evidence: the chain is built from events as recorded, hence its own store without upcasters on
  // the same pool (inside ChainSequencer). Without configured keys (tests), keys live for this process only.
  const signingKey = config.auditSigningKey ? signingKeyFromText(config.auditSigningKey) : generateSigningKey();
  const sequencer = new ChainSequencer(store.pool, signingKey, {
    checkpointIntervalMs: config.checkpointIntervalMs,
    watch: (listener) => store.watch(listener),
    onError: (error) => logger.error({ err: error }, 'hash chain sequencer failed'),
  });
  await sequencer.start();
  const audit = new AuditService(sequencer, store.pool);
  const personalData = new PersonalData(store.pool, config.personalDataMasterKey ?? generateMasterKey());
  await personalData.init();

  const metrics = new Metrics();
  const tokens = new TokenService(config.jwtSecret);
  const adapter = new FastifyAdapter({ logger: false, bodyLimit: 1024 * 1024, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.with({ store, dataSource, runner, tokens, metrics, settings: new AppSettings(config.readWaitMs, config.nodeEnv), audit: { sequencer, service: audit, personalData } }),
    adapter,
    { logger: new PinoNestLogger(logger), bufferLogs: false, abortOnError: false, bodyParser: false },
  );
  app.useGlobalPipes(validationPipe());
  const fastify = app.getHttpAdapter().getInstance();
  // Actions without a body (close, approve) may still be sent with Content-Type: application/json:
  // an empty body reads as {}. Anything else must be a valid JSON object (400 otherwise).
  // (Nest's own JSON parser is off: bodyParser: false.)
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(Object.assign(new Error((error as Error).message), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' })); // the problem filter says what it is
    }
    // Every command takes a JSON object; null, arrays and scalars are refused here, before any DTO.
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return done(Object.assign(new Error('the body must be a JSON object'), { statusCode: 400 }));
    }
    done(null, parsed);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    logger.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Aid Ledger')
      .setDescription('Event-sourced ledger of donor-funded programmes: plans, grants, co-funding, disbursements, results, audit.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  let closed = false;
  return {
    app,
    store,
    runner,
    sequencer,
    audit,
    personalData,
    dataSource,
    tokens,
    logger,
    async close() {
      if (closed) return;
      closed = true;
      // Requests in flight finish; their keep-alive connections are closed as soon as they turn idle
      // (closing idle connections once, at the start, would leave those waiting for their keep-alive timeout).
      const server = app.getHttpServer();
      const sweep = setInterval(() => server.closeIdleConnections?.(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      logger.debug('http server closed');
      await runner.stop();
      logger.debug('projections stopped');
      await sequencer.stop();
      logger.debug('hash chain sequencer stopped');
      await dataSource.destroy();
      await store.close();
    },
  };
}
