import { assertBusinessDate, assertDateOrder } from '../shared/dates.js';
import type { Decider } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/errors.js';
import { assertText } from '../shared/text.js';
import type { PlanCommand } from './commands.js';
import type { PlanChanges, PlanEvent, PlanShape } from './events.js';
import { applyAmendment, assertValidPlanShape, toActivityChange, toPlanActivity } from './plan-shape.js';

export type PlanStatus = 'draft' | 'endorsed';

export interface DraftedPlan {
  exists: true;
  planId: string;
  programmeId: string;
  municipalityId: string;
  status: PlanStatus;
  endorsedOn: string | null;
  /** Amendments recorded so far; the next one is number amendments + 1. */
  amendments: number;
  plan: PlanShape;
}

export type PlanState = { exists: false } | DraftedPlan;

export function requirePlan(state: PlanState, planId: string): DraftedPlan {
  if (!state.exists) throw new NotFound('plan', planId);
  return state;
}

/**
 * Infrastructure support and grants go only where the local authority has endorsed a plan: this tells
 * whether this plan is such a plan for the given programme and municipality.
 */
export function isEndorsedPlanOf(state: PlanState, programmeId: string, municipalityId: string): boolean {
  return state.exists && state.status === 'endorsed' && state.programmeId === programmeId && state.municipalityId === municipalityId;
}

export const planDecider: Decider<PlanCommand, PlanState, PlanEvent> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'PlanDrafted': {
        const { planId, programmeId, municipalityId, title, period, priorities, activities } = event.data;
        return {
          exists: true,
          planId,
          programmeId,
          municipalityId,
          status: 'draft',
          endorsedOn: null,
          amendments: 0,
          plan: { title, period, priorities, activities },
        };
      }
      case 'PlanEndorsed':
        if (!state.exists) return state;
        return { ...state, status: 'endorsed', endorsedOn: event.data.endorsedOn };
      case 'PlanAmended':
        if (!state.exists) return state;
        return { ...state, amendments: event.data.amendmentNo, plan: applyAmendment(state.plan, event.data.changes) };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'DraftPlan': {
        if (state.exists) throw new AlreadyExists('plan', command.planId);
        assertText(command.title, 'title');
        assertBusinessDate(command.period.from, 'period.from');
        assertBusinessDate(command.period.to, 'period.to');
        assertDateOrder(command.period.from, command.period.to, 'period.to');
        const plan: PlanShape = {
          title: command.title,
          period: { from: command.period.from, to: command.period.to },
          priorities: [...command.priorities],
          activities: command.activities.map((a, i) => toPlanActivity(a, `activities[${i}]`)),
        };
        assertValidPlanShape(plan);
        return [
          {
            type: 'PlanDrafted',
            data: { planId: command.planId, programmeId: command.programmeId, municipalityId: command.municipalityId, ...plan },
          },
        ];
      }

      case 'EndorsePlan': {
        const plan = requirePlan(state, command.planId);
        assertText(command.endorsedBy, 'endorsedBy');
        assertText(command.decisionRef, 'decisionRef');
        assertBusinessDate(command.endorsedOn, 'endorsedOn');
        if (plan.status === 'endorsed') {
          throw new RuleViolation('invalid-state', `plan '${plan.planId}' was already endorsed on ${plan.endorsedOn}`);
        }
        return [
          {
            type: 'PlanEndorsed',
            data: { planId: plan.planId, endorsedBy: command.endorsedBy, decisionRef: command.decisionRef, endorsedOn: command.endorsedOn },
            // The council's decision date, which may lie before the day it was recorded.
            effectiveOn: command.endorsedOn,
          },
        ];
      }

      case 'AmendPlan': {
        const plan = requirePlan(state, command.planId);
        assertText(command.reason, 'reason');
        const decisionRef = command.decisionRef ?? null;
        if (decisionRef !== null) assertText(decisionRef, 'decisionRef');
        // Once the council adopted the plan, only another council decision may change it.
        if (plan.status === 'endorsed' && decisionRef === null) {
          throw new RuleViolation('decision-ref-required', 'an endorsed plan is amended only by a recorded council decision');
        }
        const changes: PlanChanges = {
          addPriorities: [...(command.addPriorities ?? [])],
          removePriorities: [...(command.removePriorities ?? [])],
          addActivities: (command.addActivities ?? []).map((a, i) => toPlanActivity(a, `addActivities[${i}]`)),
          removeActivities: [...(command.removeActivities ?? [])],
          changeActivities: (command.changeActivities ?? []).map((c, i) => toActivityChange(c, `changeActivities[${i}]`)),
        };
        changes.addPriorities.forEach((p, i) => assertText(p, `addPriorities[${i}]`));
        // Refuses amendments that make no sense; the resulting plan itself is not stored, history replays it.
        applyAmendment(plan.plan, changes);
        return [
          {
            type: 'PlanAmended',
            data: { planId: plan.planId, amendmentNo: plan.amendments + 1, reason: command.reason, decisionRef, changes },
          },
        ];
      }
    }
  },
};
