import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { upsertRows } from './rows.js';

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
  /** The TypeORM entities (tables) this projection owns. Table names are unique across projections. */
  entities: Function[];
  /** Event types it handles; the runner passes only these to `apply` (and still advances past others). */
  handles: readonly string[];
  apply(events: RecordedEvent[], em: EntityManager): Promise<void>;
}

type DocHandler<Doc> = (doc: Doc | undefined, event: RecordedEvent) => Doc | undefined;

/**
 * A projection of one document (row) per entity, Marten style: for each event type, a pure function from
 * the document as it stands (undefined if none yet) and the event to the new document. The runner loads
 * every document a batch touches at once and writes them back at once.
 */
export function documentProjection<Doc extends ObjectLiteral & { id: string }>(spec: {
  name: string;
  entity: EntityTarget<Doc> & Function;
  /** Which document an event touches (by id); null to skip the event. */
  documentId: (event: RecordedEvent) => string | null;
  on: Record<string, DocHandler<Doc>>;
  /** Further entities the projection owns (written by `on` handlers through the same document). */
  extraEntities?: Function[];
}): Projection {
  return {
    name: spec.name,
    entities: [spec.entity, ...(spec.extraEntities ?? [])],
    handles: Object.keys(spec.on),
    async apply(events, em) {
      const ids = [...new Set(events.map(spec.documentId).filter((id): id is string => id !== null))];
      if (ids.length === 0) return;
      const repo = em.getRepository<Doc>(spec.entity);
      const docs = new Map<string, Doc>();
      for (let i = 0; i < ids.length; i += 1000) {
        for (const doc of await repo.findBy({ id: In(ids.slice(i, i + 1000)) } as any)) docs.set(doc.id, doc);
      }
      const changed = new Set<string>();
      for (const event of events) {
        const id = spec.documentId(event);
        const handler = spec.on[event.type];
        if (id === null || !handler) continue;
        const next = handler(docs.get(id), event);
        if (next) {
          docs.set(id, next);
          changed.add(id);
        }
      }
      const rows = [...changed].map((id) => docs.get(id)!);
      await upsertRows(em, spec.entity, rows, ['id']);
    },
  };
}
