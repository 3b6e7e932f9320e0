import type { PersonalText } from '../shared/personal.js';

export interface CommissionMember {
  /** The member's JWT `sub`: commission rules compare it with the caller's id. */
  id: string;
  /** Personal data: sealed under the member's id once recorded (src/domain/shared/personal.ts). */
  name: PersonalText;
  affiliation: string;
}

export interface ConstituteCommission {
  type: 'ConstituteCommission';
  commissionId: string;
  programmeId: string;
  name: string;
  quorum: number;
  members: CommissionMember[];
}

export type CommissionCommand = ConstituteCommission;
