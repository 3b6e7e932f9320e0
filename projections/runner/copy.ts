import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Inserts rows into an entity's table with COPY FROM STDIN in the binary format, on the transaction's
 * connection. PostgreSQL then writes them in bulk: for many rows several times cheaper, on both sides,
 * than INSERT ... SELECT FROM unnest(...) with array parameters or json_populate_recordset (no text to
 * escape or parse). Rows must be new: COPY has no ON CONFLICT.
 *
 * `values` holds the rows column by column, by property name; columns left out are null. Values are as
 * rows hold them: strings, numbers, Dates or ISO strings for timestamps (or a number of microseconds since
 * 1970), decimal strings or bigints for numeric, anything JSON for json and jsonb; null or undefined for NULL.
 */
export async function copyRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, values: { [P in keyof T]?: readonly unknown[] }): Promise<void> {
  const metadata = em.connection.getMetadata(entity);
  const columns = metadata.columns.filter((c) => values[c.propertyName] !== undefined);
  const data = columns.map((c) => values[c.propertyName] as readonly unknown[]);
  if (data.length === 0 || data[0].length === 0) return;
  const encoders = columns.map((c) => {
    const encoder = ENCODERS[String(c.type)];
    if (!encoder) throw new Error(`copyRows: no binary encoding for ${metadata.tableName}.${c.databaseName} (${String(c.type)})`);
    return encoder;
  });
  const client: pg.PoolClient = await em.queryRunner!.connect();
  const sink = client.query(copyFrom(`copy "${metadata.tableName}" (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) from stdin (format binary)`));
  // Errors while the COPY runs reach `finished` below. One after it (the connection lost before the server's
  // last word on the COPY) is the next statement's to report: unheard, it would end the process.
  sink.on('error', () => undefined);
  try {
    for (const chunk of binaryCopy(data, encoders)) sink.write(chunk);
  } catch (error) {
    // A value that cannot be encoded: the COPY is called off (CopyFail), which fails the transaction and
    // frees the connection for its rollback. Left open, it would keep the connection waiting for ever.
    sink.destroy(error as Error);
    await finished(sink).catch(() => undefined);
    throw error;
  }
  sink.end();
  await finished(sink);
}

/**
 * How a column type travels: `prepare` turns a value into what `write` takes (JSON is serialised there, to
 * know its length before writing); `write` puts the field (its length, then its bytes) at `at` and returns
 * the offset after it.
 */
interface Encoder {
  prepare?: (value: unknown) => unknown;
  write: (buffer: Buffer, at: number, value: unknown) => number;
}

/** Microseconds from 1970-01-01 (JavaScript's epoch) to 2000-01-01 (PostgreSQL's). */
const POSTGRES_EPOCH_US = 946_684_800_000_000;

/** An 8-byte integer from a safe integer (as two 32-bit halves: much cheaper than a BigInt). */
const int64 = (buffer: Buffer, at: number, n: number): number => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`copyRows: not a safe integer: ${n}`);
  const high = Math.floor(n / 2 ** 32);
  buffer.writeInt32BE(8, at);
  buffer.writeInt32BE(high, at + 4);
  buffer.writeUInt32BE(n - high * 2 ** 32, at + 8);
  return at + 12;
};

/** A string's UTF-8 bytes. */
const text = (buffer: Buffer, at: number, value: unknown): number => {
  const n = buffer.write(value as string, at + 4);
  buffer.writeInt32BE(n, at);
  return at + 4 + n;
};

/** Binary encoders by TypeORM column type. */
const ENCODERS: Record<string, Encoder> = {
  text: { prepare: String, write: text },
  integer: {
    write: (buffer, at, value) => {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new RangeError(`copyRows: not an integer: ${String(value)}`);
      buffer.writeInt32BE(4, at);
      buffer.writeInt32BE(n, at + 4);
      return at + 8;
    },
  },
  bigint: { write: (buffer, at, value) => int64(buffer, at, Number(value)) },
  // The json format is the JSON text itself.
  json: { prepare: (value) => JSON.stringify(value), write: text },
  // The jsonb format: a version byte (1), then the JSON text (written after the byte, not joined to it: a
  // joined string would be one more copy of every document).
  jsonb: {
    prepare: (value) => JSON.stringify(value),
    write: (buffer, at, value) => {
      buffer[at + 4] = 1;
      const n = buffer.write(value as string, at + 5);
      buffer.writeInt32BE(n + 1, at);
      return at + 5 + n;
    },
  },
  timestamptz: {
    write: (buffer, at, value) => {
      // Microseconds since 1970 as a number (exact: below 2^53 for the next two centuries), or a time.
      const us = typeof value === 'number' ? value : (value instanceof Date ? value.getTime() : Date.parse(String(value))) * 1000;
      if (!Number.isFinite(us)) throw new RangeError(`copyRows: not a time: ${String(value)}`);
      return int64(buffer, at, us - POSTGRES_EPOCH_US);
    },
  },
  numeric: {
    // A bigint past the safe integers goes as its text (which `most` below sizes), so `write` sees safe ones only.
    prepare: (value) => (typeof value === 'bigint' && (value < MIN_SAFE || value > MAX_SAFE) ? String(value) : value),
    write: (buffer, at, value) => {
      if (typeof value === 'bigint') return safeIntegerNumeric(buffer, at, Number(value));
      const text = String(value);
      // The common case, amounts in minor units: an integer of up to 15 digits, done with arithmetic.
      if (/^-?\d{1,15}$/.test(text)) return safeIntegerNumeric(buffer, at, Number(text));
      const digits = numericDigits(text);
      buffer.writeInt32BE(8 + 2 * digits.base10000.length, at);
      at = buffer.writeInt16BE(digits.base10000.length, at + 4);
      at = buffer.writeInt16BE(digits.weight, at);
      at = buffer.writeUInt16BE(digits.negative ? 0x4000 : 0, at);
      at = buffer.writeInt16BE(digits.scale, at);
      for (const d of digits.base10000) at = buffer.writeInt16BE(d, at);
      return at;
    },
  },
};

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** The base-10000 digits of a safe integer, least significant first (at most four). */
const scratchDigits = new Array<number>(4);

