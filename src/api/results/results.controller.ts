import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ResultRow } from '../../../projections/results/entities.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { recordResult, resultStream, retractResult } from '../../write/results.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ApiListQueries, Listing } from '../common/listing.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { RecordResultDto, ResultDto, RetractResultDto } from './dto.js';

@ApiTags('results')
@ApiBearerAuth()
@Controller('results')
export class ResultsController {
  constructor(
    private readonly listing: Listing,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async record(@Body() dto: RecordResultDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { id = uuidv7(), ...rest } = dto;
    return this.commands.execute({ request, reply, status: 201, entityStreamId: resultStream(id) }, (ctx) =>
      recordResult(this.store, ctx, { ...rest, resultId: id }),
    );
  }

  @Post(':id/retract')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async retract(@Param('id') id: string, @Body() dto: RetractResultDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: resultStream(id), reason: dto.reason }, (ctx) =>
      retractResult(this.store, ctx, { resultId: id, reason: dto.reason }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: ResultDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('results', minPosition, reply);
    const row = await this.dataSource.getRepository(ResultRow).findOneBy({ id });
    return entityOr404(row, 'result', id, reply);
  }

  @Get()
  @ApiListQueries('programmeId', 'kind', 'status')
  async list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.listing.page(reply, query, { projection: 'results', entity: ResultRow, filters: ['programmeId', 'kind', 'status'], order: { date: 'ASC', id: 'ASC' } });
  }
}
