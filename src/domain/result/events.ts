import type { DomainEvent } from '../shared/decider.js';
import type { EventSchemas } from '../shared/schema.js';

export const RESULT_KINDS = ['training', 'exchange-visit', 'beneficiaries', 'event', 'media'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export type ResultRecorded = DomainEvent<
  'ResultRecorded',
  {
    resultId: string;
    programmeId: string;
    kind: ResultKind;
    date: string;
    title: string;
    municipalityId: string | null;
    grantId: string | null;
    priority: string | null;
    participants: number | null;
    directBeneficiaries: number | null;
    indirectBeneficiaries: number | null;
  }
>;

export type ResultRetracted = DomainEvent<'ResultRetracted', { resultId: string; reason: string }>;

export type ResultEvent = ResultRecorded | ResultRetracted;

export const resultEventSchemas: EventSchemas = {
  ResultRecorded: { version: 1 },
  ResultRetracted: { version: 1 },
};
