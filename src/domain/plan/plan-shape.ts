import { InvalidValue, RuleViolation } from '../shared/errors.js';
import { toJson } from '../shared/money.js';
import { assertText } from '../shared/text.js';
import type { ActivityChangeInput, PlanActivityInput } from './commands.js';
import type { ActivityChange, PlanActivity, PlanChanges, PlanShape } from './events.js';
import { FUNDING_SOURCES } from './events.js';

/**
 * The plan's content and how amendments change it. Pure, and used by both the decider (to refuse an
 * amendment that makes no sense) and the history read model (to show the plan as it stood after each version),
 * so both always agree on what an amendment did.
 */

function invalidState(detail: string): never {
  throw new RuleViolation('invalid-state', detail);
}

function assertFundingSource(value: unknown, field: string): void {
  if (!FUNDING_SOURCES.includes(value as never)) {
    throw new InvalidValue(field, `${field} must be one of ${FUNDING_SOURCES.join(', ')}`);
  }
}

/** An activity as events record it (money as decimal strings), after checking its fields are filled in. */
export function toPlanActivity(input: PlanActivityInput, field: string): PlanActivity {
  assertText(input.id, `${field}.id`);
  assertText(input.title, `${field}.title`);
  assertText(input.priority, `${field}.priority`);
  assertFundingSource(input.fundingSource, `${field}.fundingSource`);
  return {
    id: input.id,
    title: input.title,
    priority: input.priority,
    budget: input.budget ? toJson(input.budget) : null,
    fundingSource: input.fundingSource,
  };
}

/** Only the fields the change names; `budget: null` is kept because it means "no budget any more". */
export function toActivityChange(input: ActivityChangeInput, field: string): ActivityChange {
  assertText(input.id, `${field}.id`);
  const change: ActivityChange = { id: input.id };
  if (input.title !== undefined) change.title = assertText(input.title, `${field}.title`);
  if (input.priority !== undefined) change.priority = assertText(input.priority, `${field}.priority`);
  if (input.budget !== undefined) change.budget = input.budget === null ? null : toJson(input.budget);
  if (input.fundingSource !== undefined) {
    assertFundingSource(input.fundingSource, `${field}.fundingSource`);
    change.fundingSource = input.fundingSource;
  }
  return change;
}

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/** A drafted plan must be coherent: at least one priority, unique ids, every activity under a priority. */
export function assertValidPlanShape(plan: PlanShape): void {
  if (plan.priorities.length === 0) throw new InvalidValue('priorities', 'a plan needs at least one priority');
  plan.priorities.forEach((p, i) => assertText(p, `priorities[${i}]`));
  const duplicatePriority = firstDuplicate(plan.priorities);
  if (duplicatePriority !== undefined) throw new InvalidValue('priorities', `priority '${duplicatePriority}' is listed twice`);
  const duplicateActivity = firstDuplicate(plan.activities.map((a) => a.id));
  if (duplicateActivity !== undefined) throw new InvalidValue('activities', `activity id '${duplicateActivity}' is used twice`);
  plan.activities.forEach((a, i) => {
    if (!plan.priorities.includes(a.priority)) {
      throw new InvalidValue(`activities[${i}].priority`, `priority '${a.priority}' is not one of the plan's priorities`);
    }
  });
}

export function isEmptyAmendment(changes: PlanChanges): boolean {
  return (
    changes.addPriorities.length === 0 &&
    changes.removePriorities.length === 0 &&
    changes.addActivities.length === 0 &&
    changes.removeActivities.length === 0 &&
    changes.changeActivities.length === 0
  );
}

function applyChange(activity: PlanActivity, change: ActivityChange): PlanActivity {
  return {
    id: activity.id,
    title: change.title ?? activity.title,
    priority: change.priority ?? activity.priority,
    budget: change.budget !== undefined ? change.budget : activity.budget,
    fundingSource: change.fundingSource ?? activity.fundingSource,
  };
}

/**
 * The plan after an amendment. Removals and changes must name what the plan has, additions what it does not
 * have yet, and afterwards every activity must still belong to one of the plan's priorities; otherwise the
 * amendment makes no sense and is refused with `invalid-state`.
 */
export function applyAmendment(plan: PlanShape, changes: PlanChanges): PlanShape {
  if (isEmptyAmendment(changes)) invalidState('an amendment must change something');

  for (const [name, list] of [
    ['addPriorities', changes.addPriorities],
    ['removePriorities', changes.removePriorities],
    ['addActivities', changes.addActivities.map((a) => a.id)],
    ['removeActivities', changes.removeActivities],
    ['changeActivities', changes.changeActivities.map((c) => c.id)],
  ] as const) {
    const duplicate = firstDuplicate(list);
    if (duplicate !== undefined) invalidState(`'${duplicate}' appears twice in ${name}`);
  }

  for (const p of changes.removePriorities) {
    if (!plan.priorities.includes(p)) invalidState(`priority '${p}' is not in the plan`);
  }
  for (const p of changes.addPriorities) {
    if (plan.priorities.includes(p)) invalidState(`priority '${p}' is already in the plan`);
  }
  const priorities = [...plan.priorities.filter((p) => !changes.removePriorities.includes(p)), ...changes.addPriorities];
  if (priorities.length === 0) invalidState('a plan keeps at least one priority');

  const activityIds = new Set(plan.activities.map((a) => a.id));
  for (const id of changes.removeActivities) {
    if (!activityIds.has(id)) invalidState(`activity '${id}' is not in the plan`);
  }
  for (const change of changes.changeActivities) {
    if (!activityIds.has(change.id)) invalidState(`activity '${change.id}' is not in the plan`);
    if (changes.removeActivities.includes(change.id)) invalidState(`activity '${change.id}' cannot be both removed and changed`);
    if (Object.keys(change).length === 1) invalidState(`the change of activity '${change.id}' changes nothing`);
  }
  for (const activity of changes.addActivities) {
    if (activityIds.has(activity.id)) invalidState(`activity '${activity.id}' is already in the plan`);
  }

  const changeById = new Map(changes.changeActivities.map((c) => [c.id, c]));
  const activities = [
    ...plan.activities
      .filter((a) => !changes.removeActivities.includes(a.id))
      .map((a) => (changeById.has(a.id) ? applyChange(a, changeById.get(a.id)!) : a)),
    ...changes.addActivities,
  ];
  for (const activity of activities) {
    if (!priorities.includes(activity.priority)) {
      invalidState(`activity '${activity.id}' would belong to priority '${activity.priority}', which is not in the plan`);
    }
  }

  return { ...plan, priorities, activities };
}
