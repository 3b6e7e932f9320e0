import { municipalitiesProjection } from './municipalities/projection.js';
import { facilitiesProjection } from './facilities/projection.js';
import { plansProjection } from './plans/projection.js';
import { programmesProjection } from './programmes/projection.js';
import { resultsProjection } from './results/projection.js';
import { grantsProjection } from './grants/projection.js';
import { ledgerProjection } from './ledger/projection.js';
import type { Projection } from './runner/projection.js';

/** Every read model the service maintains. */
export const projections: Projection[] = [municipalitiesProjection, programmesProjection, plansProjection, facilitiesProjection, resultsProjection, grantsProjection, ledgerProjection];

/**
 * Read models earlier versions kept and this one does not: the runner drops what they left at start.
 * - `audit-index`: which events concern an entity, now the log's own index (event store migration 5).
 */
export const retiredProjections = ['audit-index'];
