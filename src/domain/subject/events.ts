import type { DomainEvent } from '../shared/decider.js';
import type { EventSchemas } from '../shared/schema.js';

/**
 * A person's personal data was erased (crypto-shredding: their key was destroyed, see src/audit/personal-data.ts).
 * The event names only the subject id; why and on whose request is in the metadata (reason, actor).
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { subjectId: string }>;

export type SubjectEvent = PersonalDataErased;

export const subjectEventSchemas: EventSchemas = {
  PersonalDataErased: { version: 1 },
};
