import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../src/audit/canonical-json.js';

/** The answer of `fn`, or the message it threw: the two implementations must agree on both. */
function outcome(fn: () => string | undefined): string {
  try {
    return `ok ${String(fn())}`;
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes what the canonicalize package writes, for any JSON value', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('', '\u2028', '\u00e9', '\ud83d\ude00', '"\\\n\t\u0000'));
    const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, number, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(text, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 6 }),
    })).value;
    fc.assert(fc.property(json, (value) => outcome(() => canonicalJson(value)) === outcome(() => canonicalize(value))), { numRuns: 3000 });
  });

  it('refuses what JCS cannot write, as the package does', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    for (const value of [Number.NaN, Infinity, { x: -Infinity }, ['\ud800'], { '\udc00': 1 }, circular, [circular]]) {
      expect(outcome(() => canonicalJson(value))).toBe(outcome(() => canonicalize(value)));
      expect(outcome(() => canonicalJson(value))).toMatch(/^threw /);
    }
  });

  it('writes dates, undefined and symbols as the package does', () => {
    const values = [new Date(Date.UTC(2026, 11, 7)), { d: new Date(0), u: undefined, s: Symbol('x') }, [undefined, Symbol('y'), 1], undefined, { toJSON: () => ({ b: 1, a: [2] }) }];
    for (const value of values) expect(canonicalJson(value)).toBe(canonicalize(value));
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":true}]}');
  });
});
