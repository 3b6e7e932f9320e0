import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PersonalData } from '../../audit/personal-data.js';
import { ApplicationRow, GrantCallRow } from '../../../projections/grants/entities.js';
import { NotFound } from '../../domain/shared/errors.js';
import { fromJson } from '../../domain/shared/money.js';
import type { EventStore } from '../../eventstore/port.js';
import { uuidv7 } from '../../eventstore/uuid.js';
import { applicationStream, submitApplication } from '../../write/applications.js';
import { closeGrantCall, grantCallStream, openGrantCall } from '../../write/grant-calls.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { entityOr404, intParam } from '../common/reading.js';
import { ReadFreshness } from '../common/reads.js';
import { rateOf } from '../programmes/dto.js';
import { EVENT_STORE } from '../tokens.js';
import { ApplicationListDto } from '../applications/dto.js';
import { CloseGrantCallDto, GrantCallDto, OpenGrantCallDto, SubmitApplicationDto } from './dto.js';

@ApiTags('grants')
@ApiBearerAuth()
@Controller('grant-calls')
export class GrantCallsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
    private readonly personalData: PersonalData,
  ) {}

  @Post()
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async open(@Body() dto: OpenGrantCallDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: grantCallStream(id) }, (ctx) =>
      openGrantCall(this.store, ctx, {
        grantCallId: id,
        programmeId: dto.programmeId,
        commissionId: dto.commissionId,
        title: dto.title,
        envelope: fromJson(dto.envelope, 'envelope.amount'),
        exchangeRate: rateOf(dto.exchangeRate) ?? undefined,
        minCoFundingRatio: dto.minCoFundingRatio,
        closesOn: dto.closesOn,
      }),
    );
  }

  @Post(':id/close')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async close(@Param('id') id: string, @Body() dto: CloseGrantCallDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.execute({ request, reply, status: 200, entityStreamId: grantCallStream(id), reason: dto.reason }, (ctx) =>
      closeGrantCall(this.store, ctx, { grantCallId: id, ...(dto.closedOn ? { closedOn: dto.closedOn } : {}) }),
    );
  }

  @Post(':id/applications')
  @Roles('programme-officer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandAnswerDto, description: 'the id and version of the new application' })
  async submit(@Param('id') grantCallId: string, @Body() dto: SubmitApplicationDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = dto.id ?? uuidv7();
    return this.commands.execute({ request, reply, status: 201, entityStreamId: applicationStream(id) }, (ctx) =>
      submitApplication(this.store, ctx, {
        applicationId: id,
        grantCallId,
        applicant: { name: dto.applicant.name, type: dto.applicant.type },
        ...(dto.contactPerson ? { contactPerson: { name: dto.contactPerson.name, email: dto.contactPerson.email ?? null, phone: dto.contactPerson.phone ?? null } } : {}),
        municipalityId: dto.municipalityId,
        planId: dto.planId,
        ...(dto.activityId !== undefined ? { activityId: dto.activityId } : {}),
        title: dto.title,
        priority: dto.priority,
        requested: fromJson(dto.requested, 'requested.amount'),
        coFundingPledged: fromJson(dto.coFundingPledged, 'coFundingPledged.amount'),
        exchangeRate: rateOf(dto.exchangeRate) ?? undefined,
        ...(dto.submittedOn !== undefined ? { submittedOn: dto.submittedOn } : {}),
      }, this.personalData),
    );
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' })
  @ApiOkResponse({ type: GrantCallDto })
  async get(@Param('id') id: string, @Query('minPosition') minPosition: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.freshness.ensure('grants', minPosition, reply);
    const row = await this.dataSource.getRepository(GrantCallRow).findOneBy({ id });
    return entityOr404(row, 'grant call', id, reply);
  }

  @Get(':id/applications')
  @ApiQuery({ name: 'status', required: false, enum: ['submitted', 'approved', 'rejected', 'revoked'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ type: ApplicationListDto })
  async applications(
    @Param('id') id: string,
    @Query('status') status: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const take = intParam(limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const skip = intParam(offset, 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    await this.freshness.ensure('grants', minPosition, reply);
    if (!(await this.dataSource.getRepository(GrantCallRow).existsBy({ id }))) throw new NotFound('grant call', id);
    const [items, total] = await this.dataSource.getRepository(ApplicationRow).findAndCount({
      where: { grantCallId: id, ...(typeof status === 'string' && status !== '' ? { status } : {}) },
      order: { submittedAt: 'ASC', id: 'ASC' },
      take,
      skip,
    });
    return { items: await this.personalData.reveal(items), total };
  }
}
