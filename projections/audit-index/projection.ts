import { eventSchemas } from '../../src/domain/registry.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Batch, Projection } from '../runner/projection.js';
import { copyRows } from '../runner/copy.js';
import { AuditActorRefRow, AuditEntityRefRow, AuditStreamRefRow } from './entities.js';

/** Stream categories (docs/DEVELOPING.md), longest first so `grant-call-` wins over shorter prefixes. */
const CATEGORIES = ['award-facility-', 'award-grant-', 'grant-call-', 'co-funding-', 'municipality-', 'disbursement-', 'application-', 'commission-', 'programme-', 'facility-', 'evidence-', 'result-', 'plan-'];
/** Fields ending in Id that name no entity of the ledger (ids local to a plan, bookkeeping keys). */
const NOT_ENTITIES = new Set(['activityId', 'reservationId', 'awardId', 'budgetReleaseFrom']);

/** The entity a stream belongs to: `application-abc` → `abc`. */
export function streamEntity(streamId: string): string {
  const category = CATEGORIES.find((c) => streamId.startsWith(c));
  return category ? streamId.slice(category.length) : streamId;
}

/** The entities an event's data names: top-level `…Id` fields, `target.id`, `donor.id`. */
export function namedEntities(data: any): string[] {
  const ids: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value && !ids.includes(value)) ids.push(value);
  };
  if (data && typeof data === 'object') {
    for (const field of Object.keys(data)) if (field.endsWith('Id') && !NOT_ENTITIES.has(field)) add(data[field]);
    add(data.target?.id);
    add(data.donor?.id);
  }
  return ids;
}

/**
 * The audit trail's index (GET /audit/events?entityId=&actorId=): entity id → positions and actor id →
 * positions. An event concerns its own stream's entity, every entity its data names, and every entity the
 * first event of its stream named (so a disbursement's approval and payment are found by its grant).
 */
export const auditIndexProjection: Projection = {
  name: 'audit-index',
  entities: [AuditEntityRefRow, AuditActorRefRow, AuditStreamRefRow],
  appendOnly: [AuditEntityRefRow, AuditActorRefRow],
  handles: Object.keys(eventSchemas),
  async apply(events: RecordedEvent[], { em, rows }: Batch) {
    // Award and evidence streams gather events about many disbursements or co-fundings: nothing to inherit.
    const inherits = (streamId: string) => !/^(award|evidence)-/.test(streamId);
    await rows.load(em, AuditStreamRefRow, events.filter((e) => e.streamVersion > 1 && inherits(e.streamId)).map((e) => e.streamId));
    const entityRefs: [string[], number[]] = [[], []];
    const actorRefs: [string[], number[]] = [[], []];
    for (const event of events) {
      const own = streamEntity(event.streamId);
      const named = namedEntities(event.data).filter((id) => id !== own);
      const refs = [own, ...named];
      if (inherits(event.streamId)) {
        if (event.streamVersion === 1) rows.put(AuditStreamRefRow, { streamId: event.streamId, refs: named });
        else for (const id of rows.get(AuditStreamRefRow, event.streamId)?.refs ?? []) if (!refs.includes(id)) refs.push(id);
      }
      for (const id of refs) {
        entityRefs[0].push(id);
        entityRefs[1].push(event.position);
      }
      const actor = event.metadata?.actor?.id;
      if (typeof actor === 'string' && actor) {
        actorRefs[0].push(actor);
        actorRefs[1].push(event.position);
      }
    }
    // No conflicts to expect: each event's ids are distinct, positions are new (the runner skips what it applied).
    await copyRows(em, AuditEntityRefRow, { entityId: entityRefs[0], position: entityRefs[1] });
    await copyRows(em, AuditActorRefRow, { actorId: actorRefs[0], position: actorRefs[1] });
  },
};
