import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which events concern an entity: its own stream's, and those of other streams that name it. */
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

/** The entities a stream's first event names: every later event of the stream concerns them too. */
@Entity('audit_stream_refs')
export class AuditStreamRefRow {
  @PrimaryColumn('text') streamId: string;
  @Column('jsonb') refs: string[];
}
