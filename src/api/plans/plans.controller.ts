import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PlanHistoryRow, PlanRow } from '../../../projections/plans/entities.js';
import { planVersions } from '../../../projections/plans/projection.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { amendPlan, draftPlan, endorsePlan, planStream } from '../../write/plans.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404 } from '../common/reading.js';
import { ApiListQueries, Listing } from '../common/listing.js';
import { ReadFreshness } from '../common/reads.js';
import { EVENT_STORE } from '../tokens.js';
import { AmendPlanDto, DraftPlanDto, EndorsePlanDto, PlanDto, PlanVersionDto, toActivityChangeInput, toActivityInput } from './dto.js';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
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
  async draft(@Body() dto: DraftPlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: planStream(id) }, (ctx) =>
      draftPlan(this.store, ctx, {
        planId: id,
        programmeId: dto.programmeId,
        municipalityId: dto.municipalityId,
        title: dto.title,
        period: { from: dto.period.from, to: dto.period.to },
        priorities: dto.priorities,
        activities: dto.activities.map((a, i) => toActivityInput(a, `activities[${i}]`)),
      }),
    );
  }

  @Post(':id/endorse')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async endorse(@Param('id') id: string, @Body() dto: EndorsePlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: planStream(id) }, (ctx) =>
      endorsePlan(this.store, ctx, { planId: id, endorsedBy: dto.endorsedBy, decisionRef: dto.decisionRef, endorsedOn: dto.endorsedOn }),
    );
  }

  @Post(':id/amendments')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async amend(@Param('id') id: string, @Body() dto: AmendPlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: planStream(id), reason: dto.reason }, (ctx) =>
      amendPlan(this.store, ctx, {
        planId: id,
        reason: dto.reason,
        decisionRef: dto.decisionRef ?? null,
        addPriorities: dto.addPriorities,
        removePriorities: dto.removePriorities,
        addActivities: dto.addActivities?.map((a, i) => toActivityInput(a, `addActivities[${i}]`)),
        removeActivities: dto.removeActivities,
        changeActivities: dto.changeActivities?.map((c, i) => toActivityChangeInput(c, `changeActivities[${i}]`)),
      }),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: PlanDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('plans', minPosition, reply);
    const row = await this.dataSource.getRepository(PlanRow).findOneBy({ id });
    return entityOr404(row, 'plan', id, reply);
  }

  @Get(':id/history')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: [PlanVersionDto], description: 'every version of the plan, oldest first, with the plan as it stood after it' })
  async history(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('plans', minPosition, reply);
    const plan = entityOr404(await this.dataSource.getRepository(PlanRow).findOneBy({ id }), 'plan', id, reply);
    const versions = await this.dataSource.getRepository(PlanHistoryRow).find({ where: { planId: plan.id }, order: { version: 'ASC' } });
    return planVersions(versions).map(({ planId: _planId, ...version }) => version);
  }

  @Get()
  @ApiListQueries('programmeId', 'municipalityId', 'status')
  async list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.listing.page(reply, query, { projection: 'plans', entity: PlanRow, filters: ['programmeId', 'municipalityId', 'status'], order: { draftedAt: 'ASC', id: 'ASC' } });
  }
}
