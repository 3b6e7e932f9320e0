import type { DomainEvent } from '../shared/decider.js';
import type { MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export const FUNDING_SOURCES = ['local-budget', 'programme', 'other'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export interface PlanActivity {
  id: string;
  title: string;
  /** One of the plan's priorities. */
  priority: string;
  budget: MoneyJson | null;
  fundingSource: FundingSource;
}

/** The content of a plan: what a reader of any version sees (see applyAmendment in plan-shape.ts). */
export interface PlanShape {
  title: string;
  period: { from: string; to: string };
  priorities: string[];
  activities: PlanActivity[];
}

export interface ActivityChange {
  id: string;
  title?: string;
  priority?: string;
  budget?: MoneyJson | null;
  fundingSource?: FundingSource;
}

/** What an amendment changes; every list is present (possibly empty) in recorded events. */
export interface PlanChanges {
  addPriorities: string[];
  removePriorities: string[];
  addActivities: PlanActivity[];
  removeActivities: string[];
  changeActivities: ActivityChange[];
}

export type PlanDrafted = DomainEvent<
  'PlanDrafted',
  { planId: string; programmeId: string; municipalityId: string } & PlanShape
>;

export type PlanEndorsed = DomainEvent<
  'PlanEndorsed',
  { planId: string; endorsedBy: string; decisionRef: string; endorsedOn: string }
>;

export type PlanAmended = DomainEvent<
  'PlanAmended',
  {
    planId: string;
    /** 1 for the first amendment, 2 for the next... */
    amendmentNo: number;
    reason: string;
    decisionRef: string | null;
    changes: PlanChanges;
  }
>;

export type PlanEvent = PlanDrafted | PlanEndorsed | PlanAmended;

export const planEventSchemas: EventSchemas = {
  PlanDrafted: { version: 1 },
  PlanEndorsed: { version: 1 },
  PlanAmended: { version: 1 },
};
