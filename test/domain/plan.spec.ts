import fc from 'fast-check';
import type { AmendPlan, DraftPlan } from '../../src/domain/plan/commands.js';
import { isEndorsedPlanOf, planDecider } from '../../src/domain/plan/decider.js';
import type { PlanChanges, PlanEvent, PlanShape } from '../../src/domain/plan/events.js';
import { applyAmendment, assertValidPlanShape } from '../../src/domain/plan/plan-shape.js';
import { fold } from '../../src/domain/shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../../src/domain/shared/errors.js';
import { money } from '../../src/domain/shared/money.js';
import { given } from '../support/given.js';

const kgs = (amount: string) => money(amount, 'KGS');

const draft = (overrides: Partial<DraftPlan> = {}): DraftPlan => ({
  type: 'DraftPlan',
  planId: 'plan-nookat',
  programmeId: 'inl-2016',
  municipalityId: 'nookat',
  title: 'Nookat crime prevention plan 2016-2017',
  period: { from: '2016-01-01', to: '2017-12-31' },
  priorities: ['road safety', 'domestic violence'],
  activities: [
    { id: 'a1', title: 'Speed bumps near schools', priority: 'road safety', budget: kgs('150000.00'), fundingSource: 'local-budget' },
    { id: 'a2', title: 'Crisis centre hotline', priority: 'domestic violence', fundingSource: 'programme' },
  ],
  ...overrides,
});

const drafted: PlanEvent = {
  type: 'PlanDrafted',
  data: {
    planId: 'plan-nookat',
    programmeId: 'inl-2016',
    municipalityId: 'nookat',
    title: 'Nookat crime prevention plan 2016-2017',
    period: { from: '2016-01-01', to: '2017-12-31' },
    priorities: ['road safety', 'domestic violence'],
    activities: [
      { id: 'a1', title: 'Speed bumps near schools', priority: 'road safety', budget: { amount: '150000.00', currency: 'KGS' }, fundingSource: 'local-budget' },
      { id: 'a2', title: 'Crisis centre hotline', priority: 'domestic violence', budget: null, fundingSource: 'programme' },
    ],
  },
};

const endorsed: PlanEvent = {
  type: 'PlanEndorsed',
  data: { planId: 'plan-nookat', endorsedBy: 'Nookat town kenesh', decisionRef: 'No. 12/3', endorsedOn: '2016-03-03' },
  effectiveOn: '2016-03-03',
};

const amend = (overrides: Partial<AmendPlan> = {}): AmendPlan => ({ type: 'AmendPlan', planId: 'plan-nookat', reason: 'new survey results', ...overrides });

const noChanges: PlanChanges = { addPriorities: [], removePriorities: [], addActivities: [], removeActivities: [], changeActivities: [] };

const amended = (amendmentNo: number, changes: Partial<PlanChanges>, decisionRef: string | null = null): PlanEvent => ({
  type: 'PlanAmended',
  data: { planId: 'plan-nookat', amendmentNo, reason: 'new survey results', decisionRef, changes: { ...noChanges, ...changes } },
});

