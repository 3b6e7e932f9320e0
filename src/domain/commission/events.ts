import type { DomainEvent } from '../shared/decider.js';
import type { EventSchemas } from '../shared/schema.js';
import type { CommissionMember } from './commands.js';

export type CommissionConstituted = DomainEvent<
  'CommissionConstituted',
  {
    commissionId: string;
    programmeId: string;
    name: string;
    quorum: number;
    members: CommissionMember[];
  }
>;

export type CommissionEvent = CommissionConstituted;

export const commissionEventSchemas: EventSchemas = {
  CommissionConstituted: { version: 1 },
};
