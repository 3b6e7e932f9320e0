import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { CoFundingRow } from '../../../projections/grants/entities.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { coFundingStream, recordCoFunding } from '../../write/co-funding.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { EVENT_STORE } from '../tokens.js';
import { CoFundingDto, RecordCoFundingDto } from './dto.js';

@ApiTags('co-funding')
@ApiBearerAuth()
@Controller('co-funding')
export class CoFundingController {
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
  async record(@Body() dto: RecordCoFundingDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: coFundingStream(id) }, (ctx) =>
      recordCoFunding(this.store, ctx, {
        coFundingId: id,
        target: { kind: dto.target.kind, id: dto.target.id },
        amount: fromJson(dto.amount, 'amount.amount'),
        exchangeRate: rateOf(dto.exchangeRate) ?? undefined,
        source: dto.source,
        evidenceRef: dto.evidenceRef,
        receivedOn: dto.receivedOn,
      }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: CoFundingDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('grants', minPosition, reply);
    const row = await this.dataSource.getRepository(CoFundingRow).findOneBy({ id });
    return entityOr404(row, 'co-funding', id, reply);
  }
}
