import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('municipalities')
@Index(['oblast', 'name'])
export class MunicipalityRow {
  @PrimaryColumn('text')
  id: string;

  @Column('integer')
  version: number;

  @Column('text')
  status: string;

  @Column('text')
  name: string;

  @Column('text')
  oblast: string;

  @Column('text', { nullable: true })
  district: string | null;

  @Column('text', { nullable: true })
  kind: string | null;

  @Column('integer', { nullable: true })
  population: number | null;

  @Column('timestamptz')
  registeredAt: string;
}
