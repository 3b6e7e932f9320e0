import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, Logger, type ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../../domain/shared/errors.js';
import { WrongExpectedVersion } from '../../eventstore/port.js';
import { VersionMismatch } from '../../write/errors.js';
import { LedgerValidationPipe } from './validation.js';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  rule?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  const type = extra.rule ? `https://aid-ledger.org/problems/${extra.rule}` : 'about:blank';
  return { type, title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** An error that already carries its problem document. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export function sendProblem(reply: FastifyReply, p: Problem): void {
  void reply.status(p.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/** Maps every error to problem+json, once, at the edge. Anything unexpected is a 500 and is logged. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof RuleViolation) return problem(422, error.message, { rule: error.rule });
  if (error instanceof InvalidValue) return problem(400, error.message, { errors: [{ field: error.field, message: error.message }] });
  if (error instanceof NotFound) return problem(404, error.message);
  if (error instanceof AlreadyExists) return problem(409, error.message);
  if (error instanceof VersionMismatch) return problem(409, error.message, { currentVersion: error.actual });
  if (error instanceof WrongExpectedVersion) return problem(409, 'the entity was changed by another request; retry with its current state');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse() as any;
    if (response && typeof response === 'object' && response.problem) return response.problem as Problem;
    const message = typeof response === 'string' ? response : Array.isArray(response?.message) ? response.message.join('; ') : (response?.message ?? error.message);
    return problem(status, String(message));
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const detail = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `malformed JSON body: ${fastifyError.message}` : (fastifyError.message ?? 'bad request');
    return problem(fastifyError.statusCode, detail);
  }
  return problem(500, 'an unexpected error occurred; it has been logged');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const p = toProblem(error);
    if (p.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    sendProblem(reply, p);
  }
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Rejects unknown fields, wrong types and missing fields with 400 and the list of what is wrong. */
export function validationPipe(): ValidationPipe {
  return new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const list = flatten(errors).map((e) => (e.message.startsWith('property ') && e.message.endsWith('should not exist') ? { ...e, message: `unknown field '${e.field}'` } : e));
      return new BadRequestException({ problem: problem(400, list.map((e) => `${e.field}: ${e.message}`).join('; ') || 'the body is not valid', { errors: list }) });
    },
  });
}
