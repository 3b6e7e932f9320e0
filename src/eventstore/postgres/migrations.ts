import type { Pool } from 'pg';

/**
 * Versioned migrations of the event store, applied in order at start under an advisory lock, each once.
 * Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'events, streams and the append function',
    sql: `
create table streams (
  stream_id text primary key,
  version   integer not null check (version > 0)
);

create sequence events_position_seq as bigint;

create table events (
  position       bigint primary key,
  id             uuid not null unique,
  stream_id      text not null,
  stream_version integer not null,
  type           text not null,
  schema_version integer not null,
  data           jsonb not null,
  metadata       jsonb not null,
  effective_on   date,
  recorded_at    timestamptz not null,
  -- The appending transaction's id. Ids and positions are drawn together in one short critical section,
  -- so a smaller position always belongs to a smaller transaction id; readers deliver events only below
  -- the oldest running transaction id (see readAll), so nothing that commits late is ever skipped.
  tx_id          xid8 not null,
  unique (stream_id, stream_version)
);
create index events_type_idx on events (type, position);

-- Append-only in the database itself: no UPDATE, DELETE or TRUNCATE, whoever asks.
create function events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'events are append-only: % refused', tg_op using errcode = '42501';
end $$;
create trigger events_no_update before update or delete on events for each row execute function events_append_only();
create trigger events_no_truncate before truncate on events for each statement execute function events_append_only();

create table idempotency_keys (
  scope        text not null,
  key          text not null,
  request_hash text not null,
  status       integer not null,
  body         jsonb not null,
  position     bigint,
  recorded_at  timestamptz not null default clock_timestamp(),
  primary key (scope, key)
);

-- One round trip per append: draws the transaction id and the positions, checks every stream's expected
-- version (-1 any, -2 stream exists, 0 no stream, n exactly n), inserts the events, records the
-- idempotent answer. A failed check raises SQLSTATE AL409 and writes
-- nothing (its drawn positions stay unused: positions may have gaps, never reorderings).
create function append_events(
  p_streams text[], p_expected integer[], p_counts integer[],
  p_ids uuid[], p_types text[], p_schema integer[], p_data jsonb[], p_meta jsonb[], p_effective date[],
  p_idem_scope text, p_idem_key text, p_idem_hash text, p_idem_status integer, p_idem_body jsonb, p_idem_stream text
) returns table (out_position bigint, out_stream text, out_version integer, out_recorded_at timestamptz)
language plpgsql as $$
declare
  i integer;
  v integer;
  actual integer;
  versions integer[] := '{}';
  positions bigint[];
  stream_of text[] := '{}';
  version_of integer[] := '{}';
  total integer := coalesce(array_length(p_ids, 1), 0);
  now_ts timestamptz;
  idem_version integer;
  my_tx xid8;
begin
  -- Transaction id and positions are drawn under a lock held for microseconds, not until commit, so that
  -- position order equals transaction id order for appends. Session-level, hence the explicit release.
  perform pg_advisory_lock(7361042002);
  begin
    my_tx := pg_current_xact_id();
    select array_agg(nextval('events_position_seq')) into positions from generate_series(1, total);
  exception when others then
    perform pg_advisory_unlock(7361042002);
    raise;
  end;
  perform pg_advisory_unlock(7361042002);

  for i in 1 .. coalesce(array_length(p_streams, 1), 0) loop
    if p_expected[i] = 0 then
      insert into streams (stream_id, version) values (p_streams[i], p_counts[i])
        on conflict (stream_id) do nothing returning version into v;
    elsif p_expected[i] > 0 then
      update streams set version = version + p_counts[i]
        where stream_id = p_streams[i] and version = p_expected[i] returning version into v;
    elsif p_expected[i] = -2 then
      update streams set version = version + p_counts[i]
        where stream_id = p_streams[i] returning version into v;
    else
      insert into streams (stream_id, version) values (p_streams[i], p_counts[i])
        on conflict (stream_id) do update set version = streams.version + excluded.version returning version into v;
    end if;
    if v is null then
      select version into actual from streams where stream_id = p_streams[i];
      raise exception 'wrong expected version' using errcode = 'AL409',
        detail = json_build_object('stream', p_streams[i], 'expected', p_expected[i], 'actual', actual)::text;
    end if;
    versions := versions || v;
    for j in 1 .. p_counts[i] loop
      stream_of := stream_of || p_streams[i];
      version_of := version_of || (v - p_counts[i] + j);
    end loop;
    if p_streams[i] = p_idem_stream then idem_version := v; end if;
    v := null;
  end loop;

  now_ts := clock_timestamp();

  return query
  insert into events (position, id, stream_id, stream_version, type, schema_version, data, metadata, effective_on, recorded_at, tx_id)
  select positions[k], p_ids[k], stream_of[k], version_of[k], p_types[k], p_schema[k], p_data[k], p_meta[k], p_effective[k], now_ts, my_tx
  from generate_series(1, total) as k
  returning position, stream_id, stream_version, recorded_at;

  if p_idem_key is not null then
    insert into idempotency_keys (scope, key, request_hash, status, body, position)
    values (p_idem_scope, p_idem_key, p_idem_hash, p_idem_status,
            jsonb_set(p_idem_body, '{version}', to_jsonb(coalesce(idem_version, 0))), positions[total]);
  end if;

  -- No pg_notify here: a notifying transaction takes a database-wide lock through its commit, which would
  -- serialise every append. Subscribers are woken in-process and poll otherwise (see store.ts).
end $$;
`,
  },
  {
    version: 2,
    name: 'refuse writes to events through privileges where the deployment allows',
    sql: `
do $$
begin
  revoke update, delete, truncate on events from public;
  execute format('revoke update, delete, truncate on events from %I', current_user);
exception when others then
  raise notice 'could not revoke privileges on events: %', sqlerrm;
end $$;
`,
  },
  {
    version: 3,
    name: 'append with one SQL statement; stream versions come from events alone',
    // The PL/pgSQL append_events and the streams table it kept cost half of the single-append throughput
    // (measured: 4,600 against 8,300-9,400 appends/s at 16 clients for the same work as one statement).
    // A stream's version is max(stream_version) over the unique (stream_id, stream_version) index, and
    // that index refuses a second writer of the same version. See append-sql.ts.
    sql: `
drop function if exists append_events(text[], integer[], integer[], uuid[], text[], integer[], jsonb[], jsonb[], date[], text, text, text, integer, jsonb, text);
drop table if exists streams;
`,
  },
  {
    version: 4,
    name: 'index of the events by who recorded them',
    // GET /audit/events?actorId= reads the log through this index instead of a projection keeping a row per
    // event (the actor is a property of each event, as its type is): a rebuild then writes a million rows
    // fewer per million events. Written as the audit trail queries it: metadata #>> '{actor,id}'.
    sql: `
create index events_actor_idx on events ((metadata #>> '{actor,id}'), position);
`,
  },
  {
    version: 5,
    name: 'index of the events by the entities they name',
    // GET /audit/events?entityId= and the trace of a payment read the log through this index instead of a
    // projection (the audit index, which kept 1.5 rows per event: about a sixth of a rebuild's work). Which
    // entities an event names is a property of the event, as its actor is: every top-level string field
    // whose name ends in Id, but for ids local to a plan and bookkeeping keys, and target.id and donor.id
    // (src/audit/entity-index.ts reads it). One expression of built-in functions, so PostgreSQL inlines it
    // in the index and in queries (a function with a FROM clause is called per row, twice as dear). GIN
    // without its pending list: each append pays its own entries instead of one append now and then paying
    // for thousands.
    sql: `
create function event_entity_refs(data jsonb) returns jsonb language sql immutable parallel safe as $$
  select jsonb_path_query_array(data, 'strict $.keyvalue() ? (@.key like_regex "Id$" && !(@.key == "activityId" || @.key == "reservationId" || @.key == "awardId") && @.value.type() == "string" && @.value != "").value', '{}', true)
      || jsonb_path_query_array(data, 'strict $.target.id ? (@.type() == "string" && @ != "")', '{}', true)
      || jsonb_path_query_array(data, 'strict $.donor.id ? (@.type() == "string" && @ != "")', '{}', true)
$$;
create index events_entity_refs_idx on events using gin (event_entity_refs(data)) with (fastupdate = off);
`,
  },
];

const LOCK_ID = 7_361_042_001;

export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: number }>('select version from schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    client.release();
  }
}
