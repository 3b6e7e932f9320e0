import type { Money } from '../shared/money.js';
import type { FundingSource } from './events.js';

/** An activity as a command states it; the budget is the council's figure, in any currency. */
export interface PlanActivityInput {
  id: string;
  title: string;
  priority: string;
  budget?: Money | null;
  fundingSource: FundingSource;
}

/** A change to one activity: absent fields stay as they were; `budget: null` removes the budget. */
export interface ActivityChangeInput {
  id: string;
  title?: string;
  priority?: string;
  budget?: Money | null;
  fundingSource?: FundingSource;
}

export interface DraftPlan {
  type: 'DraftPlan';
  planId: string;
  programmeId: string;
  municipalityId: string;
  title: string;
  period: { from: string; to: string };
  priorities: string[];
  activities: PlanActivityInput[];
}

/** The local council (kenesh) adopted the plan. */
export interface EndorsePlan {
  type: 'EndorsePlan';
  planId: string;
  endorsedBy: string;
  decisionRef: string;
  endorsedOn: string;
}

export interface AmendPlan {
  type: 'AmendPlan';
  planId: string;
  reason: string;
  /** The council's decision; required once the plan is endorsed. */
  decisionRef?: string | null;
  addPriorities?: string[];
  removePriorities?: string[];
  addActivities?: PlanActivityInput[];
  removeActivities?: string[];
  changeActivities?: ActivityChangeInput[];
}

export type PlanCommand = DraftPlan | EndorsePlan | AmendPlan;
