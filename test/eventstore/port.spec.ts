import fc from 'fast-check';
import { isoFromMicros } from '../../src/eventstore/port.js';

const byDate = (micros: number) => new Date(Math.floor(micros / 1000)).toISOString();

describe('isoFromMicros', () => {
  it('writes what Date.toISOString writes for the millisecond, for any time, in any order', () => {
    // Every safe integer of microseconds: the years 1684 to 2255, before 1970 too.
    const micros = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(fc.property(fc.array(micros, { minLength: 1, maxLength: 50 }), (times) => times.every((t) => isoFromMicros(t) === byDate(t))), { numRuns: 500 });
  });

  it('writes the same for the times of a log, many in one second, one after the other', () => {
    let t = 1_700_000_000_999_000;
    for (let i = 0; i < 20_000; i++) {
      t += (i * 7919) % 1_500; // 0 to 1.5 ms apart: seconds, milliseconds and microseconds roll over
      expect(isoFromMicros(t)).toBe(byDate(t));
    }
    for (const edge of [-1, 0, 999, 1000, -1000, -1001, 999_999, 1_000_000]) expect(isoFromMicros(edge)).toBe(byDate(edge));
  });
});
