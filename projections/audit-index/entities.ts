import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The entities every event of a stream concerns: the stream's own entity and, where the stream inherits
 * (see `inherits`), those its first event names. The events themselves are found by stream id in the log.
 */
@Entity('audit_stream_entities')
export class AuditStreamEntityRow {
  @PrimaryColumn('text') entityId: string;
  @PrimaryColumn('text') streamId: string;
}

/** Further entities one event names, beyond those of its stream (audit_stream_entities). */
@Entity('audit_entity_refs')
export class AuditEntityRefRow {
  @PrimaryColumn('text') entityId: string;
  @PrimaryColumn('bigint') position: string;
}

/** Which events an actor recorded. */
@Entity('audit_actor_refs')
export class AuditActorRefRow {
  @PrimaryColumn('text') actorId: string;
  @PrimaryColumn('bigint') position: string;
}

/** What apply keeps per stream: the entities its first event named (the stream's own one aside). */
@Entity('audit_stream_refs')
export class AuditStreamRefRow {
  @PrimaryColumn('text') streamId: string;
  @Column('jsonb') refs: string[];
}
