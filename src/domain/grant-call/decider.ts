/**
 * CONSISTENCY DESIGN: which stream guards which invariant (also in docs/consistency.md).
 *
 * A command handler (src/write) loads every stream a rule reads, decides, and appends everything it
 * decided in ONE atomic multi-stream append with the loaded versions as expected versions. If another
 * command changed any of those streams in between, the append fails and runCommand re-runs the whole
 * command on fresh state. So an invariant is safe exactly when every command that can break it appends
 * to the stream that guards it.
 *
 * - Programme budget (programme-<id>, issue 3): committed ≤ budget. Opening a call appends BudgetReserved
 *   (reservation `grant-call-<id>`, kind grant-call, amount = envelope in reporting currency) with
 *   GrantCallOpened; closing a call appends BudgetReleased (the unspent envelope) with GrantCallClosed. A grant
 *   approved after its call closed reserves its own amount (`grant-<applicationId>`, kind grant) with
 *   EnvelopeDrawn; revoking a grant of a closed call appends BudgetReleased (the grant) with GrantRevoked.
 * - Call envelope (grant-call-<id>, this decider): approved grants ≤ envelope. GrantApproved (on
 *   application-<id>) is appended with EnvelopeDrawn here; GrantRevoked with EnvelopeReturned. Two approvals
 *   racing for the last of an envelope both append here: one wins, the other is re-decided and gets
 *   `envelope-exceeded`. Closing ends submissions, not the commission's work: pending applications may still be
 *   approved within the envelope, each then reserving its amount on the budget again (see above).
 * - Application decision (application-<id>): a decision is recorded once, votes and conflicts are read from
 *   the same stream (ConflictDeclared lives there), so a conflict declared during a vote forces a re-decide.
 * - Award totals (award-grant-<applicationId>, award-facility-<facilityId>; src/domain/award):
 *   requested + approved + paid disbursements ≤ the award. DisbursementRequested is appended with AwardDrawn,
 *   DisbursementCancelled with AwardReleased. Revoking a grant appends AwardClosed there, which fails while
 *   anything is drawn; so a revocation and a disbursement request racing on one grant cannot both win.
 * - Evidence uniqueness (evidence-<sha256 of the normalised reference>; src/domain/co-funding):
 *   CoFundingReceived is appended with EvidenceCounted on a stream expected not to exist, so the same
 *   evidence submitted twice at once lets one through and answers the other `evidence-already-counted`.
 *
 * Facts read from streams a command does NOT append to (plan endorsed, commission members, a call's ratio,
 * a facility's programme share) are passed into decide explicitly in the command. They are either immutable
 * once written (ratio, members, facility cost) or a stale read is harmless (a plan endorsed a moment later).
 */
import type { Decider } from '../shared/decider.js';
import { parseDecimal } from '../shared/decimal.js';
import { AlreadyExists, InvalidValue, NotFound, RuleViolation } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { add, compare, fromJson, subtract, toJson, zero } from '../shared/money.js';
import { assertBusinessDate } from '../shared/dates.js';
import { reportedAmount } from '../shared/reporting.js';
import { assertText } from '../shared/text.js';
import type { GrantCallCommand } from './commands.js';
import type { GrantCallEvent } from './events.js';

export interface GrantCallState {
  exists: boolean;
  grantCallId?: string;
  programmeId?: string;
  commissionId?: string;
  status: 'none' | 'open' | 'closed';
  closesOn?: string;
  minCoFundingRatio?: string;
  /** Envelope and draws in the programme's reporting currency. */
  envelope?: Money;
  drawn?: Money;
  /** applicationId -> what its approval drew, and the budget reservation made for it after closing (or null). */
  draws: Record<string, { amount: Money; budgetReservationId: string | null }>;
}

/** The programme's budget reservation that holds a call's envelope. */
export function envelopeReservationId(grantCallId: string): string {
  return `grant-call-${grantCallId}`;
}

/** A grant approved after its call closed holds its amount under its own budget reservation. */
export function grantReservationId(applicationId: string): string {
  return `grant-${applicationId}`;
}

/** What approvals may still draw: envelope − approved grants (not revoked). */
export function remainingEnvelope(state: GrantCallState): Money {
  if (!state.envelope || !state.drawn) throw new Error('the grant call does not exist');
  return subtract(state.envelope, state.drawn);
}

/** The facts about a call an application needs at submission and decision. */
export interface GrantCallFacts {
  grantCallId: string;
  programmeId: string;
  commissionId: string;
  status: 'open' | 'closed';
  closesOn: string;
  minCoFundingRatio: string;
  reportingCurrency: string;
}

export function grantCallFacts(state: GrantCallState, grantCallId: string): GrantCallFacts {
  if (!state.exists) throw new NotFound('grant call', grantCallId);
  return {
    grantCallId,
    programmeId: state.programmeId!,
    commissionId: state.commissionId!,
    status: state.status === 'closed' ? 'closed' : 'open',
    closesOn: state.closesOn!,
    minCoFundingRatio: state.minCoFundingRatio!,
    reportingCurrency: state.envelope!.currency,
  };
}

