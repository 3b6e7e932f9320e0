import { applyDecorators, Injectable } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource, type EntityTarget, type FindOptionsOrder, type ObjectLiteral } from 'typeorm';
import { givenFilters } from '../filters.js';
import { intParam } from './reading.js';
import { ReadFreshness } from './reads.js';

/** OpenAPI for a list endpoint: its equality filters, then limit, offset and minPosition. */
export const ApiListQueries = (...filters: string[]) =>
  applyDecorators(
    ...filters.map((name) => ApiQuery({ name, required: false })),
    ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' }),
    ApiQuery({ name: 'offset', required: false }),
    ApiQuery({ name: 'minPosition', required: false, description: 'wait (bounded) until the read side has reached this position' }),
  );

export interface ListSpec<T extends ObjectLiteral> {
  projection: string;
  entity: EntityTarget<T>;
  /** Query parameters that filter by equality on the column of the same name. */
  filters: string[];
  order: FindOptionsOrder<T>;
}

/** One page of a read model: `{items, total}`, fresh up to `minPosition` when given. */
@Injectable()
export class Listing {
  constructor(
    private readonly freshness: ReadFreshness,
    private readonly dataSource: DataSource,
  ) {}

  async page<T extends ObjectLiteral>(reply: FastifyReply, query: Record<string, unknown>, spec: ListSpec<T>): Promise<{ items: T[]; total: number }> {
    const take = intParam(query.limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const skip = intParam(query.offset, 'offset', { min: 0, max: 1_000_000_000, fallback: 0 });
    await this.freshness.ensure(spec.projection, query.minPosition, reply);
    const where = givenFilters(Object.fromEntries(spec.filters.map((f) => [f, query[f]])));
    const [items, total] = await this.dataSource.getRepository(spec.entity).findAndCount({ where: where as any, order: spec.order, take, skip });
    return { items, total };
  }
}
