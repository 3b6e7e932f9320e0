import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProjectionRunner, THE_LOG } from '../../../projections/runner/runner.js';
import { AppSettings } from '../tokens.js';
import { problem, ProblemError } from './problem.js';

/** What a read reads, in a problem's words. */
export const readSubject = (projection: string) => (projection === THE_LOG ? 'the log as read so far' : `the ${projection} read model`);

/**
 * Freshness of reads. Every read answer carries `Ledger-Position`: the global position its read model
 * reflects. A client that passes `minPosition=P` (the Ledger-Position of its own command) waits, bounded,
 * until the read model has reached P, and so reads its own writes. Reads of the log itself (the audit trail)
 * pass THE_LOG for a projection: they reach as far as the runner's frontier.
 */
@Injectable()
export class ReadFreshness {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly settings: AppSettings,
  ) {}

  async ensure(projection: string, minPosition: unknown, reply: FastifyReply): Promise<number> {
    if (this.runner.isOutdated(projection)) {
      void reply.header('retry-after', '5');
      throw new ProblemError(problem(503, `the ${projection} read model is being rebuilt for this version of the service; retry shortly`));
    }
    if (minPosition !== undefined && minPosition !== '') {
      const text = String(minPosition);
      if (!/^\d{1,15}$/.test(text)) {
        throw new ProblemError(problem(400, 'minPosition must be a non-negative integer', { errors: [{ field: 'minPosition', message: 'not an integer' }] }));
      }
      const wanted = Number(text);
      if (wanted > this.runner.checkpoint(projection)) {
        const head = await this.runner.headPosition();
        if (wanted > head) {
          throw new ProblemError(problem(400, `minPosition ${wanted} is beyond the ledger's last position ${head}`, { errors: [{ field: 'minPosition', message: 'beyond the head of the ledger' }] }));
        }
      }
      if (!(await this.runner.waitFor(projection, wanted, this.settings.readWaitMs))) {
        void reply.header('retry-after', '1');
        throw new ProblemError(problem(503, `${readSubject(projection)} has not reached position ${wanted} yet (it is at ${this.runner.checkpoint(projection)}); retry shortly`));
      }
    }
    const position = this.runner.checkpoint(projection);
    void reply.header('ledger-position', String(position));
    return position;
  }
}
