import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/shared/decider.js';
import type { EventStore } from '../../eventstore/port.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import { IdempotencyKeyTaken } from '../../eventstore/postgres/store.js';
import type { CommandContext, CommandResult } from '../../write/command-bus.js';
import { Metrics } from '../ops/metrics.js';
import { EVENT_STORE } from '../tokens.js';
import { problem, ProblemError, toProblem } from './problem.js';

export interface CommandRequest {
  request: FastifyRequest & { actor?: Actor };
  reply: FastifyReply;
  /** 201 for commands that create an entity, 200 for the others. */
  status: 200 | 201;
  /** The stream of the entity the answer names (If-Match is checked against it). */
  entityStreamId: string;
  reason?: string | null;
}

const IF_MATCH = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The HTTP side of every command: builds the context (actor, correlation, If-Match), makes POSTs with an
 * Idempotency-Key safe to repeat (the first answer is replayed, recorded atomically with the events), and
 * sets the answer's ETag and Ledger-Position headers.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {}

  async execute(req: CommandRequest, run: (ctx: CommandContext) => Promise<CommandResult>): Promise<{ id: string; version: number }> {
    const { request, reply } = req;
    const actor = request.actor!;
    const ifMatchHeader = request.headers['if-match'];
    let ifMatch: number | undefined;
    if (ifMatchHeader !== undefined) {
      const m = String(ifMatchHeader).match(IF_MATCH);
      if (!m) throw new ProblemError(problem(400, 'If-Match must be an entity version such as "3"', { errors: [{ field: 'If-Match', message: 'expected "N"' }] }));
      ifMatch = Number(m[1]);
    }
    const correlationHeader = request.headers['x-correlation-id'];
    const correlationId = typeof correlationHeader === 'string' && KEY.test(correlationHeader) ? correlationHeader : randomUUID();
    void reply.header('x-correlation-id', correlationId);
    const ctx: CommandContext = { actor, correlationId, causationId: null, reason: req.reason ?? null, ifMatch };

    const keyHeader = request.headers['idempotency-key'];
    if (keyHeader === undefined) return this.answer(req, await run(ctx));
    if (typeof keyHeader !== 'string' || !KEY.test(keyHeader)) {
      throw new ProblemError(problem(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', { errors: [{ field: 'Idempotency-Key', message: 'invalid' }] }));
    }
    const scope = actor.id;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null) ?? ''}`)
      .digest('hex');
    const replayed = await this.replay(req, scope, keyHeader, requestHash);
    if (replayed) return replayed;
    ctx.idempotency = { scope, key: keyHeader, requestHash, status: req.status, entityStreamId: req.entityStreamId };
    try {
      return this.answer(req, await run(ctx));
    } catch (error) {
      // A concurrent request with the same key may have won meanwhile: its answer is the answer.
      const raced = await this.replay(req, scope, keyHeader, requestHash);
      if (raced) return raced;
      if (error instanceof IdempotencyKeyTaken) throw error;
      const p = toProblem(error);
      if (p.status >= 400 && p.status < 500) {
        await this.store.rememberRefusal({ scope, key: keyHeader, requestHash, status: p.status, body: p, entityStreamId: req.entityStreamId });
      }
      throw error;
    }
  }

  private async replay(req: CommandRequest, scope: string, key: string, requestHash: string): Promise<{ id: string; version: number } | null> {
    let found = await this.store.findIdempotent(scope, key);
    if (!found) return null;
    if (found.requestHash !== requestHash) {
      throw new ProblemError(problem(422, 'this Idempotency-Key was used with another request body', { rule: 'idempotency-key-reused' }));
    }
    void req.reply.header('idempotent-replayed', 'true');
    if (found.status >= 400) throw new ProblemError(found.body as any);
    const body = found.body as { id: string; version: number };
    void req.reply.status(found.status).header('etag', `"${body.version}"`).header('ledger-position', String(found.position));
    return body;
  }

  private answer(req: CommandRequest, result: CommandResult): { id: string; version: number } {
    this.metrics.commands.inc({ status: String(req.status) });
    this.metrics.appends.inc();
    this.metrics.appendedEvents.inc(result.events);
    void req.reply.status(req.status).header('etag', `"${result.version}"`).header('ledger-position', String(result.position));
    return { id: result.id, version: result.version };
  }
}
