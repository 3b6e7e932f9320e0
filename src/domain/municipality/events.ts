import type { DomainEvent } from '../shared/decider.js';
import type { EventSchemas } from '../shared/schema.js';

export const MUNICIPALITY_KINDS = ['city', 'town', 'village', 'aiyl-aimak', 'city-district', 'district'] as const;
export type MunicipalityKind = (typeof MUNICIPALITY_KINDS)[number];

export type MunicipalityRegistered = DomainEvent<
  'MunicipalityRegistered',
  {
    municipalityId: string;
    name: string;
    oblast: string;
    district: string | null;
    kind: MunicipalityKind | null;
    population: number | null;
  }
>;

export type MunicipalityEvent = MunicipalityRegistered;

export const municipalityEventSchemas: EventSchemas = {
  // v1 had no `kind`; v2 added it (null for places recorded before).
  MunicipalityRegistered: { version: 2, upcast: { 1: (data) => ({ ...data, kind: data.kind ?? null }) } },
};
