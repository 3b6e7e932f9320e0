import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { DisbursementRow } from '../../../projections/grants/entities.js';
import type { Actor } from '../../domain/shared/decider.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { approveDisbursement, cancelDisbursement, disbursementStream, payDisbursement, requestDisbursement } from '../../write/disbursements.js';
import { CommandAnswerDto } from '../common/answers.js';
import { CurrentActor, Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { EVENT_STORE } from '../tokens.js';
import { ApproveDisbursementDto, CancelDisbursementDto, DisbursementDto, PayDisbursementDto, RequestDisbursementDto } from './dto.js';

/** Maker-checker: a programme officer requests, another person (a finance officer) approves and pays. */
@ApiTags('disbursements')
@ApiBearerAuth()
@Controller('disbursements')
export class DisbursementsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async request(@Body() dto: RequestDisbursementDto, @CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: disbursementStream(id) }, (ctx) =>
      requestDisbursement(this.store, ctx, {
        disbursementId: id,
        actorId: actor.id,
        target: { kind: dto.target.kind, id: dto.target.id },
        amount: fromJson(dto.amount, 'amount.amount'),
        exchangeRate: rateOf(dto.exchangeRate) ?? undefined,
        purpose: dto.purpose,
      }),
    );
  }

  @Post(':id/approve')
  @Roles('finance-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async approve(
    @Param('id') id: string,
    @Body() dto: ApproveDisbursementDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: disbursementStream(id), reason: dto.reason }, (ctx) =>
      approveDisbursement(this.store, ctx, { disbursementId: id, actorId: actor.id }),
    );
  }

  @Post(':id/pay')
  @Roles('finance-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async pay(
    @Param('id') id: string,
    @Body() dto: PayDisbursementDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: disbursementStream(id) }, (ctx) =>
      payDisbursement(this.store, ctx, { disbursementId: id, actorId: actor.id, paidOn: dto.paidOn, bankReference: dto.bankReference }),
    );
  }

  /** The contract names no role for cancelling: the requester's side (programme officer) or finance may. */
  @Post(':id/cancel')
  @Roles('programme-officer', 'finance-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async cancel(
    @Param('id') id: string,
    @Body() dto: CancelDisbursementDto,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: disbursementStream(id), reason: dto.reason }, (ctx) =>
      cancelDisbursement(this.store, ctx, { disbursementId: id, actorId: actor.id, reason: dto.reason }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: DisbursementDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('grants', minPosition, reply);
    const row = await this.dataSource.getRepository(DisbursementRow).findOneBy({ id });
    return entityOr404(row, 'disbursement', id, reply);
  }
}
