import { ChainStore } from '../../audit/chain-store.js';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ProjectionRunner, THE_LOG } from '../../../projections/runner/runner.js';
import { entityPositionsSql } from '../../audit/entity-index.js';
import { ReadFreshness } from '../common/reads.js';
import { sendCsv, toCsv, wantsCsv } from '../reports/csv.js';
import { LedgerEvents } from '../reports/ledger-events.js';
import { limitParam, optionalText, positionParam } from '../reports/params.js';

const CSV_HEADER = ['position', 'streamId', 'streamVersion', 'type', 'recordedAt', 'actorId', 'actorRoles', 'correlationId', 'reason', 'hash', 'data'];

/** Who recorded an event, as the log's index on it (event store migration 4) is written. */
const ACTOR = `metadata #>> '{actor,id}'`;

/**
 * The audit trail: the log itself, filtered by entity (its own streams and every event that names it or whose
 * stream's first event did: src/audit/entity-index.ts), by type, by actor and by position, each through the
 * log's own indexes, a page at a time. Answers stop at the runner's frontier (THE_LOG), below which no event
 * can still commit, so paging with nextPosition never skips an event.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditTrailController {
  private readonly events: LedgerEvents;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
    private readonly freshness: ReadFreshness,
    chain: ChainStore,
  ) {
    this.events = new LedgerEvents(dataSource, chain);
  }

  @Get('events')
  @ApiOperation({ summary: 'Recorded events, position ascending, filtered by entity, type, actor and position; Accept: text/csv for an export' })
  @ApiQuery({ name: 'entityId', required: false, description: "the entity's own events and those of other streams that reference it" })
  @ApiQuery({ name: 'type', required: false, description: 'event type, e.g. GrantApproved' })
  @ApiQuery({ name: 'actorId', required: false, description: 'who recorded it (JWT sub)' })
  @ApiQuery({ name: 'fromPosition', required: false, description: 'first position (inclusive), default 1' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the index has reached this position' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{items: [{position, streamId, streamVersion, type, recordedAt, actor: {id, roles}, correlationId, reason, data, hash}], nextPosition}' })
  async list(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const entityId = optionalText(query.entityId, 'entityId') || undefined;
    const type = optionalText(query.type, 'type') || undefined;
    const actorId = optionalText(query.actorId, 'actorId') || undefined;
    const fromPosition = positionParam(query.fromPosition, 'fromPosition', 1);
    const limit = limitParam(query.limit);
    const cap = await this.freshness.ensure(THE_LOG, query.minPosition, reply);

    const params: unknown[] = [fromPosition, cap, limit + 1];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    let sql: string;
    if (entityId !== undefined || actorId !== undefined) {
      const matching =
        entityId !== undefined
          ? entityPositionsSql(bind([entityId]), '$1', '$2')
          : `select position from public.events where ${ACTOR} = ${bind(actorId)} and position between $1 and $2`;
      const filters = [
        type !== undefined ? `and e.type = ${bind(type)}` : '',
        entityId !== undefined && actorId !== undefined ? `and e.${ACTOR} = ${bind(actorId)}` : '',
      ].join(' ');
      const join = filters.trim() ? `join public.events e on e.position = r.position` : '';
      sql = `select r.position from (${matching}) r ${join} where true ${filters} order by r.position limit $3`;
    } else if (type !== undefined) {
      sql = `select position from public.events where type = ${bind(type)} and position >= $1 and position <= $2 order by position limit $3`;
    } else {
      sql = `select position from public.events where position >= $1 and position <= $2 order by position limit $3`;
    }
    const positions: number[] = (await this.dataSource.query(sql, params)).map((r: any) => Number(r.position));
    const page = positions.slice(0, limit);
    const nextPosition = positions.length > limit ? positions[limit] : null;
    const events = await this.events.atPositions(page, null, true);
    const hashes = await this.events.hashesOf(page);
    const items = events.map((e) => ({
      position: e.position,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      type: e.type,
      schemaVersion: e.schemaVersion,
      recordedAt: e.recordedAt,
      actor: { id: e.metadata?.actor?.id ?? null, roles: e.metadata?.actor?.roles ?? [] },
      correlationId: e.metadata?.correlationId ?? null,
      reason: e.metadata?.reason ?? null,
      data: e.data,
      hash: hashes.get(e.position) ?? null,
    }));
    if (!wantsCsv(request)) return { items, nextPosition };
    if (nextPosition !== null) void reply.header('next-position', String(nextPosition));
    const rows = items.map((i) => [i.position, i.streamId, i.streamVersion, i.type, i.recordedAt, i.actor.id, i.actor.roles.join(' '), i.correlationId, i.reason, i.hash, JSON.stringify(i.data)]);
    return sendCsv(reply, `audit-events-${fromPosition}.csv`, toCsv(CSV_HEADER, rows));
  }
}