export const grantCallDecider: Decider<GrantCallCommand, GrantCallState, GrantCallEvent> = {
  initialState: () => ({ exists: false, status: 'none', draws: {} }),

  evolve(state, event) {
    // Every other event follows GrantCallOpened on its stream; alone (a damaged history) it changes nothing.
    if (event.type !== 'GrantCallOpened' && !state.exists) return state;
    switch (event.type) {
      case 'GrantCallOpened': {
        const envelope = fromJson(event.data.envelopeReporting);
        return {
          exists: true,
          grantCallId: event.data.grantCallId,
          programmeId: event.data.programmeId,
          commissionId: event.data.commissionId,
          status: 'open',
          closesOn: event.data.closesOn,
          minCoFundingRatio: event.data.minCoFundingRatio,
          envelope,
          drawn: zero(envelope.currency),
          draws: {},
        };
      }
      case 'GrantCallClosed':
        return { ...state, status: 'closed' };
      case 'EnvelopeDrawn': {
        const amount = fromJson(event.data.amount);
        const draw = { amount, budgetReservationId: event.data.budgetReservationId };
        return { ...state, drawn: add(state.drawn!, amount), draws: { ...state.draws, [event.data.applicationId]: draw } };
      }
      case 'EnvelopeReturned': {
        const { [event.data.applicationId]: _returned, ...draws } = state.draws;
        return { ...state, drawn: subtract(state.drawn!, fromJson(event.data.amount)), draws };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'OpenGrantCall': {
        if (state.exists) throw new AlreadyExists('grant call', command.grantCallId);
        parseDecimal(command.minCoFundingRatio, 'minCoFundingRatio');
        assertText(command.title, 'title');
        assertBusinessDate(command.closesOn, 'closesOn');
        if (command.commission.programmeId !== command.programmeId) {
          throw new InvalidValue('commissionId', 'the commission belongs to another programme');
        }
        if (command.envelope.minor <= 0n) throw new InvalidValue('envelope', 'the envelope must be greater than zero');
        const envelope = reportedAmount(command.envelope, command.programme.reportingCurrency, command.exchangeRate);
        return [
          {
            type: 'GrantCallOpened',
            data: {
              grantCallId: command.grantCallId,
              programmeId: command.programmeId,
              commissionId: command.commissionId,
              title: command.title,
              envelope: envelope.amount,
              exchangeRate: envelope.exchangeRate,
              envelopeReporting: envelope.reportingAmount,
              // Stored as the client wrote it (validated above), so it reads back unchanged.
              minCoFundingRatio: command.minCoFundingRatio,
              closesOn: command.closesOn,
            },
          },
        ];
      }

      case 'CloseGrantCall': {
        if (!state.exists) throw new NotFound('grant call', command.grantCallId);
        if (state.status === 'closed') throw new RuleViolation('invalid-state', 'the grant call is already closed');
        if (command.closedOn !== undefined) assertBusinessDate(command.closedOn, 'closedOn');
        return [
          {
            type: 'GrantCallClosed',
            data: {
              grantCallId: command.grantCallId,
              closedOn: command.closedOn ?? null,
              drawn: toJson(state.drawn!),
              released: toJson(remainingEnvelope(state)),
            },
            ...(command.closedOn ? { effectiveOn: command.closedOn } : {}),
          },
        ];
      }

      case 'DrawEnvelope': {
        if (!state.exists) throw new NotFound('grant call', command.grantCallId);
        if (command.amount.minor <= 0n) throw new InvalidValue('amount', 'a draw must be greater than zero');
        if (state.draws[command.applicationId]) {
          throw new RuleViolation('decision-already-recorded', 'this application already draws from the envelope');
        }
        // Approved grants never exceed the call's envelope.
        if (compare(command.amount, remainingEnvelope(state)) > 0) {
          throw new RuleViolation(
            'envelope-exceeded',
            `the envelope has ${toJson(remainingEnvelope(state)).amount} ${state.envelope!.currency} left`,
          );
        }
        return [
          {
            type: 'EnvelopeDrawn',
            data: {
              grantCallId: command.grantCallId,
              applicationId: command.applicationId,
              amount: toJson(command.amount),
              budgetReservationId: state.status === 'closed' ? grantReservationId(command.applicationId) : null,
            },
          },
        ];
      }

      case 'ReturnEnvelope': {
        if (!state.exists) throw new NotFound('grant call', command.grantCallId);
        const draw = state.draws[command.applicationId];
        if (!draw) throw new RuleViolation('invalid-state', 'this application draws nothing from the envelope');
        const releaseFrom = state.status === 'open' ? null : (draw.budgetReservationId ?? envelopeReservationId(command.grantCallId));
        return [
          {
            type: 'EnvelopeReturned',
            data: {
              grantCallId: command.grantCallId,
              applicationId: command.applicationId,
              amount: toJson(draw.amount),
              budgetReleaseFrom: releaseFrom,
            },
          },
        ];
      }
    }
  },
};
