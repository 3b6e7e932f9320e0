import { documentProjection } from '../runner/projection.js';
import { MunicipalityRow } from './entities.js';

export const municipalitiesProjection = documentProjection<MunicipalityRow>({
  name: 'municipalities',
  entity: MunicipalityRow,
  documentId: (event) => (event.streamId.startsWith('municipality-') ? event.streamId.slice('municipality-'.length) : null),
  on: {
    MunicipalityRegistered: (_doc, event) => ({
      id: event.data.municipalityId,
      version: event.streamVersion,
      status: 'registered',
      name: event.data.name,
      oblast: event.data.oblast,
      district: event.data.district,
      kind: event.data.kind,
      population: event.data.population,
      registeredAt: event.recordedAt,
    }),
  },
});
