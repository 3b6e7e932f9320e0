import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('results')
@Index(['programmeId', 'kind'])
export class ResultRow {
  @PrimaryColumn('text')
  id: string;

  @Column('integer')
  version: number;

  /** recorded, or retracted (a retracted result stays on record but no longer counts). */
  @Column('text')
  status: string;

  @Column('text')
  programmeId: string;

  @Column('text')
  kind: string;

  @Column('text')
  date: string;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  municipalityId: string | null;

  @Column('text', { nullable: true })
  grantId: string | null;

  @Column('text', { nullable: true })
  priority: string | null;

  @Column('integer', { nullable: true })
  participants: number | null;

  @Column('integer', { nullable: true })
  directBeneficiaries: number | null;

  @Column('integer', { nullable: true })
  indirectBeneficiaries: number | null;

  @Column('text', { nullable: true })
  retractionReason: string | null;

  @Column('timestamptz')
  recordedAt: string;
}
