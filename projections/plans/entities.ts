import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PlanActivity, PlanChanges, PlanShape } from '../../src/domain/plan/events.js';

@Entity('plans')
@Index(['programmeId', 'municipalityId'])
export class PlanRow {
  @PrimaryColumn('text')
  id: string;

  @Column('integer')
  version: number;

  /** draft, then endorsed once the council adopted it. */
  @Column('text')
  status: string;

  @Column('text')
  programmeId: string;

  @Column('text')
  municipalityId: string;

  @Column('text')
  title: string;

  @Column('json')
  period: { from: string; to: string };

  @Column('json')
  priorities: string[];

  @Column('json')
  activities: PlanActivity[];

  @Column('json', { nullable: true })
  endorsement: { endorsedBy: string; decisionRef: string; endorsedOn: string } | null;

  /** Amendments recorded so far. */
  @Column('integer')
  amendments: number;

  @Column('timestamptz')
  draftedAt: string;
}

/** One row per version of a plan: what happened, who did it, and what it changed. */
@Entity('plan_history')
export class PlanHistoryRow {
  @PrimaryColumn('text')
  planId: string;

  @PrimaryColumn('integer')
  version: number;

  /** The event that made this version: PlanDrafted, PlanEndorsed or PlanAmended. */
  @Column('text')
  type: string;

  /** 0 for the drafted plan; the amendment's number from then on (an endorsement keeps the last one). */
  @Column('integer')
  amendmentNo: number;

  @Column('timestamptz')
  recordedAt: string;

  @Column('json')
  actor: { id: string; roles: string[] };

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { nullable: true })
  decisionRef: string | null;

  @Column('json', { nullable: true })
  changes: PlanChanges | null;

  /**
   * The plan as drafted, on version 1 only (null on later versions). The plan after a later version is the
   * drafted one with the amendments' `changes` applied in order (applyAmendment, as the projection does):
   * a plan amended twice would otherwise be stored four times over.
   */
  @Column('json', { nullable: true })
  plan: PlanShape | null;
}
