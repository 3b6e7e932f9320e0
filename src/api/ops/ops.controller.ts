import { Body, Controller, Get, HttpCode, Inject, Optional, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { ProjectionRunner } from '../../../projections/runner/runner.js';
import { Public, Roles } from '../common/auth.js';
import { problem, ProblemError } from '../common/problem.js';
import { Metrics } from './metrics.js';
import { ChainSequencer } from '../../audit/chain-sequencer.js';

export class RebuildDto {
  @ApiPropertyOptional({ description: 'one projection; all when absent', example: 'municipalities' })
  @IsOptional()
  @IsString()
  name?: string;
}

class ProjectionInfoDto {
  @ApiProperty() name: string;
  @ApiProperty() checkpoint: number;
  @ApiProperty() headPosition: number;
  @ApiProperty() lag: number;
  @ApiProperty({ enum: ['running', 'rebuilding', 'failed', 'stopped'] }) status: string;
  @ApiProperty() generation: number;
}

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
    @Optional() private readonly chain?: ChainSequencer,
  ) {}

  /** The projections, and the hash chain's sequencer with the same fields (it trails the log the same way). */
  private async status() {
    const projections = await this.runner.status();
    return this.chain ? [...projections, await this.chain.status()] : projections;
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: '200 when the database answers, 503 when it does not' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await this.dataSource.query('select 1');
      return { status: 'ok', database: 'up' };
    } catch (error) {
      void reply.status(503);
      return { status: 'unavailable', database: 'down', detail: (error as Error).message };
    }
  }

  @Get('metrics')
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  async metricsText(@Res() reply: FastifyReply) {
    for (const p of await this.status().catch(() => [])) {
      this.metrics.projectionLag.set({ projection: p.name }, p.lag);
      this.metrics.projectionCheckpoint.set({ projection: p.name }, p.checkpoint);
      this.metrics.headPosition.set(p.headPosition);
    }
    void reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }

  @Get('admin/projections')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [ProjectionInfoDto] })
  @ApiOperation({ summary: 'Every projection with its checkpoint, the log head, lag and status' })
  async projections() {
    return this.status();
  }

  @Post('admin/projections/rebuild')
  @Roles('admin')
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Rebuild one projection (or all) into fresh tables; reads keep using the old ones until the switch' })
  async rebuild(@Body() body: RebuildDto) {
    const names = body?.name ? [body.name] : this.runner.names;
    if (body?.name && !this.runner.names.includes(body.name)) {
      throw new ProblemError(problem(404, `unknown projection '${body.name}'; known: ${this.runner.names.join(', ')}`));
    }
    return { rebuilds: await this.runner.rebuild(names) };
  }

  @Get('admin/projections/:name/rebuilds/latest')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The latest rebuild of a projection with its diff report (what the rebuild changed)' })
  async latestRebuild(@Param('name') name: string) {
    if (!this.runner.names.includes(name)) throw new ProblemError(problem(404, `unknown projection '${name}'`));
    const report = await this.runner.latestRebuild(name);
    if (!report) throw new ProblemError(problem(404, `projection '${name}' has not been rebuilt yet`));
    return report;
  }
}
