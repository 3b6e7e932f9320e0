import { documentProjection } from '../runner/projection.js';
import { ResultRow } from './entities.js';

export const resultsProjection = documentProjection<ResultRow>({
  name: 'results',
  entity: ResultRow,
  documentId: (event) => (event.streamId.startsWith('result-') ? event.streamId.slice('result-'.length) : null),
  on: {
    ResultRecorded: (_doc, event) => ({
      id: event.data.resultId,
      version: event.streamVersion,
      status: 'recorded',
      programmeId: event.data.programmeId,
      kind: event.data.kind,
      date: event.data.date,
      title: event.data.title,
      municipalityId: event.data.municipalityId,
      grantId: event.data.grantId,
      priority: event.data.priority,
      participants: event.data.participants,
      directBeneficiaries: event.data.directBeneficiaries,
      indirectBeneficiaries: event.data.indirectBeneficiaries,
      retractionReason: null,
      recordedAt: event.recordedAt,
    }),
    ResultRetracted: (doc, event) => doc && { ...doc, version: event.streamVersion, status: 'retracted', retractionReason: event.data.reason },
  },
});
