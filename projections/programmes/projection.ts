import type { RecordedEvent } from '../../src/eventstore/port.js';
import { add, fromJson, subtract, toJson, type MoneyJson } from '../../src/domain/shared/money.js';
import { documentProjection } from '../runner/projection.js';
import { ProgrammeRow } from './entities.js';

const plus = (a: MoneyJson, b: MoneyJson) => toJson(add(fromJson(a), fromJson(b)));
const minus = (a: MoneyJson, b: MoneyJson) => toJson(subtract(fromJson(a), fromJson(b)));

/** Every event of the programme stream moves the document's version, so its ETag is the stream's. */
function touch(doc: ProgrammeRow | undefined, event: RecordedEvent, change: (doc: ProgrammeRow) => Partial<ProgrammeRow>): ProgrammeRow | undefined {
  if (!doc) return undefined;
  return { ...doc, ...change(doc), version: event.streamVersion };
}

export const programmesProjection = documentProjection<ProgrammeRow>({
  name: 'programmes',
  version: 2, // 2: documents are json (kept as written), no longer jsonb
  entity: ProgrammeRow,
  documentId: (event) => (event.streamId.startsWith('programme-') ? event.streamId.slice('programme-'.length) : null),
  on: {
    ProgrammeRegistered: (_doc, event) => {
      const zero = toJson({ minor: 0n, currency: event.data.reportingCurrency });
      return {
        id: event.data.programmeId,
        version: event.streamVersion,
        status: 'registered',
        title: event.data.title,
        donor: event.data.donor,
        budget: event.data.budget,
        exchangeRate: event.data.exchangeRate,
        reportingCurrency: event.data.reportingCurrency,
        budgetReporting: event.data.budgetReporting,
        startDate: event.data.startDate,
        endDate: event.data.endDate,
        implementer: event.data.implementer,
        received: zero,
        reserved: zero,
        available: event.data.budgetReporting,
        endorsedPlans: [],
        registeredAt: event.recordedAt,
      };
    },
    FundsReceived: (doc, event) => touch(doc, event, (d) => ({ received: plus(d.received, event.data.amountReporting) })),
    BudgetReserved: (doc, event) =>
      touch(doc, event, (d) => ({ reserved: plus(d.reserved, event.data.amount), available: minus(d.available, event.data.amount) })),
    BudgetReleased: (doc, event) =>
      touch(doc, event, (d) => ({ reserved: minus(d.reserved, event.data.amount), available: plus(d.available, event.data.amount) })),
    EndorsedPlanLinked: (doc, event) =>
      touch(doc, event, (d) => ({
        endorsedPlans: [...d.endorsedPlans, { planId: event.data.planId, municipalityId: event.data.municipalityId, endorsedOn: event.data.endorsedOn }],
      })),
  },
});
