import type { EntityManager } from 'typeorm';
import { eventSchemas } from '../../src/domain/registry.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../runner/projection.js';
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
  const ids = new Set<string>();
  if (data && typeof data === 'object') {
    for (const [field, value] of Object.entries(data)) {
      if (field.endsWith('Id') && !NOT_ENTITIES.has(field) && typeof value === 'string' && value) ids.add(value);
    }
    for (const nested of [data.target, data.donor]) if (nested && typeof nested.id === 'string' && nested.id) ids.add(nested.id);
  }
  return [...ids];
}

/**
 * The audit trail's index (GET /audit/events?entityId=&actorId=): entity id → positions and actor id →
 * positions. An event concerns its own stream's entity, every entity its data names, and every entity the
 * first event of its stream named (so a disbursement's approval and payment are found by its grant).
 */
export const auditIndexProjection: Projection = {
  name: 'audit-index',
  entities: [AuditEntityRefRow, AuditActorRefRow, AuditStreamRefRow],
  handles: Object.keys(eventSchemas),
  async apply(events: RecordedEvent[], em: EntityManager) {
    const streams = [...new Set(events.filter((e) => e.streamVersion > 1 && !/^(award|evidence)-/.test(e.streamId)).map((e) => e.streamId))];
    const inherited = new Map<string, string[]>();
    for (let i = 0; i < streams.length; i += 5000) {
      const rows: { streamId: string; refs: string[] }[] = await em.query(`select "streamId", refs from audit_stream_refs where "streamId" = any($1::text[])`, [streams.slice(i, i + 5000)]);
      for (const r of rows) inherited.set(r.streamId, r.refs);
    }
    const entityRefs: [string[], number[]] = [[], []];
    const actorRefs: [string[], number[]] = [[], []];
    const newStreams: [string[], string[]] = [[], []];
    for (const event of events) {
      const own = streamEntity(event.streamId);
      const named = namedEntities(event.data).filter((id) => id !== own);
      // Award and evidence streams gather events about many disbursements or co-fundings: nothing to inherit.
      if (event.streamVersion === 1 && !/^(award|evidence)-/.test(event.streamId)) {
        inherited.set(event.streamId, named);
        newStreams[0].push(event.streamId);
        newStreams[1].push(JSON.stringify(named));
      }
      for (const id of new Set([own, ...named, ...(inherited.get(event.streamId) ?? [])])) {
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
    if (entityRefs[0].length) {
      await em.query(`insert into audit_entity_refs ("entityId", position) select * from unnest($1::text[], $2::bigint[])`, entityRefs);
    }
    if (actorRefs[0].length) {
      await em.query(`insert into audit_actor_refs ("actorId", position) select * from unnest($1::text[], $2::bigint[])`, actorRefs);
    }
    if (newStreams[0].length) {
      await em.query(`insert into audit_stream_refs ("streamId", refs) select * from unnest($1::text[], $2::jsonb[]) on conflict do nothing`, newStreams);
    }
  },
};
