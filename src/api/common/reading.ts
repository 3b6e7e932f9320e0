import type { FastifyReply } from 'fastify';
import { problem, ProblemError } from './problem.js';

/** Answers one entity from a read model: 404 when absent, ETag = its stream version. */
export function entityOr404<T extends { version: number }>(row: T | null | undefined, entity: string, id: string, reply: FastifyReply): T {
  if (!row) throw new ProblemError(problem(404, `${entity} '${id}' was not found`));
  void reply.header('etag', `"${row.version}"`);
  return row;
}

export function intParam(value: unknown, field: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  if (value === undefined || value === '') return fallback;
  const text = String(value);
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min || n > max) {
    throw new ProblemError(problem(400, `${field} must be an integer from ${min} to ${max}`, { errors: [{ field, message: `integer from ${min} to ${max}` }] }));
  }
  return n;
}
