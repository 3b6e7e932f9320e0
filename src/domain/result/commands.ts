import type { ResultKind } from './events.js';

/** Something the programme achieved: a training, an exchange visit, people reached, an event, media coverage. */
export interface RecordResult {
  type: 'RecordResult';
  resultId: string;
  programmeId: string;
  kind: ResultKind;
  date: string;
  title: string;
  municipalityId?: string | null;
  grantId?: string | null;
  priority?: string | null;
  participants?: number | null;
  directBeneficiaries?: number | null;
  indirectBeneficiaries?: number | null;
}

/** A result recorded by mistake stops counting; the record itself stays, with the reason. */
export interface RetractResult {
  type: 'RetractResult';
  resultId: string;
  reason: string;
}

export type ResultCommand = RecordResult | RetractResult;
