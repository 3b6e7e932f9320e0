import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { FacilityRow } from '../../../projections/facilities/entities.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { agreeFacility, completeFacility, facilityStream } from '../../write/facilities.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ApiListQueries, Listing } from '../common/listing.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { EVENT_STORE } from '../tokens.js';
import { AgreeFacilityDto, CompleteFacilityDto, FacilityDto } from './dto.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('facilities')
export class FacilitiesController {
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
  async agree(@Body() dto: AgreeFacilityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: facilityStream(id) }, (ctx) =>
      agreeFacility(this.store, ctx, {
        facilityId: id,
        programmeId: dto.programmeId,
        municipalityId: dto.municipalityId,
        kind: dto.kind,
        title: dto.title,
        totalCost: fromJson(dto.totalCost, 'totalCost.amount'),
        exchangeRate: rateOf(dto.exchangeRate),
        localShareRatio: dto.localShareRatio,
      }),
    );
  }

  @Post(':id/complete')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async complete(@Param('id') id: string, @Body() dto: CompleteFacilityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: facilityStream(id) }, (ctx) =>
      completeFacility(this.store, ctx, { facilityId: id, completedOn: dto.completedOn }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: FacilityDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('facilities', minPosition, reply);
    const row = await this.dataSource.getRepository(FacilityRow).findOneBy({ id });
    return entityOr404(row, 'facility', id, reply);
  }

  @Get()
  @ApiListQueries('programmeId', 'municipalityId', 'status')
  async list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.listing.page(reply, query, { projection: 'facilities', entity: FacilityRow, filters: ['programmeId', 'municipalityId', 'status'], order: { agreedAt: 'ASC', id: 'ASC' } });
  }
}
