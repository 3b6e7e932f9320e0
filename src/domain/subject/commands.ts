export interface ErasePersonalData {
  type: 'ErasePersonalData';
  subjectId: string;
  /** Whether the ledger ever held personal data of this subject (a key exists, live or destroyed). */
  known: boolean;
}

export type SubjectCommand = ErasePersonalData;
