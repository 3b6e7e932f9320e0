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
import { entityOr404, intParam } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { givenFilters } from '../filters.js';
import { EVENT_STORE } from '../tokens.js';
import { RecordResultDto, ResultDto, RetractResultDto } from './dto.js';

@ApiTags('results')
@ApiBearerAuth()
@Controller('results')
export class ResultsController {
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
  @ApiQuery({ name: 'programmeId', required: false })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  async list(
    @Query('programmeId') programmeId: string | undefined,
    @Query('kind') kind: string | undefined,
    @Query('status') status: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const take = intParam(limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const skip = intParam(offset, 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    await this.freshness.ensure('results', minPosition, reply);
    const [items, total] = await this.dataSource.getRepository(ResultRow).findAndCount({
      where: givenFilters({ programmeId, kind, status }),
      order: { date: 'ASC', id: 'ASC' },
      take,
      skip,
    });
    return { items, total };
  }
}
