import { eventSchemas } from '../../src/domain/registry.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { Batch, Projection } from '../runner/projection.js';
import { copyRows } from '../runner/copy.js';
import { AuditEntityRefRow, AuditStreamEntityRow, AuditStreamRefRow } from './entities.js';

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

/** Award and evidence streams gather events about many disbursements or co-fundings: their first event's names are not the stream's. */
const inherits = (streamId: string) => !/^(award|evidence)-/.test(streamId);

/**
 * The audit trail's index (GET /audit/events?entityId=): which events concern an entity. An event concerns
 * its own stream's entity, every entity its data names, and every entity the first event of its stream named
 * (so a disbursement's approval and payment are found by its grant). An entity's own streams need no rows:
 * their ids are a category and the entity's id, so they are looked up by name (see entityPositionsSql). What
 * else concerns every event of a stream is kept once per stream (audit_stream_entities, the events then found
 * by stream in the log); audit_entity_refs keeps only what an event names beyond that. Most events name
 * nothing new, so this is about a quarter of the rows one per event and entity would be. Which events an
 * actor recorded needs no projection: the log's own index on the actor (event store migration 4) finds them.
 */
export const auditIndexProjection: Projection = {
  name: 'audit-index',
  version: 4,
  entities: [AuditStreamEntityRow, AuditEntityRefRow, AuditStreamRefRow],
  appendOnly: [AuditStreamEntityRow, AuditEntityRefRow],
  handles: Object.keys(eventSchemas),
  async apply(events: RecordedEvent[], { em, rows }: Batch) {
    await rows.load(em, AuditStreamRefRow, events.filter((e) => e.streamVersion > 1 && inherits(e.streamId)).map((e) => e.streamId));
    const streamEntities: [string[], string[]] = [[], []];
    const entityRefs: [string[], number[]] = [[], []];
    for (const event of events) {
      const own = streamEntity(event.streamId);
      const names = namedEntities(event.data).filter((id) => id !== own);
      let beyond = names;
      if (event.streamVersion === 1) {
        // A stream whose id is a category and its entity's id is found from the entity by name (see entityPositionsSql).
        const ofStream = own !== event.streamId ? [] : [own];
        if (inherits(event.streamId)) {
          rows.add(AuditStreamRefRow, { streamId: event.streamId, refs: names }); // a stream's first event comes once
          ofStream.push(...names);
          beyond = [];
        }
        for (const id of ofStream) {
          streamEntities[0].push(id);
          streamEntities[1].push(event.streamId);
        }
      } else if (inherits(event.streamId)) {
        const ofStream = rows.get(AuditStreamRefRow, event.streamId)?.refs ?? [];
        beyond = names.filter((id) => !ofStream.includes(id));
      }
      for (const id of beyond) {
        entityRefs[0].push(id);
        entityRefs[1].push(event.position);
      }
    }
    // No conflicts to expect: a stream's first event comes once, each event's ids are distinct, positions
    // are new (the runner skips what it applied).
    await copyRows(em, AuditStreamEntityRow, { entityId: streamEntities[0], streamId: streamEntities[1] });
    await copyRows(em, AuditEntityRefRow, { entityId: entityRefs[0], position: entityRefs[1] });
  },
};

/**
 * SQL selecting the positions of the events that concern any of some entities (column `position`, each
 * once, unordered) within [from, to]. `entities` is the placeholder of a text[] parameter, `from` and `to`
 * placeholders or literals. The streams: the entities' own (every category with each id: a look-up of the
 * stream index that finds nothing costs microseconds) and those audit_stream_entities names. Their events
 * come from the log, one look-up of its stream index per stream: as a plain join, without statistics or
 * with stale ones, PostgreSQL may sort the whole log instead, or combine the stream index with a scan of
 * positions (`offset 0` keeps the subquery from being flattened into a join, and the window of positions
 * out of it).
 */
export function entityPositionsSql(entities: string, from: string, to: string): string {
  const categories = `array[${CATEGORIES.map((c) => `'${c}'`).join(', ')}]::text[]`;
  return `select r.position from read.audit_entity_refs r where r."entityId" = any(${entities}::text[]) and r.position between ${from} and ${to}
    union
    select e.position from (
        select s."streamId" collate "default" from read.audit_stream_entities s where s."entityId" = any(${entities}::text[])
        union all
        select category || entity from unnest(${entities}::text[]) as entity, unnest(${categories}) as category
      ) as s
      cross join lateral (select position from public.events where stream_id = s."streamId" offset 0) e
     where e.position between ${from} and ${to}`;
}
