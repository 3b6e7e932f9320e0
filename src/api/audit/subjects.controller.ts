import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PersonalData, SUBJECT_ID } from '../../audit/personal-data.js';
import type { EventStore } from '../../eventstore/port.js';
import { erasePersonalData, subjectStream } from '../../write/subjects.js';
import { CommandAnswerDto } from '../common/answers.js';
import { Roles } from '../common/auth.js';
import { CommandExecutor } from '../common/commands.js';
import { problem, ProblemError } from '../common/problem.js';
import { EVENT_STORE } from '../tokens.js';
import { EraseSubjectDto } from './dto.js';

/** Erasure of a person's personal data (crypto-shredding): the chain and every proof keep verifying. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('admin/subjects')
export class SubjectsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly personalData: PersonalData,
  ) {}

  @Post(':id/erase')
  @Roles('admin')
  @ApiOperation({
    summary: "Erase a person's personal data: destroys their key and records PersonalDataErased on stream subject-<id>",
    description:
      'Subject ids: a commission member\'s id, `contact-<applicationId>` for an application\'s contact person. Afterwards their data reads "[erased]" ' +
      'everywhere (entities, read models); events, hashes, checkpoints and proofs are untouched and still verify. 404 when the ledger holds no data of theirs, ' +
      '422 `already-erased`.',
  })
  @ApiParam({ name: 'id', description: 'the data subject id' })
  @ApiOkResponse({ type: CommandAnswerDto })
  async erase(@Param('id') id: string, @Body() dto: EraseSubjectDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!SUBJECT_ID.test(id)) {
      throw new ProblemError(problem(400, 'the subject id must be 1 to 256 characters without control characters', { errors: [{ field: 'id', message: 'invalid subject id' }] }));
    }
    return this.commands.execute({ request, reply, status: 200, entityStreamId: subjectStream(id), reason: dto?.reason ?? null }, (ctx) =>
      erasePersonalData(this.store, this.personalData, ctx, { subjectId: id }),
    );
  }
}
