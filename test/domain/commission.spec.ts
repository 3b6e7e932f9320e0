import { commissionDecider } from '../../src/domain/commission/decider.js';
import type { ConstituteCommission } from '../../src/domain/commission/commands.js';
import { AlreadyExists, InvalidValue } from '../../src/domain/shared/errors.js';
import { given } from '../support/given.js';

const constitute = (overrides: Partial<ConstituteCommission> = {}): ConstituteCommission => ({
  type: 'ConstituteCommission',
  commissionId: 'com-1',
  programmeId: 'inl-2016',
  name: 'Small grants commission',
  quorum: 2,
  members: [
    { id: 'aida', name: 'Aida', affiliation: 'Government Administration' },
    { id: 'bakyt', name: 'Bakyt', affiliation: 'Ministry of Interior' },
    { id: 'chynara', name: 'Chynara', affiliation: 'civil society' },
  ],
  ...overrides,
});

describe('commission', () => {
  it('is constituted with its members and quorum', () => {
    const { type: _type, ...data } = constitute();
    given(commissionDecider).when(constitute()).then([{ type: 'CommissionConstituted', data }]);
  });

  it('is constituted once', () => {
    const [event] = commissionDecider.decide(constitute(), commissionDecider.initialState());
    given(commissionDecider, [event]).when(constitute()).thenThrows(AlreadyExists);
  });

  it('needs a quorum its members can meet', () => {
    given(commissionDecider).when(constitute({ quorum: 4 })).thenThrows(InvalidValue);
    given(commissionDecider).when(constitute({ quorum: 0 })).thenThrows(InvalidValue);
    given(commissionDecider).when(constitute({ quorum: 1.5 })).thenThrows(InvalidValue);
  });

  it('names each member once', () => {
    const members = constitute().members;
    given(commissionDecider).when(constitute({ members: [...members, members[0]] })).thenThrows(InvalidValue);
  });
});
