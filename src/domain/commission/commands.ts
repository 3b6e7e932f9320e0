export interface CommissionMember {
  /** The member's JWT `sub`: commission rules compare it with the caller's id. */
  id: string;
  name: string;
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
