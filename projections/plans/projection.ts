import { In } from 'typeorm';
import type { PlanShape } from '../../src/domain/plan/events.js';
import { applyAmendment } from '../../src/domain/plan/plan-shape.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import { upsertRows } from '../runner/rows.js';
import { PlanHistoryRow, PlanRow } from './entities.js';

const planId = (event: RecordedEvent) => event.streamId.slice('plan-'.length);

const shapeOf = (row: PlanRow): PlanShape => ({ title: row.title, period: row.period, priorities: row.priorities, activities: row.activities });

/**
 * The plan as it stands (plans) and every version of it (plan_history). Amendments store only what they
 * change; the plan after each one is computed with the same applyAmendment the decider used to accept it.
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
  entities: [PlanRow, PlanHistoryRow],
  handles: ['PlanDrafted', 'PlanEndorsed', 'PlanAmended'],
  async apply(events, em) {
    const ids = [...new Set(events.map(planId))];
    const rows = new Map<string, PlanRow>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const row of await em.getRepository(PlanRow).findBy({ id: In(ids.slice(i, i + 1000)) })) rows.set(row.id, row);
    }
    const history: PlanHistoryRow[] = [];
    const changed = new Set<string>();
    for (const event of events) {
      const id = planId(event);
      const next = apply(rows.get(id), event);
      if (!next) continue;
      rows.set(id, next.row);
      changed.add(id);
      history.push({
        planId: id,
        version: event.streamVersion,
        type: event.type,
        recordedAt: event.recordedAt,
        actor: { id: event.metadata.actor.id, roles: event.metadata.actor.roles },
        plan: shapeOf(next.row),
        ...next.history,
      });
    }
    const upserts = [...changed].map((id) => rows.get(id)!);
    await upsertRows(em, PlanRow, upserts, ['id']);
    await upsertRows(em, PlanHistoryRow, history, ['planId', 'version']);
  },
};
