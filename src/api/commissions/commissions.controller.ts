import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PersonalData } from '../../audit/personal-data.js';
import { CommissionRow } from '../../../projections/grants/entities.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { commissionStream, constituteCommission } from '../../write/commissions.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { CommissionDto, ConstituteCommissionDto } from './dto.js';

@ApiTags('grants')
@ApiBearerAuth()
@Controller('commissions')
export class CommissionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
    private readonly personalData: PersonalData,
  ) {}

  @Post()
  @Roles('admin', 'programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async constitute(@Body() dto: ConstituteCommissionDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: commissionStream(id) }, (ctx) =>
      constituteCommission(this.store, ctx, {
        commissionId: id,
        programmeId: dto.programmeId,
        name: dto.name,
        quorum: dto.quorum,
        members: dto.members.map((m) => ({ id: m.id, name: m.name, affiliation: m.affiliation })),
      }, this.personalData),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: CommissionDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('grants', minPosition, reply);
    const row = await this.dataSource.getRepository(CommissionRow).findOneBy({ id });
    return this.personalData.reveal(entityOr404(row, 'commission', id, reply));
  }
}
