import { municipalitiesProjection } from './municipalities/projection.js';
import type { Projection } from './runner/projection.js';

/** Every read model the service maintains. */
export const projections: Projection[] = [municipalitiesProjection];
