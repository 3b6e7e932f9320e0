import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Tables of the ledger projection. Money is bigint minor units of the programme's reporting currency in
 * `numeric` columns (never float). '' stands for "none" in key columns (a posting with no municipality).
 */

/** What the ledger knows about an entity, to attribute later events (see Fact in postings.ts). */
@Entity('ledger_facts')
export class LedgerFactRow {
  @PrimaryColumn('text') key: string;
  @Column('jsonb') data: unknown;
}

/** One row per programme: its reporting currency and donor, and when the ledger learnt of it. */
@Entity('ledger_programmes')
export class LedgerProgrammeRow {
  @PrimaryColumn('text') id: string;
  @Column('text') currency: string;
  @Column('text') donorId: string;
  @Column('text') donorName: string;
  @Column('text') title: string;
  @Column('bigint') position: string;
  @Column('timestamptz') recordedAt: Date;
}

/** One leg of a balanced transfer, stamped with its event's position and recorded time. */
@Entity('ledger_postings')
@Index('ledger_postings_programme_time', ['programmeId', 'recordedAt'])
@Index('ledger_postings_programme_position', ['programmeId', 'position'])
export class LedgerPostingRow {
  @PrimaryColumn('bigint') position: string;
  @PrimaryColumn('integer') leg: number;
  @Column('text') eventType: string;
  @Column('timestamptz') recordedAt: Date;
  @Column('text') programmeId: string;
  @Column('text') book: string;
  @Column('text') kind: string;
  @Column('text') account: string;
  @Column('text') counterAccount: string;
  @Column('text') municipalityId: string;
  @Column('numeric') amount: string;
}

/** One delta of an impact figure, stamped with its event's position and recorded time. */
@Entity('impact_entries')
@Index('impact_entries_programme_time', ['programmeId', 'recordedAt'])
@Index('impact_entries_programme_field', ['programmeId', 'field', 'position'])
export class ImpactEntryRow {
  @PrimaryColumn('bigint') position: string;
  @PrimaryColumn('integer') seq: number;
  @Column('text') eventType: string;
  @Column('timestamptz') recordedAt: Date;
  @Column('text') programmeId: string;
  @Column('text') field: string;
  @Column('numeric') delta: string;
  @Column('text') municipalityId: string;
  @Column('text') oblast: string;
  @Column('text') priority: string;
  @Column('text') entityId: string;
}
