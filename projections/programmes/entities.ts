import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExchangeRate, MoneyJson } from '../../src/domain/shared/money.js';

@Entity('programmes')
export class ProgrammeRow {
  @PrimaryColumn('text')
  id: string;

  @Column('integer')
  version: number;

  @Column('text')
  status: string;

  @Column('text')
  title: string;

  @Column('json')
  donor: { id: string; name: string };

  /** As agreed, in its own currency. */
  @Column('json')
  budget: MoneyJson;

  @Column('json', { nullable: true })
  exchangeRate: ExchangeRate | null;

  @Column('text')
  reportingCurrency: string;

  /** The budget in the reporting currency. */
  @Column('json')
  budgetReporting: MoneyJson;

  @Column('text')
  startDate: string;

  @Column('text')
  endDate: string;

  @Column('text', { nullable: true })
  implementer: string | null;

  /** Funds received from the donor, in the reporting currency. */
  @Column('json')
  received: MoneyJson;

  /** What the budget invariant counts: facility shares, open grant envelopes, grants (reporting currency). */
  @Column('json')
  reserved: MoneyJson;

  /** budgetReporting − reserved: what new commitments may still take. */
  @Column('json')
  available: MoneyJson;

  /** Municipalities with a plan of this programme endorsed by their council. */
  @Column('json')
  endorsedPlans: { planId: string; municipalityId: string; endorsedOn: string }[];

  @Column('timestamptz')
  registeredAt: string;
}
