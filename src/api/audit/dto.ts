import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

const HEX = 'lowercase hex of 32 bytes (SHA-256)';

export class VerificationDto {
  @ApiProperty({ description: 'true when every chained event still hashes to its stored chain hash (and, with full=true, every signed checkpoint holds)' })
  valid: boolean;
  @ApiProperty({ description: 'events whose hash was recomputed and matched' })
  eventsChecked: number;
  @ApiProperty({ description: 'position of the last chained event (0: none)' })
  headPosition: number;
  @ApiProperty({ description: `chain hash of that event, ${HEX}` })
  headHash: string;
  @ApiPropertyOptional({ description: 'on tampering: the first position where the events and the chain part' })
  firstInvalidPosition?: number;
  @ApiPropertyOptional({ description: 'full=true: the checks included the signed checkpoints' })
  full?: boolean;
  @ApiPropertyOptional({ description: 'full=true: signed checkpoints checked (signature, root and head against the stored chain)' })
  checkpointsChecked?: number;
  @ApiPropertyOptional({ description: 'full=true: the first checkpoint that does not hold', example: { id: 3, treeSize: 120, reason: 'the stored chain no longer has the signed root' } })
  invalidCheckpoint?: { id: number; treeSize: number; reason: string };
}

export class SignedCheckpointDto {
  @ApiProperty({ description: 'number of events (Merkle leaves) covered' }) treeSize: number;
  @ApiProperty({ description: `RFC 9162 Merkle tree head over the first treeSize chain hashes, ${HEX}` }) rootHash: string;
  @ApiProperty({ description: 'position of the last covered event' }) headPosition: number;
  @ApiProperty({ description: `chain hash of the last covered event, ${HEX}` }) headHash: string;
  @ApiProperty({ description: 'ISO 8601 UTC' }) issuedAt: string;
  @ApiProperty({ description: 'C2SP signed-note key id of the signing key, 8 hex characters' }) keyId: string;
  @ApiProperty({ description: 'base64 Ed25519 signature over the checkpoint text (src/audit/checkpoint.ts)' }) signature: string;
}

export class CheckpointDto extends SignedCheckpointDto {
  @ApiProperty({ description: 'publication number, ascending' }) id: number;
  @ApiProperty({ description: 'the checkpoint as a C2SP signed note (verifiable with the noteVerifierKey of GET /audit/public-key)' }) signedNote: string;
}

export class CheckpointListDto {
  @ApiProperty({ type: [CheckpointDto], description: 'newest first' }) items: CheckpointDto[];
  @ApiProperty({ description: 'pass as `before` for the next (older) page; null after the last', nullable: true, type: Number }) nextBefore: number | null;
}

export class PublicKeyDto {
  @ApiProperty({ example: 'Ed25519' }) algorithm: string;
  @ApiProperty({ description: 'C2SP signed-note key id, 8 hex characters' }) keyId: string;
  @ApiProperty({ description: 'SubjectPublicKeyInfo PEM (what `npm run verify -- --public-key <file>` reads)' }) publicKeyPem: string;
  @ApiProperty({ description: 'the 32 raw key bytes, base64' }) publicKeyBase64: string;
  @ApiProperty({ description: 'C2SP signed-note verifier key: aid-ledger+<keyId>+<base64>' }) noteVerifierKey: string;
}

export class InclusionProofDto {
  @ApiProperty() position: number;
  @ApiProperty({ description: '0-based leaf index: the event\'s rank in the log (positions may have gaps)' }) leafIndex: number;
  @ApiProperty() treeSize: number;
  @ApiProperty({ description: `the event's chain hash, the Merkle leaf (leaf hash = SHA-256(0x00 || leaf)), ${HEX}` }) eventHash: string;
  @ApiProperty({ description: `Merkle root of the tree of treeSize leaves, ${HEX}` }) rootHash: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.3 inclusion path, leaf to root, hex' }) proof: string[];
  @ApiProperty({ type: SignedCheckpointDto, nullable: true, description: 'the signed checkpoint of this tree size, if one was published' }) checkpoint: SignedCheckpointDto | null;
}

export class ConsistencyProofDto {
  @ApiProperty() from: number;
  @ApiProperty() to: number;
  @ApiProperty({ description: 'Merkle root of the first `from` leaves, hex' }) fromRoot: string;
  @ApiProperty({ description: 'Merkle root of the first `to` leaves, hex' }) toRoot: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.4 consistency proof, hex' }) proof: string[];
  @ApiProperty({ type: SignedCheckpointDto, nullable: true }) fromCheckpoint: SignedCheckpointDto | null;
  @ApiProperty({ type: SignedCheckpointDto, nullable: true }) toCheckpoint: SignedCheckpointDto | null;
}

export class EraseSubjectDto {
  @ApiPropertyOptional({ description: 'why (recorded in the event metadata), e.g. the erasure request reference', example: 'erasure request 2026-11-23 by email' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
