import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { AuditInputError, AuditService } from '../../audit/audit-service.js';
import { Roles } from '../common/auth.js';
import { problem, ProblemError } from '../common/problem.js';
import { intParam } from '../common/reading.js';
import { CheckpointDto, CheckpointListDto, ConsistencyProofDto, InclusionProofDto, PublicKeyDto, VerificationDto } from './dto.js';

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** Tamper evidence: verification, signed checkpoints, RFC 9162 proofs and the offline bundle. Every role may read. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute every event hash from the events table and compare it with the hash chain',
    description:
      'Chains what is committed, then recomputes the hash of every chained event (RFC 8785 canonical JSON, SHA-256, chained in position order) ' +
      'and compares it with the stored chain. On tampering (an event altered, removed or inserted) `valid` is false and `firstInvalidPosition` ' +
      'names the first broken position. `full=true` also checks every signed checkpoint (signature, Merkle root and head against the stored chain), ' +
      'which catches a rewrite of the events together with their stored hashes.',
  })
  @ApiQuery({ name: 'full', required: false, enum: ['true', 'false'], description: 'also check every signed checkpoint (default false)' })
  @ApiOkResponse({ type: VerificationDto })
  async verify(@Query('full') full: string | undefined) {
    return this.audit.verify(boolParam(full, 'full'));
  }

  @Get('public-key')
  @ApiOperation({ summary: 'The Ed25519 public key that signs checkpoints (PEM, raw base64 and C2SP note verifier key)' })
  @ApiOkResponse({ type: PublicKeyDto })
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Published signed checkpoints, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'only checkpoints with a smaller id (the previous page\'s nextBefore)' })
  @ApiOkResponse({ type: CheckpointListDto })
  async checkpoints(@Query('limit') limit: string | undefined, @Query('before') before: string | undefined) {
    const take = intParam(limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const beforeId = before === undefined || before === '' ? undefined : intParam(before, 'before', { min: 1, max: MAX_SIZE, fallback: 0 });
    const items = await this.audit.listCheckpoints(take, beforeId);
    return { items, nextBefore: items.length === take ? items[items.length - 1].id : null };
  }

  @Post('checkpoints')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Publish a signed checkpoint of the chain now (the sequencer also publishes periodically)' })
  @ApiCreatedResponse({ type: CheckpointDto })
  async publish() {
    return this.audit.publishCheckpoint();
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    summary: 'RFC 9162 inclusion proof of the event at a position',
    description: 'Against the tree of `treeSize` leaves; by default the latest signed checkpoint that covers the event, else the whole chain.',
  })
  @ApiQuery({ name: 'position', required: true, description: 'the event\'s global position' })
  @ApiQuery({ name: 'treeSize', required: false, description: 'size of the tree to prove inclusion in (e.g. a checkpoint\'s treeSize)' })
  @ApiOkResponse({ type: InclusionProofDto })
  async inclusion(@Query('position') position: string | undefined, @Query('treeSize') treeSize: string | undefined) {
    const at = requiredInt(position, 'position', 1);
    const size = treeSize === undefined || treeSize === '' ? undefined : intParam(treeSize, 'treeSize', { min: 1, max: MAX_SIZE, fallback: 0 });
    return asProblem(() => this.audit.inclusionProof(at, size));
  }

  @Get('proofs/consistency')
  @ApiOperation({
    summary: 'RFC 9162 consistency proof between two tree sizes (e.g. two checkpoints)',
    description: 'Shows that the tree of `to` leaves extends the tree of `from` leaves: nothing signed earlier was rewritten. `to` defaults to the latest checkpoint.',
  })
  @ApiQuery({ name: 'from', required: true, description: 'the older tree size (>= 1)' })
  @ApiQuery({ name: 'to', required: false, description: 'the newer tree size (default: the latest checkpoint\'s)' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  async consistency(@Query('from') from: string | undefined, @Query('to') to: string | undefined) {
    const m = requiredInt(from, 'from', 1);
    const n = to === undefined || to === '' ? undefined : intParam(to, 'to', { min: 1, max: MAX_SIZE, fallback: 0 });
    return asProblem(() => this.audit.consistencyProof(m, n));
  }

  @Get('export')
  @ApiOperation({
    summary: 'The offline audit bundle: NDJSON of every event with its chain hash, then the signed checkpoint as the last line',
    description: 'Check it offline with `npm run verify -- --public-key key.pem bundle.ndjson` (bin aid-ledger-verify); the key from GET /audit/public-key.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one JSON object a line: {"kind":"event",...} lines, then one {"kind":"checkpoint",...}' })
  async export(@Res() reply: FastifyReply) {
    const { checkpoint, lines } = await this.audit.exportBundle();
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="aid-ledger-${checkpoint.treeSize}.ndjson"`)
      .header('x-checkpoint-tree-size', String(checkpoint.treeSize))
      .send(Readable.from(lines));
  }
}

function boolParam(value: string | undefined, field: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new ProblemError(problem(400, `${field} must be true or false`, { errors: [{ field, message: 'true or false' }] }));
}

function requiredInt(value: string | undefined, field: string, min: number): number {
  if (value === undefined || value === '') {
    throw new ProblemError(problem(400, `${field} is required`, { errors: [{ field, message: 'required' }] }));
  }
  return intParam(value, field, { min, max: MAX_SIZE, fallback: 0 });
}

async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuditInputError) {
      throw new ProblemError(problem(error.status, error.message, error.status === 400 ? { errors: [{ field: error.field, message: error.message }] } : {}));
    }
    throw error;
  }
}
