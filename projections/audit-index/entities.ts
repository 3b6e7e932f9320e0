import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Ids are compared byte by byte (collation "C"): they are opaque keys, never shown in an order, and building
 * and searching their indexes is cheaper than under a language's collation.
 */
const id = { collation: 'C' } as const;

/**
 * The entities every event of a stream concerns beyond its own one (found by the stream's name): where the
 * stream inherits (see `inherits`), those its first event names; the own entity of a stream whose id has no
 * category. The events themselves are found by stream id in the log.
 */
@Entity('audit_stream_entities')
export class AuditStreamEntityRow {
  @PrimaryColumn('text', id) entityId: string;
  @PrimaryColumn('text', id) streamId: string;
}

/** Further entities one event names, beyond those of its stream (audit_stream_entities). */
@Entity('audit_entity_refs')
export class AuditEntityRefRow {
  @PrimaryColumn('text', id) entityId: string;
  @PrimaryColumn('bigint') position: string;
}

/** What apply keeps per stream: the entities its first event named (the stream's own one aside). */
@Entity('audit_stream_refs')
export class AuditStreamRefRow {
  @PrimaryColumn('text', id) streamId: string;
  @Column('jsonb') refs: string[];
}
