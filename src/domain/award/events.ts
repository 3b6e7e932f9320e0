import type { DomainEvent } from '../shared/decider.js';
import type { MoneyJson } from '../shared/money.js';
import type { EventSchemas } from '../shared/schema.js';

export type AwardDrawn = DomainEvent<'AwardDrawn', { awardId: string; disbursementId: string; amount: MoneyJson; ceiling: MoneyJson }>;
export type AwardReleased = DomainEvent<'AwardReleased', { awardId: string; disbursementId: string; amount: MoneyJson }>;
export type AwardClosed = DomainEvent<'AwardClosed', { awardId: string; reason: string }>;

export type AwardEvent = AwardDrawn | AwardReleased | AwardClosed;

export const awardEventSchemas: EventSchemas = {
  AwardDrawn: { version: 1 },
  AwardReleased: { version: 1 },
  AwardClosed: { version: 1 },
};