/**
 * A safe integer as a numeric field (as `numericDigits` lays it out, without making arrays: amounts in minor
 * units, most of what the ledger writes, come this way, several per event).
 */
function safeIntegerNumeric(buffer: Buffer, at: number, n: number): number {
  let count = 0;
  for (let m = Math.abs(n); m > 0; m = Math.floor(m / 10000)) scratchDigits[count++] = m % 10000;
  let lowest = 0; // trailing zero digits are left out
  while (lowest < count && scratchDigits[lowest] === 0) lowest++;
  buffer.writeInt32BE(8 + 2 * (count - lowest), at);
  at = buffer.writeInt16BE(count - lowest, at + 4);
  at = buffer.writeInt16BE(Math.max(count - 1, 0), at); // weight
  at = buffer.writeUInt16BE(n < 0 ? 0x4000 : 0, at);
  at = buffer.writeInt16BE(0, at); // scale
  for (let i = count - 1; i >= lowest; i--) at = buffer.writeInt16BE(scratchDigits[i], at);
  return at;
}

/**
 * A decimal string in PostgreSQL's numeric layout: base-10000 digits without leading or trailing zero
 * digits, the weight (power of 10000) of the first one, and the display scale (digits after the point).
 */
export function numericDigits(text: string): { negative: boolean; weight: number; scale: number; base10000: number[] } {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || match[2] + (match[3] ?? '') === '') throw new RangeError(`copyRows: not a decimal: ${text}`);
  const whole = match[2].replace(/^0+/, '');
  const fraction = match[3] ?? '';
  const scale = fraction.length;
  // Group from the decimal point outwards: the whole part padded on the left, the fraction on the right.
  const left = whole.padStart(Math.ceil(whole.length / 4) * 4, '0');
  const right = fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
  const base10000: number[] = [];
  for (let i = 0; i < left.length; i += 4) base10000.push(Number(left.slice(i, i + 4)));
  for (let i = 0; i < right.length; i += 4) base10000.push(Number(right.slice(i, i + 4)));
  let weight = left.length / 4 - 1;
  while (base10000.length > 0 && base10000[0] === 0) {
    base10000.shift();
    weight--;
  }
  while (base10000.length > 0 && base10000[base10000.length - 1] === 0) base10000.pop();
  if (base10000.length === 0) weight = 0;
  const negative = match[1] === '-' && base10000.length > 0;
  return { negative, weight, scale, base10000 };
}

/**
 * The binary COPY stream (header, rows, trailer), in chunks from 64 kB doubling up to a megabyte: a COPY of
 * a few rows (most of a live batch's) does not take a megabyte of memory the garbage collector must reclaim.
 */
function* binaryCopy(columns: readonly (readonly unknown[])[], encoders: Encoder[]): Generator<Buffer> {
  let size = 1 << 16;
  let buffer = Buffer.allocUnsafe(size);
  let at = buffer.write('PGCOPY\n\xff\r\n\0', 'latin1');
  at = buffer.writeInt32BE(0, buffer.writeInt32BE(0, at)); // flags, header extension
  const fields = new Array<unknown>(columns.length);
  for (let row = 0; row < columns[0].length; row++) {
    // Room for the row first: a field count, then per field its length, a byte (jsonb's version) and at
    // most 3 bytes a UTF-16 unit of text (36 bytes for anything else), and the trailer.
    let most = 4;
    for (let c = 0; c < columns.length; c++) {
      let value = columns[c][row];
      if (value !== null && value !== undefined && encoders[c].prepare) value = encoders[c].prepare!(value);
      fields[c] = value;
      most += typeof value === 'string' ? 5 + 3 * value.length : 36;
    }
    if (at + most > buffer.length) {
      yield buffer.subarray(0, at);
      size = Math.min(size * 2, 1 << 20);
      buffer = Buffer.allocUnsafe(Math.max(size, most));
      at = 0;
    }
    at = buffer.writeInt16BE(columns.length, at);
    for (let c = 0; c < columns.length; c++) {
      at = fields[c] === null || fields[c] === undefined ? buffer.writeInt32BE(-1, at) : encoders[c].write(buffer, at, fields[c]);
    }
  }
  at = buffer.writeInt16BE(-1, at); // room kept above
  yield buffer.subarray(0, at);
}
