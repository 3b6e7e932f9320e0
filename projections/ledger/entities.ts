import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Tables of the ledger projection. Money is bigint minor units of the programme's reporting currency in
 * `numeric` columns (never float). '' stands for "none" in key columns (a posting with no municipality).
 */

/** What the ledger knows about an entity, to attribute later events (see Fact in postings.ts). */
@Entity('ledger_facts')
export class LedgerFactRow {
  @PrimaryColumn('text') key: string;
  @Column('json') data: unknown;
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

/**
 * One leg of a balanced transfer, stamped with its event's position and recorded time. Every report reads
 * one programme's postings (all, up to a moment, or in position order to explain a figure), so the key
 * leads with the programme and is the only index: a programme's postings are few enough to filter by time
 * (its ids are compared byte by byte, collation "C": cheaper to sort and search, never shown in an order).
 */
@Entity('ledger_postings')
export class LedgerPostingRow {
  @PrimaryColumn('text', { collation: 'C' }) programmeId: string;
  @PrimaryColumn('bigint') position: string;
  @PrimaryColumn('integer') leg: number;
  @Column('text') eventType: string;
  @Column('timestamptz') recordedAt: Date;
  @Column('text') book: string;
  @Column('text') kind: string;
  @Column('text') account: string;
  @Column('text') counterAccount: string;
  @Column('text') municipalityId: string;
  @Column('numeric') amount: string;
}

/** One delta of an impact figure, stamped with its event's position and recorded time; keyed as postings are. */
@Entity('impact_entries')
export class ImpactEntryRow {
  @PrimaryColumn('text', { collation: 'C' }) programmeId: string;
  @PrimaryColumn('bigint') position: string;
  @PrimaryColumn('integer') seq: number;
  @Column('text') eventType: string;
  @Column('timestamptz') recordedAt: Date;
  @Column('text') field: string;
  @Column('numeric') delta: string;
  @Column('text') municipalityId: string;
  @Column('text') oblast: string;
  @Column('text') priority: string;
  @Column('text') entityId: string;
}
