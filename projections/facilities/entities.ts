import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExchangeRate, MoneyJson } from '../../src/domain/shared/money.js';

@Entity('facilities')
@Index(['programmeId', 'municipalityId'])
export class FacilityRow {
  @PrimaryColumn('text')
  id: string;

  @Column('integer')
  version: number;

  /** agreed, then established when the works are complete. */
  @Column('text')
  status: string;

  @Column('text')
  programmeId: string;

  @Column('text')
  municipalityId: string;

  @Column('text')
  planId: string;

  @Column('text')
  kind: string;

  @Column('text')
  title: string;

  @Column('json')
  totalCost: MoneyJson;

  @Column('json', { nullable: true })
  exchangeRate: ExchangeRate | null;

  @Column('json')
  totalCostReporting: MoneyJson;

  @Column('text')
  localShareRatio: string;

  @Column('json')
  programmeShare: MoneyJson;

  @Column('json')
  localShare: MoneyJson;

  @Column('text', { nullable: true })
  completedOn: string | null;

  @Column('timestamptz')
  agreedAt: string;
}
