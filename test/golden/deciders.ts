import type { Decider } from '../../src/domain/shared/decider.js';
import { municipalityDecider } from '../../src/domain/municipality/decider.js';
import { applicationDecider } from '../../src/domain/application/decider.js';
import { awardDecider } from '../../src/domain/award/decider.js';
import { coFundingDecider, evidenceDecider } from '../../src/domain/co-funding/decider.js';
import { commissionDecider } from '../../src/domain/commission/decider.js';
import { disbursementDecider } from '../../src/domain/disbursement/decider.js';
import { grantCallDecider } from '../../src/domain/grant-call/decider.js';
import { facilityDecider } from '../../src/domain/facility/decider.js';
import { planDecider } from '../../src/domain/plan/decider.js';
import { programmeDecider } from '../../src/domain/programme/decider.js';
import { resultDecider } from '../../src/domain/result/decider.js';
import { subjectDecider } from '../../src/domain/subject/decider.js';

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
  ProgrammeRegistered: programmeDecider,
  FundsReceived: programmeDecider,
  BudgetReserved: programmeDecider,
  BudgetReleased: programmeDecider,
  EndorsedPlanLinked: programmeDecider,
  PlanDrafted: planDecider,
  PlanEndorsed: planDecider,
  PlanAmended: planDecider,
  FacilityAgreed: facilityDecider,
  FacilityEstablished: facilityDecider,
  ResultRecorded: resultDecider,
  ResultRetracted: resultDecider,
  PersonalDataErased: subjectDecider,
};
