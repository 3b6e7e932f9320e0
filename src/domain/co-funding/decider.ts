import type { Decider } from '../shared/decider.js';
import { AlreadyExists, InvalidValue, RuleViolation } from '../shared/errors.js';
import { assertBusinessDate } from '../shared/dates.js';
import { reportedAmount } from '../shared/reporting.js';
import type { CoFundingCommand, EvidenceCommand } from './commands.js';
import type { CoFundingEvent, EvidenceEvent } from './events.js';
import { CO_FUNDING_SOURCES, CO_FUNDING_TARGET_KINDS } from './events.js';

export interface CoFundingState {
  exists: boolean;
}

export const coFundingDecider: Decider<CoFundingCommand, CoFundingState, CoFundingEvent> = {
  initialState: () => ({ exists: false }),

  evolve(_state, event) {
    switch (event.type) {
      case 'CoFundingReceived':
        return { exists: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RecordCoFunding': {
        if (state.exists) throw new AlreadyExists('co-funding', command.coFundingId);
        if (!CO_FUNDING_TARGET_KINDS.includes(command.target.kind)) {
          throw new InvalidValue('target.kind', `target.kind must be one of ${CO_FUNDING_TARGET_KINDS.join(', ')}`);
        }
        if (!CO_FUNDING_SOURCES.includes(command.source)) {
          throw new InvalidValue('source', `source must be one of ${CO_FUNDING_SOURCES.join(', ')}`);
        }
        if (normaliseEvidenceRef(command.evidenceRef) === '') throw new InvalidValue('evidenceRef', 'evidenceRef must not be blank');
        assertBusinessDate(command.receivedOn, 'receivedOn');
        if (command.amount.minor <= 0n) throw new InvalidValue('amount', 'co-funding must be greater than zero');
        const amount = reportedAmount(command.amount, command.reportingCurrency, command.exchangeRate);
        return [
          {
            type: 'CoFundingReceived',
            data: {
              coFundingId: command.coFundingId,
              programmeId: command.programmeId,
              target: { kind: command.target.kind, id: command.target.id },
              amount: amount.amount,
              exchangeRate: amount.exchangeRate,
              amountReporting: amount.reportingAmount,
              source: command.source,
              evidenceRef: command.evidenceRef,
              receivedOn: command.receivedOn,
            },
            effectiveOn: command.receivedOn,
          },
        ];
      }
    }
  },
};

/**
 * Two references name the same evidence when they differ only in case, in surrounding or repeated
 * whitespace, or in Unicode compatibility forms ("PO 17/2017" = " po  17/2017"). The write side names the
 * evidence stream `evidence-<sha256 hex of this>`, so any reference, however long, makes a valid stream id.
 */
export function normaliseEvidenceRef(ref: string): string {
  return ref.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface EvidenceState {
  countedFor: string | null;
}

/** One piece of evidence counts once in the whole ledger: the same local budget payment cannot match two awards. */
export const evidenceDecider: Decider<EvidenceCommand, EvidenceState, EvidenceEvent> = {
  initialState: () => ({ countedFor: null }),

  evolve(_state, event) {
    switch (event.type) {
      case 'EvidenceCounted':
        return { countedFor: event.data.coFundingId };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CountEvidence':
        if (state.countedFor !== null) {
          throw new RuleViolation('evidence-already-counted', `evidence '${command.evidenceRef}' already counts for co-funding '${state.countedFor}'`);
        }
        return [
          {
            type: 'EvidenceCounted',
            data: { evidenceRef: command.evidenceRef, normalisedRef: normaliseEvidenceRef(command.evidenceRef), coFundingId: command.coFundingId },
          },
        ];
    }
  },
};
