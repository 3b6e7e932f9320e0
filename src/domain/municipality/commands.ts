import type { MunicipalityKind } from './events.js';

export interface RegisterMunicipality {
  type: 'RegisterMunicipality';
  municipalityId: string;
  name: string;
  oblast: string;
  district?: string;
  kind?: MunicipalityKind;
  population?: number;
}

export type MunicipalityCommand = RegisterMunicipality;
