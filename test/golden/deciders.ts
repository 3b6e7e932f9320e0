import type { Decider } from '../../src/domain/shared/decider.js';
import { municipalityDecider } from '../../src/domain/municipality/decider.js';
import { applicationDecider } from '../../src/domain/application/decider.js';
import { awardDecider } from '../../src/domain/award/decider.js';
import { coFundingDecider, evidenceDecider } from '../../src/domain/co-funding/decider.js';
import { commissionDecider } from '../../src/domain/commission/decider.js';
import { disbursementDecider } from '../../src/domain/disbursement/decider.js';
import { grantCallDecider } from '../../src/domain/grant-call/decider.js';

/** The decider whose evolve folds each golden event: by event type. */
export const goldenDeciders: Record<string, Pick<Decider<any, any, any>, 'initialState' | 'evolve'>> = {
  MunicipalityRegistered: municipalityDecider,
  CommissionConstituted: commissionDecider,
  GrantCallOpened: grantCallDecider,
  GrantCallClosed: grantCallDecider,
  EnvelopeDrawn: grantCallDecider,
  EnvelopeReturned: grantCallDecider,
  ApplicationSubmitted: applicationDecider,
  ConflictDeclared: applicationDecider,
  ApplicationScored: applicationDecider,
  GrantApproved: applicationDecider,
  GrantRejected: applicationDecider,
  GrantRevoked: applicationDecider,
  AwardDrawn: awardDecider,
  AwardReleased: awardDecider,
  AwardClosed: awardDecider,
  DisbursementRequested: disbursementDecider,
  DisbursementApproved: disbursementDecider,
  DisbursementPaid: disbursementDecider,
  DisbursementCancelled: disbursementDecider,
  CoFundingReceived: coFundingDecider,
  EvidenceCounted: evidenceDecider,
};
