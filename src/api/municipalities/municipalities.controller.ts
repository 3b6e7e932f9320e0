import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { MunicipalityRow } from '../../../projections/municipalities/entities.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { municipalityStream, registerMunicipality } from '../../write/municipalities.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ApiListQueries, Listing } from '../common/listing.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { MunicipalityDto, RegisterMunicipalityDto } from './dto.js';

@ApiTags('municipalities')
@ApiBearerAuth()
@Controller('municipalities')
export class MunicipalitiesController {
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
  async register(@Body() dto: RegisterMunicipalityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { id = uuidv7(), ...rest } = dto;
    return this.commands.execute({ request, reply, status: 201, entityStreamId: municipalityStream(id) }, (ctx) =>
      registerMunicipality(this.store, ctx, { municipalityId: id, ...rest }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: MunicipalityDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('municipalities', minPosition, reply);
    const row = await this.dataSource.getRepository(MunicipalityRow).findOneBy({ id });
    return entityOr404(row, 'municipality', id, reply);
  }

  @Get()
  @ApiListQueries('oblast')
  async list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.listing.page(reply, query, { projection: 'municipalities', entity: MunicipalityRow, filters: ['oblast'], order: { name: 'ASC', id: 'ASC' } });
  }
}