describe('plan', () => {
  describe('DraftPlan', () => {
    it('records the plan with its priorities and activities', () => {
      given(planDecider).when(draft()).then([drafted]);
    });

    it('is drafted once', () => {
      given(planDecider, [drafted]).when(draft()).thenThrows(AlreadyExists);
    });

    it('is coherent: a priority at least, unique ids, activities under its priorities, a period in order', () => {
      given(planDecider).when(draft({ priorities: [], activities: [] })).thenThrows(InvalidValue);
      given(planDecider).when(draft({ priorities: ['road safety', 'road safety'], activities: [] })).thenThrows(InvalidValue);
      given(planDecider)
        .when(draft({ activities: [draft().activities[0], { ...draft().activities[0], title: 'again' }] }))
        .thenThrows(InvalidValue);
      given(planDecider)
        .when(draft({ activities: [{ id: 'a9', title: 'Cattle branding', priority: 'cattle theft', fundingSource: 'other' }] }))
        .thenThrows(InvalidValue);
      given(planDecider).when(draft({ period: { from: '2017-01-01', to: '2016-12-31' } })).thenThrows(InvalidValue);
      given(planDecider).when(draft({ title: '' })).thenThrows(InvalidValue);
      given(planDecider)
        .when(draft({ activities: [{ id: 'a1', title: 'x', priority: 'road safety', fundingSource: 'donor' as never }] }))
        .thenThrows(InvalidValue);
    });
  });

  describe('EndorsePlan', () => {
    it('records the council decision, effective on its date', () => {
      given(planDecider, [drafted])
        .when({ type: 'EndorsePlan', planId: 'plan-nookat', endorsedBy: 'Nookat town kenesh', decisionRef: 'No. 12/3', endorsedOn: '2016-03-03' })
        .then([endorsed]);
    });

    it('is endorsed once: invalid-state', () => {
      given(planDecider, [drafted, endorsed])
        .when({ type: 'EndorsePlan', planId: 'plan-nookat', endorsedBy: 'kenesh', decisionRef: 'No. 13', endorsedOn: '2016-04-01' })
        .thenThrows('invalid-state');
    });

    it('needs a drafted plan and a decision reference', () => {
      const endorse = { type: 'EndorsePlan', planId: 'plan-nookat', endorsedBy: 'kenesh', decisionRef: 'No. 1', endorsedOn: '2016-03-03' } as const;
      given(planDecider).when(endorse).thenThrows(NotFound);
      given(planDecider, [drafted]).when({ ...endorse, decisionRef: ' ' }).thenThrows(InvalidValue);
      given(planDecider, [drafted]).when({ ...endorse, endorsedOn: '2016-13-01' }).thenThrows(InvalidValue);
    });

    it('makes the plan an endorsed plan of its programme in its municipality', () => {
      expect(isEndorsedPlanOf(fold(planDecider, [drafted]), 'inl-2016', 'nookat')).toBe(false);
      expect(isEndorsedPlanOf(fold(planDecider, [drafted, endorsed]), 'inl-2016', 'nookat')).toBe(true);
      expect(isEndorsedPlanOf(fold(planDecider, [drafted, endorsed]), 'inl-2016', 'kara-suu')).toBe(false);
      expect(isEndorsedPlanOf(fold(planDecider, [drafted, endorsed]), 'pbf-2016', 'nookat')).toBe(false);
    });
  });

  describe('AmendPlan', () => {
    it('amends a draft without a council decision, numbering amendments from 1', () => {
      given(planDecider, [drafted])
        .when(amend({ addPriorities: ['cattle theft'] }))
        .then([amended(1, { addPriorities: ['cattle theft'] })]);
    });

    it('numbers the next amendment after the last one', () => {
      given(planDecider, [drafted, amended(1, { addPriorities: ['cattle theft'] })])
        .when(amend({ removePriorities: ['cattle theft'] }))
        .then([amended(2, { removePriorities: ['cattle theft'] })]);
    });

    it('amends an endorsed plan only with a council decision: decision-ref-required', () => {
      given(planDecider, [drafted, endorsed]).when(amend({ addPriorities: ['cattle theft'] })).thenThrows('decision-ref-required');
      given(planDecider, [drafted, endorsed])
        .when(amend({ addPriorities: ['cattle theft'], decisionRef: 'No. 20/1' }))
        .then([amended(1, { addPriorities: ['cattle theft'] }, 'No. 20/1')]);
    });

    it('records every kind of change in the shape events keep', () => {
      given(planDecider, [drafted])
        .when(
          amend({
            addPriorities: ['school racketeering'],
            addActivities: [{ id: 'a3', title: 'School patrols', priority: 'school racketeering', budget: kgs('50000.00'), fundingSource: 'local-budget' }],
            removeActivities: ['a2'],
            changeActivities: [{ id: 'a1', budget: null, title: 'Speed bumps and lights' }],
          }),
        )
        .then([
          amended(1, {
            addPriorities: ['school racketeering'],
            addActivities: [
              { id: 'a3', title: 'School patrols', priority: 'school racketeering', budget: { amount: '50000.00', currency: 'KGS' }, fundingSource: 'local-budget' },
            ],
            removeActivities: ['a2'],
            changeActivities: [{ id: 'a1', title: 'Speed bumps and lights', budget: null }],
          }),
        ]);
    });

    it.each<[string, Partial<AmendPlan>]>([
      ['changes nothing', {}],
      ['has only empty lists', { addPriorities: [], removeActivities: [] }],
      ['removes an activity the plan does not have', { removeActivities: ['a9'] }],
      ['removes a priority the plan does not have', { removePriorities: ['cattle theft'] }],
      ['adds a priority the plan has', { addPriorities: ['road safety'] }],
      ['adds an activity id the plan has', { addActivities: [{ id: 'a1', title: 'again', priority: 'road safety', fundingSource: 'other' }] }],
      ['adds an activity under a priority not in the plan', { addActivities: [{ id: 'a5', title: 'x', priority: 'cattle theft', fundingSource: 'other' }] }],
      ['moves an activity to a priority not in the plan', { changeActivities: [{ id: 'a1', priority: 'cattle theft' }] }],
      ['changes an activity the plan does not have', { changeActivities: [{ id: 'a9', title: 'x' }] }],
      ['changes no field of an activity', { changeActivities: [{ id: 'a1' }] }],
      ['removes and changes the same activity', { removeActivities: ['a1'], changeActivities: [{ id: 'a1', title: 'x' }] }],
      ['names an activity twice', { removeActivities: ['a1', 'a1'] }],
      ['removes a priority an activity still belongs to', { removePriorities: ['road safety'] }],
      ['leaves no priority', { removePriorities: ['road safety', 'domestic violence'], removeActivities: ['a1', 'a2'] }],
    ])('refuses an amendment that %s: invalid-state', (_, changes) => {
      given(planDecider, [drafted]).when(amend(changes)).thenThrows('invalid-state');
    });

    it('needs a drafted plan and a reason', () => {
      given(planDecider).when(amend({ addPriorities: ['x'] })).thenThrows(NotFound);
      given(planDecider, [drafted]).when(amend({ addPriorities: ['x'], reason: '' })).thenThrows(InvalidValue);
      given(planDecider, [drafted]).when(amend({ addPriorities: [''] })).thenThrows(InvalidValue);
    });
  });

  describe('applyAmendment', () => {
    const plan: PlanShape = {
      title: 'Nookat crime prevention plan 2016-2017',
      period: { from: '2016-01-01', to: '2017-12-31' },
      priorities: ['road safety', 'domestic violence'],
      activities: (drafted.data as PlanShape).activities,
    };

    it('shows the plan after an amendment: removals gone, changes in place, additions at the end', () => {
      const after = applyAmendment(plan, {
        ...noChanges,
        addPriorities: ['cattle theft'],
        removePriorities: ['domestic violence'],
        removeActivities: ['a2'],
        changeActivities: [{ id: 'a1', fundingSource: 'programme' }],
        addActivities: [{ id: 'a3', title: 'Cattle branding', priority: 'cattle theft', budget: null, fundingSource: 'other' }],
      });
      expect(after.priorities).toEqual(['road safety', 'cattle theft']);
      expect(after.activities.map((a) => [a.id, a.fundingSource])).toEqual([['a1', 'programme'], ['a3', 'other']]);
      expect(after.activities[0].budget).toEqual({ amount: '150000.00', currency: 'KGS' });
      expect(plan.priorities).toEqual(['road safety', 'domestic violence']); // the old version is left as it was
    });

    it('replays to the same plan the decider folded', () => {
      const events = [drafted, endorsed, amended(1, { addPriorities: ['cattle theft'] }), amended(2, { changeActivities: [{ id: 'a2', priority: 'cattle theft' }] })];
      const state = fold(planDecider, events);
      expect(state.exists && state.plan.activities[1].priority).toBe('cattle theft');
      expect(() => applyAmendment(plan, noChanges)).toThrow(RuleViolation);
    });
  });

  it('keeps every plan coherent, whatever sequence of amendments it accepts (property)', () => {
    const priority = fc.constantFrom('road safety', 'domestic violence', 'cattle theft', 'early marriages');
    const id = fc.constantFrom('a1', 'a2', 'a3', 'a4');
    const activity = fc.record({ id, title: fc.constant('t'), priority, budget: fc.constant(null), fundingSource: fc.constant('other' as const) });
    const changes: fc.Arbitrary<PlanChanges> = fc.record({
      addPriorities: fc.array(priority, { maxLength: 2 }),
      removePriorities: fc.array(priority, { maxLength: 2 }),
      addActivities: fc.array(activity, { maxLength: 2 }),
      removeActivities: fc.array(id, { maxLength: 2 }),
      changeActivities: fc.array(fc.record({ id, priority }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(changes, { maxLength: 12 }), (amendments) => {
        let plan = drafted.data as PlanShape;
        for (const amendment of amendments) {
          try {
            plan = applyAmendment(plan, amendment);
          } catch (error) {
            if (!(error instanceof RuleViolation && error.rule === 'invalid-state')) throw error;
          }
          // A refused amendment leaves the plan as it was; an accepted one leaves a plan a draft could have.
          expect(() => assertValidPlanShape(plan)).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });
});
