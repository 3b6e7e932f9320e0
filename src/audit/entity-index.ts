/**
 * Which events concern an entity (GET /audit/events?entityId=, the trace of a payment), read from the log
 * itself. An event concerns
 * - its own stream's entity: a stream is named by a category and the entity's id (`application-abc`), or by
 *   the id alone;
 * - every entity its data names: `event_entity_refs(data)`, a JSON array of ids the log's own index keeps
 *   (event store migration 5):
 *   top-level string fields whose name ends in Id (ids local to a plan and bookkeeping keys aside),
 *   `target.id`, `donor.id`;
 * - every entity the first event of its stream named, so a disbursement's approval and payment are found by
 *   its grant; award and evidence streams excepted, which gather events about many disbursements or
 *   co-fundings.
 */

/** Stream categories (docs/DEVELOPING.md); '' for a stream named by the entity's id alone. */
const CATEGORIES = ['', 'award-facility-', 'award-grant-', 'grant-call-', 'co-funding-', 'municipality-', 'disbursement-', 'application-', 'commission-', 'programme-', 'facility-', 'evidence-', 'result-', 'plan-'];

/**
 * SQL selecting the positions of the events that concern any of some entities (column `position`, each
 * once, unordered) within [from, to]. `entities` is the placeholder of a text[] parameter, `from` and `to`
 * placeholders or literals. The events that name them come from the index on their names, once (GIN on jsonb
 * checks every row it finds against the expression again, about 20 µs a row); the streams whose first event
 * names them, and their own streams (every category with each id: a look-up of the
 * stream index that finds nothing costs microseconds), are read one look-up of the stream index per
 * stream (`offset 0` keeps the subquery from being flattened into a join that PostgreSQL, with stale
 * statistics, may answer by sorting the whole log).
 */
export function entityPositionsSql(entities: string, from: string, to: string): string {
  const categories = `array[${CATEGORIES.map((c) => `'${c}'`).join(', ')}]::text[]`;
  return `with named as materialized (select n.position, n.stream_id, n.stream_version from public.events n where public.event_entity_refs(n.data) ?| ${entities}::text[])
    select n.position from named n where n.position between ${from} and ${to}
    union
    select e.position from (
        select f.stream_id from named f where f.stream_version = 1 and f.stream_id !~ '^(award|evidence)-'
        union all
        select category || entity from unnest(${entities}::text[]) as entity, unnest(${categories}) as category
      ) as s
      cross join lateral (select position from public.events where stream_id = s.stream_id offset 0) e
     where e.position between ${from} and ${to}`;
}
