import type { PlanChanges, PlanShape } from '../../src/domain/plan/events.js';
import type { PlanHistoryRow } from '../../projections/plans/entities.js';
import { planVersions } from '../../projections/plans/projection.js';

// plan_history keeps the plan as drafted; every later version's plan is folded from the amendments.
const drafted: PlanShape = {
  title: 'Safer Kara-Suu',
  period: { from: '2016-01-01', to: '2018-12-31' },
  priorities: ['road safety'],
  activities: [{ id: 'a1', title: 'Street lights', priority: 'road safety', budget: { amount: '1000.00', currency: 'KGS' }, fundingSource: 'programme' }],
};
const none: PlanChanges = { addPriorities: [], removePriorities: [], addActivities: [], removeActivities: [], changeActivities: [] };

function row(version: number, type: string, amendmentNo: number, extra: Partial<PlanHistoryRow>): PlanHistoryRow {
  return { planId: 'p', version, type, amendmentNo, recordedAt: '2016-01-01T00:00:00.000Z', actor: { id: 'oscar', roles: ['programme-officer'] }, reason: null, decisionRef: null, changes: null, plan: null, ...extra };
}

describe('plan versions (GET /plans/:id/history)', () => {
  it('gives each version the plan as it stood after it: drafted, endorsed (unchanged), then each amendment applied in turn', () => {
    const versions = planVersions([
      row(1, 'PlanDrafted', 0, { plan: drafted }),
      row(2, 'PlanEndorsed', 0, { decisionRef: 'No. 1' }),
      row(3, 'PlanAmended', 1, { changes: { ...none, addPriorities: ['youth'], addActivities: [{ id: 'a2', title: 'Sports club', priority: 'youth', budget: null, fundingSource: 'local-budget' }] } }),
      row(4, 'PlanAmended', 2, { changes: { ...none, removeActivities: ['a1'], removePriorities: ['road safety'] } }),
    ]);
    expect(versions.map((v) => v.plan.priorities)).toEqual([['road safety'], ['road safety'], ['road safety', 'youth'], ['youth']]);
    expect(versions.map((v) => v.plan.activities.map((a) => a.id))).toEqual([['a1'], ['a1'], ['a1', 'a2'], ['a2']]);
    expect(versions[1].plan).toEqual(drafted);
    expect(versions[3].decisionRef).toBeNull();
  });

  it('refuses a history without its drafted version rather than invent a plan', () => {
    expect(() => planVersions([row(2, 'PlanEndorsed', 0, {})])).toThrow(/no drafted version/);
  });
});
