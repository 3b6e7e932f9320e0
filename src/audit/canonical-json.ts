/**
 * The canonical JSON of RFC 8785 (JCS), as the `canonicalize` package writes it, character for character:
 * keys sorted by UTF-16 code units, strings and numbers as ECMAScript's JSON.stringify writes them, no
 * whitespace; NaN, infinities, lone surrogates and circular references are refused. The chain hashes every
 * event through it, so it is written for speed: one string built in one pass, without the package's
 * per-value closures, arrays and joins (a third of the chain's CPU went there). test/audit/canonical-json
 * holds it to the package over random JSON values.
 */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, new Set());
}

/** In a /u pattern a surrogate pair is one code point: \p{Cs} matches only a surrogate standing alone. */
const LONE_SURROGATE = /\p{Cs}/u;

function primitive(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
  } else if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
  }
  return JSON.stringify(value);
}

function write(value: unknown, seen: Set<object>): string | undefined {
  return value === null || typeof value !== 'object' ? primitive(value) : composite(value, seen);
}

function composite(object: object, seen: Set<object>): string | undefined {
  if (seen.has(object)) throw new Error('Circular reference detected');
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    seen.add(object);
    const text = write(toJSON.call(object), seen);
    seen.delete(object);
    return text;
  }
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = '[';
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      if (i > 0) out += ',';
      out += write(item === undefined || typeof item === 'symbol' ? null : item, seen) ?? ''; // as Array#join writes it
    }
    out += ']';
  } else {
    out = '{';
    let first = true;
    for (const key of Object.keys(object).sort()) {
      const item: unknown = (object as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'symbol') continue;
      out += `${first ? '' : ','}${primitive(key)}:${write(item, seen)}`;
      first = false;
    }
    out += '}';
  }
  seen.delete(object);
  return out;
}
