import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import type { RowCache } from './rows.js';

/**
 * A read model: the events it handles and what it does with a batch of them, inside the runner's
 * transaction (the runner commits the batch's changes and the checkpoint together, and skips events at or
 * below the stored checkpoint, so a replay after a crash changes nothing).
 *
 * Tables are TypeORM entities. Each generation of a projection lives in its own schema and reads go
 * through views in the `read` schema, so a rebuild fills fresh tables while the old ones keep answering.
 * Entities are declared without a schema; the runner sets the search_path.
 */
export interface Projection {
  name: string;
  /**
   * The version of its tables and of what `apply` writes into them (default 1). Raise it with any such
   * change: at start the runner rebuilds a generation an older version built, and until the new one
   * switches in, reads of this projection answer 503 (the old tables no longer fit the code reading them).
   */
  version?: number;
  /** The TypeORM entities (tables) this projection owns. Table names are unique across projections. */
  entities: Function[];
  /**
   * Those of `entities` that `apply` only inserts into (never reads, updates or upserts). A rebuild fills
   * them without their primary key and adds it when they are full: one sorted build instead of an index
   * insert per row (a duplicate then fails the rebuild at that point rather than its batch).
   */
  appendOnly?: Function[];
  /** Event types it handles; the runner passes only these to `apply` (and still advances past others). */
  handles: readonly string[];
  /**
   * True when `apply` reads the events' metadata. The runner reads the log's metadata only for the types
   * such projections handle (ReadAllOptions.metadataOf): for the others an event's metadata throws when read.
   */
  readsMetadata?: boolean;
  apply(events: RecordedEvent[], batch: Batch): Promise<void>;
}

/** What `apply` works with. */
export interface Batch {
  /** The batch's transaction; the search_path leads to the generation's schema. */
  em: EntityManager;
  /** Rows kept by primary key; the runner writes back what changed (see RowCache). Other writes go through `em`. */
  rows: RowCache;
}

type DocHandler<Doc> = (doc: Doc | undefined, event: RecordedEvent) => Doc | undefined;

/**
 * A projection of one document (row) per entity, Marten style: for each event type, a pure function from
 * the document as it stands (undefined if none yet) and the event to the new document. Every document a
 * batch touches is loaded at once, and the runner writes the changed ones back at once.
 */
export function documentProjection<Doc extends ObjectLiteral & { id: string }>(spec: {
  name: string;
  /** See Projection.version. */
  version?: number;
  entity: EntityTarget<Doc> & Function;
  /** Which document an event touches (by id), named by the event's stream (one document a stream); null to skip the event. */
  documentId: (event: RecordedEvent) => string | null;
  on: Record<string, DocHandler<Doc>>;
  /** Further entities the projection owns (written by `on` handlers through the same document). */
  extraEntities?: Function[];
  /** The handlers read the events' metadata (see Projection.readsMetadata). */
  readsMetadata?: boolean;
}): Projection {
  return {
    name: spec.name,
    version: spec.version,
    entities: [spec.entity, ...(spec.extraEntities ?? [])],
    handles: Object.keys(spec.on),
    readsMetadata: spec.readsMetadata,
    async apply(events, { em, rows }) {
      // A document is its stream's (documentId reads the stream): a stream's first event finds none, so
      // there is nothing to load for it, and what it makes is new (written with the new rows, unlooked-up).
      await rows.load(em, spec.entity, events.map((event) => (event.streamVersion > 1 ? spec.documentId(event) : null)));
      for (const event of events) {
        const id = spec.documentId(event);
        const handler = spec.on[event.type];
        if (id === null || !handler) continue;
        const next = handler(rows.get(spec.entity, id), event);
        if (!next) continue;
        if (event.streamVersion === 1) rows.add(spec.entity, next);
        else rows.put(spec.entity, next);
      }
    },
  };
}
