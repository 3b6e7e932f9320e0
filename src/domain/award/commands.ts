import type { Money } from '../shared/money.js';

export type AwardKind = 'grant' | 'facility';

/** Reserves a disbursement's amount on the award; staged with DisbursementRequested. */
export interface DrawAward {
  type: 'DrawAward';
  awardId: string;
  disbursementId: string;
  /** In the reporting currency. */
  amount: Money;
  /**
   * What the award allows in total (reporting currency): the grant's approved amount, or the facility's
   * programme share. Passed in by the handler; it does not change once the award exists.
   */
  ceiling: Money;
}

/** Gives a cancelled disbursement's reservation back; staged with DisbursementCancelled. */
export interface ReleaseAward {
  type: 'ReleaseAward';
  awardId: string;
  disbursementId: string;
}

/** Ends the award (a grant revoked); refused while any disbursement holds money on it. */
export interface CloseAward {
  type: 'CloseAward';
  awardId: string;
  reason: string;
}

export type AwardCommand = DrawAward | ReleaseAward | CloseAward;
