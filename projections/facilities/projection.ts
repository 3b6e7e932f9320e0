import { documentProjection } from '../runner/projection.js';
import { FacilityRow } from './entities.js';

export const facilitiesProjection = documentProjection<FacilityRow>({
  name: 'facilities',
  version: 2, // 2: documents are json (kept as written), no longer jsonb
  entity: FacilityRow,
  documentId: (event) => (event.streamId.startsWith('facility-') ? event.streamId.slice('facility-'.length) : null),
  on: {
    FacilityAgreed: (_doc, event) => ({
      id: event.data.facilityId,
      version: event.streamVersion,
      status: 'agreed',
      programmeId: event.data.programmeId,
      municipalityId: event.data.municipalityId,
      planId: event.data.planId,
      kind: event.data.kind,
      title: event.data.title,
      totalCost: event.data.totalCost,
      exchangeRate: event.data.exchangeRate,
      totalCostReporting: event.data.totalCostReporting,
      localShareRatio: event.data.localShareRatio,
      programmeShare: event.data.programmeShare,
      localShare: event.data.localShare,
      completedOn: null,
      agreedAt: event.recordedAt,
    }),
    FacilityEstablished: (doc, event) => doc && { ...doc, version: event.streamVersion, status: 'established', completedOn: event.data.completedOn },
  },
});
