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
import { entityOr404, intParam } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { givenFilters } from '../filters.js';
import { EVENT_STORE } from '../tokens.js';
import { AgreeFacilityDto, CompleteFacilityDto, FacilityDto } from './dto.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('facilities')
export class FacilitiesController {
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
  @ApiQuery({ name: 'programmeId', required: false })
  @ApiQuery({ name: 'municipalityId', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  async list(
    @Query('programmeId') programmeId: string | undefined,
    @Query('municipalityId') municipalityId: string | undefined,
    @Query('status') status: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const take = intParam(limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const skip = intParam(offset, 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    await this.freshness.ensure('facilities', minPosition, reply);
    const [items, total] = await this.dataSource.getRepository(FacilityRow).findAndCount({
      where: givenFilters({ programmeId, municipalityId, status }),
      order: { agreedAt: 'ASC', id: 'ASC' },
      take,
      skip,
    });
    return { items, total };
  }
}
