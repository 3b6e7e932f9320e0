import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { fromJson } from '../shared/money.js';
import { assertBusinessDate } from '../shared/dates.js';
import { reportedAmount } from '../shared/reporting.js';
import { assertText } from '../shared/text.js';
import type { DisbursementCommand, DisbursementTarget } from './commands.js';
import type { DisbursementEvent } from './events.js';

export type DisbursementStatus = 'none' | 'requested' | 'approved' | 'paid' | 'cancelled';

export interface DisbursementState {
  exists: boolean;
  status: DisbursementStatus;
  programmeId?: string;
  target?: DisbursementTarget;
  amountReporting?: Money;
  requestedBy?: string;
}

/**
 * Maker-checker: one person requests, another approves, a finance officer pays. The amount against the award
 * is reserved on the award stream (src/domain/award) when requested and given back when cancelled.
 */
export const disbursementDecider: Decider<DisbursementCommand, DisbursementState, DisbursementEvent> = {
  initialState: () => ({ exists: false, status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'DisbursementRequested':
        return {
          exists: true,
          status: 'requested',
          programmeId: event.data.programmeId,
          target: event.data.target,
          amountReporting: fromJson(event.data.amountReporting),
          requestedBy: event.data.requestedBy,
        };
      case 'DisbursementApproved':
        return { ...state, status: 'approved' };
      case 'DisbursementPaid':
        return { ...state, status: 'paid' };
      case 'DisbursementCancelled':
        return { ...state, status: 'cancelled' };
    }
  },

  decide(command, state) {
    if (command.type === 'RequestDisbursement') {
      if (state.exists) throw new AlreadyExists('disbursement', command.disbursementId);
      assertText(command.purpose, 'purpose');
      if (command.amount.minor <= 0n) throw new InvalidValue('amount', 'a disbursement must be greater than zero');
      // Money goes only to an approved grant (not revoked) or an existing facility.
      if (!command.award.active) throw new RuleViolation('invalid-state', `${command.target.kind} '${command.target.id}' cannot receive disbursements`);
      const amount = reportedAmount(command.amount, command.reportingCurrency, command.exchangeRate);
      return [
        {
          type: 'DisbursementRequested',
          data: {
            disbursementId: command.disbursementId,
            programmeId: command.programmeId,
            target: { kind: command.target.kind, id: command.target.id },
            amount: amount.amount,
            exchangeRate: amount.exchangeRate,
            amountReporting: amount.reportingAmount,
            purpose: command.purpose,
            requestedBy: command.actorId,
          },
        },
      ];
    }
    if (!state.exists) throw new NotFound('disbursement', command.disbursementId);
    switch (command.type) {
      case 'ApproveDisbursement':
        if (state.status !== 'requested') throw new RuleViolation('invalid-state', `the disbursement is ${state.status}`);
        // The person who requests a disbursement cannot approve it.
        if (command.actorId === state.requestedBy) {
          throw new RuleViolation('same-person-approval', 'the requester of a disbursement cannot approve it');
        }
        return [{ type: 'DisbursementApproved', data: { disbursementId: command.disbursementId, approvedBy: command.actorId } }];

      case 'PayDisbursement':
        assertBusinessDate(command.paidOn, 'paidOn');
        assertText(command.bankReference, 'bankReference');
        if (state.status !== 'approved') throw new RuleViolation('invalid-state', `only an approved disbursement is paid; it is ${state.status}`);
        return [
          {
            type: 'DisbursementPaid',
            data: { disbursementId: command.disbursementId, paidOn: command.paidOn, bankReference: command.bankReference, paidBy: command.actorId },
            effectiveOn: command.paidOn,
          },
        ];

      case 'CancelDisbursement':
        assertText(command.reason, 'reason');
        // Paid money is a fact in a bank; it is corrected by a new record, not by cancelling the payment.
        if (state.status === 'paid' || state.status === 'cancelled') {
          throw new RuleViolation('invalid-state', `the disbursement is already ${state.status}`);
        }
        return [{ type: 'DisbursementCancelled', data: { disbursementId: command.disbursementId, reason: command.reason, cancelledBy: command.actorId } }];
    }
  },
};
