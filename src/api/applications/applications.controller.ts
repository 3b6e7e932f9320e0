import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PersonalData } from '../../audit/personal-data.js';
import { ApplicationRow } from '../../../projections/grants/entities.js';
import type { Actor } from '../../domain/shared/decider.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { applicationStream, declareConflict, recordDecision, revokeGrant, scoreApplication } from '../../write/applications.js';
import { CommandAnswerDto } from '../common/answers.js';
import { CurrentActor, Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { EVENT_STORE } from '../tokens.js';
import { ApplicationDto, DeclareConflictDto, RecordDecisionDto, RevokeGrantDto, ScoreApplicationDto } from './dto.js';

/** The commission's work on an application; the caller's JWT `sub` is the member id the rules check. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
    private readonly personalData: PersonalData,
  ) {}

  @Post(':id/conflicts')
  @Roles('commission-member')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async declareConflict(
    @Param('id') id: string,
    @Body() dto: DeclareConflictDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: applicationStream(id), reason: dto.reason }, (ctx) =>
      declareConflict(this.store, ctx, { applicationId: id, actorId: actor.id, reason: dto.reason }),
    );
  }

  @Post(':id/scores')
  @Roles('commission-member')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async score(
    @Param('id') id: string,
    @Body() dto: ScoreApplicationDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: applicationStream(id) }, (ctx) =>
      scoreApplication(this.store, ctx, { applicationId: id, actorId: actor.id, score: dto.score, ...(dto.comment !== undefined ? { comment: dto.comment } : {}) }),
    );
  }

  @Post(':id/decision')
  @Roles('commission-member')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async decide(
    @Param('id') id: string,
    @Body() dto: RecordDecisionDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: applicationStream(id), reason: dto.reason }, (ctx) =>
      recordDecision(this.store, ctx, {
        applicationId: id,
        actorId: actor.id,
        outcome: dto.outcome,
        ...(dto.approvedAmount ? { approvedAmount: fromJson(dto.approvedAmount, 'approvedAmount.amount') } : {}),
        exchangeRate: rateOf(dto.exchangeRate) ?? undefined,
        votes: dto.votes.map((v) => ({ memberId: v.memberId, vote: v.vote })),
        minutesRef: dto.minutesRef,
        ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
      }),
    );
  }

  @Post(':id/revoke')
  @Roles('commission-member')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async revoke(
    @Param('id') id: string,
    @Body() dto: RevokeGrantDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: applicationStream(id), reason: dto.reason }, (ctx) =>
      revokeGrant(this.store, ctx, { applicationId: id, actorId: actor.id, reason: dto.reason, minutesRef: dto.minutesRef }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: ApplicationDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('grants', minPosition, reply);
    const row = await this.dataSource.getRepository(ApplicationRow).findOneBy({ id });
    return this.personalData.reveal(entityOr404(row, 'application', id, reply));
  }
}
