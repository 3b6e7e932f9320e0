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
import { entityOr404 } from '../common/reading.js';
import { ApiListQueries, Listing } from '../common/listing.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { ProgrammeDto, rateOf, RecordFundsReceivedDto, RegisterProgrammeDto } from './dto.js';

@ApiTags('programmes')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesController {
  constructor(
    private readonly listing: Listing,
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
  @ApiListQueries()
  async list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.listing.page(reply, query, { projection: 'programmes', entity: ProgrammeRow, filters: [], order: { registeredAt: 'ASC', id: 'ASC' } });
  }
}
