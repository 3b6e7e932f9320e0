import type { PlanShape } from '../../src/domain/plan/events.js';
import { applyAmendment } from '../../src/domain/plan/plan-shape.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import { insertRows } from '../runner/rows.js';
import { PlanHistoryRow, PlanRow } from './entities.js';

const planId = (event: RecordedEvent) => event.streamId.slice('plan-'.length);

const shapeOf = (row: PlanRow): PlanShape => ({ title: row.title, period: row.period, priorities: row.priorities, activities: row.activities });

/**
 * The plan as it stands (plans) and every version of it (plan_history). Amendments store only what they
 * change; the plan after each one is computed with the same applyAmendment the decider used to accept it
 * (here for the plan as it stands, and by GET /plans/:id/history for every version: see planVersions).
 */
function apply(row: PlanRow | undefined, event: RecordedEvent): { row: PlanRow; history: Omit<PlanHistoryRow, 'planId' | 'version' | 'type' | 'recordedAt' | 'actor' | 'plan'> } | null {
  switch (event.type) {
    case 'PlanDrafted': {
      const d = event.data;
      return {
        row: {
          id: d.planId,
          version: event.streamVersion,
          status: 'draft',
          programmeId: d.programmeId,
          municipalityId: d.municipalityId,
          title: d.title,
          period: d.period,
          priorities: d.priorities,
          activities: d.activities,
          endorsement: null,
          amendments: 0,
          draftedAt: event.recordedAt,
        },
        history: { amendmentNo: 0, reason: event.metadata.reason ?? null, decisionRef: null, changes: null },
      };
    }
    case 'PlanEndorsed': {
      if (!row) return null;
      const { endorsedBy, decisionRef, endorsedOn } = event.data;
      return {
        row: { ...row, version: event.streamVersion, status: 'endorsed', endorsement: { endorsedBy, decisionRef, endorsedOn } },
        history: { amendmentNo: row.amendments, reason: event.metadata.reason ?? null, decisionRef, changes: null },
      };
    }
    case 'PlanAmended': {
      if (!row) return null;
      const plan = applyAmendment(shapeOf(row), event.data.changes);
      return {
        row: { ...row, ...plan, version: event.streamVersion, amendments: event.data.amendmentNo },
        history: { amendmentNo: event.data.amendmentNo, reason: event.data.reason, decisionRef: event.data.decisionRef, changes: event.data.changes },
      };
    }
    default:
      return null;
  }
}

export const plansProjection: Projection = {
  name: 'plans',
  // 2: plan_history keeps the plan as drafted only (later versions are folded at read); 3: documents are json, no longer jsonb
  version: 3,
  entities: [PlanRow, PlanHistoryRow],
  appendOnly: [PlanHistoryRow],
  handles: ['PlanDrafted', 'PlanEndorsed', 'PlanAmended'],
  readsMetadata: true, // the actor and the reason of each version
  async apply(events, { em, rows }) {
    // A plan's first event drafts it: nothing to load for that one, and its row is new.
    await rows.load(em, PlanRow, events.map((event) => (event.streamVersion > 1 ? planId(event) : null)));
    const history: PlanHistoryRow[] = [];
    for (const event of events) {
      const id = planId(event);
      const next = apply(rows.get(PlanRow, id), event);
      if (!next) continue;
      if (event.streamVersion === 1) rows.add(PlanRow, next.row);
      else rows.put(PlanRow, next.row);
      history.push({
        planId: id,
        version: event.streamVersion,
        type: event.type,
        recordedAt: event.recordedAt,
        actor: { id: event.metadata.actor.id, roles: event.metadata.actor.roles },
        plan: event.type === 'PlanDrafted' ? shapeOf(next.row) : null,
        ...next.history,
      });
    }
    // Each event makes one version, and the runner applies an event once: history rows are always new.
    await insertRows(em, PlanHistoryRow, history);
  },
};

/**
 * The versions of a plan (plan_history rows of one plan, oldest first) each with the plan as it stood after
 * it: the drafted plan, then each amendment's changes applied in turn (an endorsement changes nothing).
 */
export function planVersions(rows: PlanHistoryRow[]): (Omit<PlanHistoryRow, 'plan'> & { plan: PlanShape })[] {
  let plan: PlanShape | null = null;
  return rows.map((row) => {
    if (row.plan) plan = row.plan;
    else if (row.type === 'PlanAmended' && row.changes && plan) plan = applyAmendment(plan, row.changes);
    if (!plan) throw new Error(`plan ${row.planId}: version ${row.version} has no drafted version before it`);
    return { ...row, plan };
  });
}
