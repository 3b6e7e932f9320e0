import type { Decider, DomainEvent } from '../../src/domain/shared/decider.js';
import { fold } from '../../src/domain/shared/decider.js';
import { RuleViolation } from '../../src/domain/shared/errors.js';

type ErrorClass = new (...args: any[]) => Error;

/**
 * Decider specs read as the rule they pin down:
 *   given(decider, [past events]).when(command).then([new events])
 *   given(decider, [past events]).when(command).thenThrows('rule-code' | NotFound | AlreadyExists | InvalidValue)
 */
export function given<C, S, E extends DomainEvent>(decider: Decider<C, S, E>, events: readonly E[] = []) {
  const state = fold(decider, events);
  return {
    when(command: C) {
      const run = () => decider.decide(command, state);
      return {
        then(expected: E[]): void {
          expect(run()).toEqual(expected);
        },
        thenThrows(expected: string | ErrorClass): void {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          if (thrown === undefined) throw new Error(`expected ${typeof expected === 'string' ? expected : expected.name}, but the command was accepted`);
          if (typeof expected === 'string') {
            expect(thrown).toBeInstanceOf(RuleViolation);
            expect((thrown as RuleViolation).rule).toBe(expected);
          } else {
            expect(thrown).toBeInstanceOf(expected);
          }
        },
      };
    },
  };
}
