/**
 * The two statements an append runs: one for the common case (one event on one stream) with plain
 * parameters, one for anything larger with arrays. Each is a single statement run in autocommit, so it is
 * atomic, takes one round trip, and needs no PL/pgSQL (a PL/pgSQL function doing the same work halved the
 * single-append throughput; arrays of JSON cost a further third against plain parameters).
 *
 * Both have the same four steps:
 * 1. `drawn`: the transaction id, the positions and the recording time are drawn together under an advisory
 *    lock taken and released inside the statement (held for microseconds, not until commit; the nested
 *    subqueries order lock, draw, unlock). So a smaller position always belongs to a smaller transaction
 *    id, which is what lets readAll deliver a prefix that no late commit can land inside. Recording times
 *    are drawn under the same lock, so they never go backwards along the log.
 * 2. the base version of each stream: `expected` 0 (no stream) needs no look-up, the unique
 *    (stream_id, stream_version) index refuses a second version 1; n needs version n to exist (the index
 *    refuses n + 1 if it does too); -1 (any) is the stream's last version or 0; -2 (stream exists) is the
 *    last version, null when there is none. A null base refuses the append.
 * 3. `written`: the events, only when every base is known. A writer racing for the same stream version
 *    loses at the unique index (SQLSTATE 23505) and writes nothing.
 * 4. `remembered`: the idempotent answer with the events it answers for, its `version` being the entity
 *    stream's version after the append.
 * The statement answers the events written; none means a base was null (the store finds out which).
 */

export const APPEND_LOCK_ID = 7_361_042_002;

export const EXPECTED_ANY = -1;
export const EXPECTED_EXISTS = -2;

const drawn = (count: string) => `drawn as materialized (
  select tx, positions, recorded_at, pg_advisory_unlock(${APPEND_LOCK_ID}) as unlocked
  from (
    select pg_current_xact_id() as tx, clock_timestamp() as recorded_at,
           array(select nextval('events_position_seq') from generate_series(1, ${count})) as positions
    from (select pg_advisory_lock(${APPEND_LOCK_ID})) as locked
    offset 0
  ) as taken
  offset 0
)`;

const baseVersion = (stream: string, expected: string) => `case
      when ${expected} = 0 then 0
      when ${expected} > 0 then (select e.stream_version from events e where e.stream_id = ${stream} and e.stream_version = ${expected})
      when ${expected} = ${EXPECTED_ANY} then coalesce((select max(e.stream_version) from events e where e.stream_id = ${stream}), 0)
      else (select max(e.stream_version) from events e where e.stream_id = ${stream})
    end`;

/** `p` is the number of the first of the six idempotency parameters. */
const remembered = (p: number) => `remembered as (
  insert into idempotency_keys (scope, key, request_hash, status, body, position)
  select $${p}, $${p + 1}, $${p + 2}, $${p + 3},
         jsonb_set($${p + 4}::jsonb, '{version}', to_jsonb(coalesce((select max(stream_version) from written where stream_id = $${p + 5}::text), 0))),
         (select max(position) from written)
  where $${p + 1}::text is not null and exists (select 1 from written)
)`;

const COLUMNS = 'position, id, stream_id, stream_version, type, schema_version, data, metadata, effective_on, recorded_at, tx_id';
/** recorded_at as microseconds since 1970 (exact: extract gives a numeric), as appends answer it and reads give it. */
export const RECORDED_US = '(extract(epoch from recorded_at) * 1000000)::int8';

const ANSWER = `returning position, stream_id, stream_version, ${RECORDED_US} as recorded_us`;

/**
 * One event on one stream. $1 stream, $2 expected (code), $3 id, $4 type, $5 schema version, $6 data,
 * $7 metadata, $8 effective date, $9-$14 idempotency (scope, key, request hash, status, body, entity stream).
 */
export const APPEND_ONE_SQL = `
with ${drawn('1')},
written as (
  insert into events (${COLUMNS})
  select d.positions[1], $3::uuid, $1::text, b.base + 1, $4::text, $5::int, $6::jsonb, $7::jsonb, $8::date, d.recorded_at, d.tx
  from (select ${baseVersion('$1::text', '$2::int')} as base) as b
  cross join drawn d
  where b.base is not null
  ${ANSWER}
),
${remembered(9)}
select * from written`;

/**
 * Any number of events on any number of streams. $1 stream ids, $2 expected codes (per stream); per event:
 * $3 its stream (1-based index into $1), $4 its place in that stream's events (1-based), $5 id, $6 type,
 * $7 schema version, $8 data, $9 metadata, $10 effective date; $11-$16 idempotency as above.
 * It answers one row for the whole append (none when refused): the positions and stream versions of the
 * events in their order, comma-separated, and the recording time they share (a hundred rows with a
 * timestamp each cost the client more to parse than the append itself).
 */
export const APPEND_MANY_SQL = `
with ${drawn('cardinality($5::uuid[])')},
bases as materialized (
  select s.ord::int as ord, s.stream_id, ${baseVersion('s.stream_id', 's.expected')} as base
  from unnest($1::text[], $2::int[]) with ordinality as s(stream_id, expected, ord)
),
written as (
  insert into events (${COLUMNS})
  select d.positions[ev.k::int], ev.id, b.stream_id, b.base + ev.off, ev.type, ev.sv, ev.data, ev.meta, ev.eff, d.recorded_at, d.tx
  from unnest($3::int[], $4::int[], $5::uuid[], $6::text[], $7::int[], $8::jsonb[], $9::jsonb[], $10::date[])
         with ordinality as ev(si, off, id, type, sv, data, meta, eff, k)
  join bases b on b.ord = ev.si
  cross join drawn d
  where not exists (select 1 from bases where base is null)
  ${ANSWER}
),
${remembered(11)}
select array_to_string(array_agg(position order by position), ',') as positions,
       array_to_string(array_agg(stream_version order by position), ',') as versions,
       min(recorded_us) as recorded_us
from written
having count(*) > 0`;

/**
 * Several independent one-event appends (group commit: appends of different callers that arrived while the
 * store was busy), each to its own stream, checked on its own: an event whose base version is null is not
 * written (its caller finds out why), the others are. Unlike the statements above, every check reads the
 * stream's last version (one index probe each), so that a stale expectation is refused here rather than at
 * the unique index, whose error would fail the whole group. Per event: $1 stream, $2 expected (code), $3 id,
 * $4 type, $5 schema version, $6 data, $7 metadata, $8 effective date. Answers the rows written.
 */
export const APPEND_GROUP_SQL = `
with ${drawn('cardinality($3::uuid[])')},
written as (
  insert into events (${COLUMNS})
  select d.positions[ev.k::int], ev.id, ev.sid, b.base + 1, ev.type, ev.sv, ev.data, ev.meta, ev.eff, d.recorded_at, d.tx
  from unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::date[])
         with ordinality as ev(sid, expected, id, type, sv, data, meta, eff, k)
  cross join lateral (select max(e.stream_version) as last from events e where e.stream_id = ev.sid) as l
  cross join lateral (select case
      when ev.expected >= 0 then case when coalesce(l.last, 0) = ev.expected then ev.expected end
      when ev.expected = ${EXPECTED_ANY} then coalesce(l.last, 0)
      else l.last
    end as base) as b
  cross join drawn d
  where b.base is not null
  ${ANSWER}
)
select * from written`;
