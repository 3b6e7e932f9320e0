import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ProgrammeRow } from '../../../projections/programmes/entities.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { programmeStream, recordFundsReceived, registerProgramme } from '../../write/programmes.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404, intParam } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { ProgrammeDto, rateOf, RecordFundsReceivedDto, RegisterProgrammeDto } from './dto.js';

@ApiTags('programmes')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('admin', 'programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async register(@Body() dto: RegisterProgrammeDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { id = uuidv7(), donor, budget, exchangeRate, ...rest } = dto;
    return this.commands.execute({ request, reply, status: 201, entityStreamId: programmeStream(id) }, (ctx) =>
      registerProgramme(this.store, ctx, {
        ...rest,
        programmeId: id,
        donor: { id: donor.id, name: donor.name },
        budget: fromJson(budget, 'budget.amount'),
        exchangeRate: rateOf(exchangeRate),
      }),
    );
  }

  @Post(':id/funds-received')
  @Roles('admin', 'programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async fundsReceived(@Param('id') id: string, @Body() dto: RecordFundsReceivedDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: programmeStream(id) }, (ctx) =>
      recordFundsReceived(this.store, ctx, {
        programmeId: id,
        amount: fromJson(dto.amount, 'amount.amount'),
        exchangeRate: rateOf(dto.exchangeRate),
        receivedOn: dto.receivedOn,
        reference: dto.reference,
      }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: ProgrammeDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('programmes', minPosition, reply);
    const row = await this.dataSource.getRepository(ProgrammeRow).findOneBy({ id });
    return entityOr404(row, 'programme', id, reply);
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  async list(
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const take = intParam(limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const skip = intParam(offset, 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    await this.freshness.ensure('programmes', minPosition, reply);
    const [items, total] = await this.dataSource.getRepository(ProgrammeRow).findAndCount({
      order: { registeredAt: 'ASC', id: 'ASC' },
      take,
      skip,
    });
    return { items, total };
  }
}
