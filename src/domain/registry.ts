import { applicationEventSchemas } from './application/events.js';
import { awardEventSchemas } from './award/events.js';
import { coFundingEventSchemas } from './co-funding/events.js';
import { commissionEventSchemas } from './commission/events.js';
import { disbursementEventSchemas } from './disbursement/events.js';
import { facilityEventSchemas } from './facility/events.js';
import { grantCallEventSchemas } from './grant-call/events.js';
import { municipalityEventSchemas } from './municipality/events.js';
import { planEventSchemas } from './plan/events.js';
import { programmeEventSchemas } from './programme/events.js';
import { resultEventSchemas } from './result/events.js';
import type { EventSchemas } from './shared/schema.js';
import { subjectEventSchemas } from './subject/events.js';

/** Every event type the ledger has ever written, with its current schema version and upcasters. */
export const eventSchemas: EventSchemas = {
  ...municipalityEventSchemas,
  ...commissionEventSchemas,
  ...grantCallEventSchemas,
  ...applicationEventSchemas,
  ...awardEventSchemas,
  ...disbursementEventSchemas,
  ...coFundingEventSchemas,
  ...programmeEventSchemas,
  ...planEventSchemas,
  ...facilityEventSchemas,
  ...resultEventSchemas,
  ...subjectEventSchemas,
};
