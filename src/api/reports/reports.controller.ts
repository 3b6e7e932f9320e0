import { ChainStore } from '../../audit/chain-store.js';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ProjectionRunner, THE_LOG } from '../../../projections/runner/runner.js';
import { ReadFreshness } from '../common/reads.js';
import { AppSettings } from '../tokens.js';
import { IMPACT_FIELDS } from '../../../projections/ledger/postings.js';
import { sendCsv, toCsv, wantsCsv } from './csv.js';
import { asOfParam, limitParam, oneOf, optionalText, positionParam, requiredText } from './params.js';
import { FUND_FLOW_FIELDS, GROUP_BY, ReportsService } from './reports.service.js';
import { TraceService } from './trace.service.js';

const AS_OF = { name: 'asOf', required: false, description: 'ISO 8601 timestamp: answer as the ledger knew things then (events recorded up to that moment). A date alone means the end of that day, UTC.' };
const MIN_POSITION = { name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' };
const PROGRAMME = { name: 'programmeId', required: true };

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  private readonly reports: ReportsService;
  private readonly traces: TraceService;

  // The services are built here from the core providers, so registering the controller is all the wiring.
  constructor(dataSource: DataSource, runner: ProjectionRunner, freshness: ReadFreshness, settings: AppSettings, chain: ChainStore) {
    this.reports = new ReportsService(dataSource, runner, freshness, settings, chain);
    this.traces = new TraceService(dataSource, this.reports);
  }

  @Get('impact')
  @ApiOperation({ summary: 'Impact rollup of a programme, in total and by oblast, municipality or priority (rows add up to the totals); Accept: text/csv gives the rows as CSV' })
  @ApiQuery(PROGRAMME)
  @ApiQuery({ name: 'groupBy', required: false, enum: GROUP_BY, description: 'default none (one row, key "all")' })
  @ApiQuery(AS_OF)
  @ApiQuery(MIN_POSITION)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{programmeId, asOf, currency, totals, rows: [{key, ...fields}]}' })
  async impact(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const programmeId = requiredText(query.programmeId, 'programmeId');
    const groupBy = oneOf(query.groupBy, 'groupBy', GROUP_BY, 'none');
    const asOf = asOfParam(query.asOf);
    await this.reports.settle('ledger', query.minPosition, asOf, reply);
    const report = await this.reports.impact(programmeId, groupBy, asOf);
    if (!wantsCsv(request)) return report;
    const fields = IMPACT_FIELDS as readonly string[];
    return sendCsv(reply, `impact-${programmeId}-${groupBy}.csv`, toCsv(['key', ...fields], report.rows.map((row: any) => [row.key, ...fields.map((f) => row[f])])));
  }

  @Get('impact/explain')
  @ApiOperation({ summary: 'The events behind one impact figure (a field of the totals, or of the row with this key)' })
  @ApiQuery(PROGRAMME)
  @ApiQuery({ name: 'field', required: true, enum: IMPACT_FIELDS })
  @ApiQuery({ name: 'key', required: false, description: 'a row key (oblast, municipality id or priority); absent: the totals' })
  @ApiQuery({ name: 'groupBy', required: false, enum: GROUP_BY, description: 'the grouping the key belongs to; inferred from the key when absent' })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'fromPosition', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery(MIN_POSITION)
  async explainImpact(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const programmeId = requiredText(query.programmeId, 'programmeId');
    const field = oneOf(query.field, 'field', IMPACT_FIELDS);
    const key = optionalText(query.key, 'key');
    const groupBy = query.groupBy === undefined ? undefined : oneOf(query.groupBy, 'groupBy', GROUP_BY);
    const asOf = asOfParam(query.asOf);
    const fromPosition = positionParam(query.fromPosition, 'fromPosition', 1);
    const limit = limitParam(query.limit);
    await this.reports.settle('ledger', query.minPosition, asOf, reply);
    return this.reports.explainImpact({ programmeId, field, key, groupBy, asOf, fromPosition, limit });
  }

  @Get('fund-flow')
  @ApiOperation({ summary: 'Fund flow of a programme from its double-entry ledger: budget, received, committed, disbursed, co-funding, by municipality, and Sankey-ready flows' })
  @ApiQuery(PROGRAMME)
  @ApiQuery(AS_OF)
  @ApiQuery(MIN_POSITION)
  @ApiOkResponse({ description: '{currency, budget, received, committed, disbursed, coFundingReceived, available, byMunicipality, flows}' })
  async fundFlow(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const programmeId = requiredText(query.programmeId, 'programmeId');
    const asOf = asOfParam(query.asOf);
    await this.reports.settle('ledger', query.minPosition, asOf, reply);
    return this.reports.fundFlow(programmeId, asOf);
  }

  @Get('fund-flow/explain')
  @ApiOperation({ summary: 'The postings (and their events) behind one fund-flow figure' })
  @ApiQuery(PROGRAMME)
  @ApiQuery({ name: 'field', required: true, enum: FUND_FLOW_FIELDS })
  @ApiQuery({ name: 'key', required: false, description: "a municipality id (committed, disbursed, coFundingReceived), or '<from>><to>' for field=flows" })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'fromPosition', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery(MIN_POSITION)
  async explainFundFlow(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const programmeId = requiredText(query.programmeId, 'programmeId');
    const field = oneOf(query.field, 'field', FUND_FLOW_FIELDS);
    const key = optionalText(query.key, 'key', 300);
    const asOf = asOfParam(query.asOf);
    const fromPosition = positionParam(query.fromPosition, 'fromPosition', 1);
    const limit = limitParam(query.limit);
    await this.reports.settle('ledger', query.minPosition, asOf, reply);
    return this.reports.explainFundFlow({ programmeId, field, key, asOf, fromPosition, limit });
  }

  @Get('trace/disbursements/:id')
  @ApiOperation({ summary: 'The chain behind one payment: donor, programme, call, commission decision, grant or facility, plan activity, co-funding; each link with the events (position, type, hash) that prove it' })
  @ApiParam({ name: 'id' })
  @ApiQuery(AS_OF)
  @ApiQuery(MIN_POSITION)
  async trace(@Param('id') id: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const asOf = asOfParam(query.asOf);
    await this.reports.settle(THE_LOG, query.minPosition, asOf, reply);
    return this.traces.disbursement(id, asOf);
  }
}
