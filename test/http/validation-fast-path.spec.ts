import 'reflect-metadata';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { plainToInstance } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, validate, ValidationTypes } from 'class-validator';
import { fastPathApplies, isValid } from '../../src/api/common/validation.js';
import { Rng } from '../../bench/lib/prng.js';

/**
 * The validation fast path (src/api/common/validation.ts) must say "valid" exactly when class-validator
 * finds nothing wrong: a body it passes that class-validator would refuse is bad input let through. Every
 * request DTO of the API (those of src/api/<area>/dto.ts, the money DTOs, the rebuild request) is fed
 * thousands of bodies made from its own rules (values its constraints accept, values they refuse, missing
 * and unknown fields, nested objects and arrays, wrong shapes), and the two verdicts are compared on each.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const apiDir = path.resolve(here, '../../src/api');
const storage = getMetadataStorage() as any;
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };

const POOL: unknown[] = [
  'USD', 'KGS', 'EUR', 'usd', '100', '100.50', '0.001', '-5', '1e3', '0', '12000', '2016-05-20', '2027-01-01', '2027-02-30', '27-01-01',
  'abc', 'nookat', 's1p6', 'tot-akims-2016', 'Bench town', 'road safety', 'Osh', 'town', 'village', 'a@b.org', '', ' ', 'a'.repeat(201),
  'a'.repeat(2001), 'Bad Id!', 0, 1, 20, 12000, -1, 1.5, 1e12, true, false, null, [], {}, ['a'], [1], { amount: '1', currency: 'USD' },
];

interface PropertyRules {
  name: string;
  accepts: (value: unknown, object: object) => boolean;
  nested?: Function;
  array: boolean;
  enumValues: unknown[];
}

function rulesOf(cls: Function): PropertyRules[] {
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined, false, false, undefined);
  const grouped: Record<string, any[]> = storage.groupByPropertyName(metadatas);
  return Object.entries(grouped).map(([name, list]) => {
    const custom = list.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION || m.type === ValidationTypes.IS_DEFINED);
    const accepts = (value: unknown, object: object) =>
      custom.every((m) =>
        storage.getTargetValidatorConstraints(m.constraintCls).every((c: any) => {
          const items = m.each && Array.isArray(value) ? value : [value];
          return items.every((item) => c.instance.validate(item, { targetName: cls.name, property: name, object, value: item, constraints: m.constraints }) === true);
        }),
      );
    const type = defaultMetadataStorage.findTypeMetadata(cls, name);
    const nested = list.some((m) => m.type === ValidationTypes.NESTED_VALIDATION) ? type?.typeFunction() : undefined;
    const array = custom.some((m) => m.name === 'isArray' || m.each);
    const enumValues = custom.filter((m) => m.name === 'isIn').flatMap((m) => m.constraints[0] as unknown[]);
    return { name, accepts, nested, array, enumValues };
  });
}

/** A plain body for `cls`: mostly values its rules accept, with a chance of every kind of mistake. */
function bodyFor(cls: Function, rng: Rng, sloppiness: number, depth = 0): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const p of rulesOf(cls)) {
    const roll = rng.next();
    if (roll < sloppiness * 0.3) continue; // missing
    let value: unknown;
    if (p.nested && depth < 3 && rng.next() > sloppiness * 0.3) {
      const one = () => bodyFor(p.nested!, rng, sloppiness, depth + 1);
      value = p.array ? Array.from({ length: rng.int(0, 3) }, one) : one();
    } else if (roll < 1 - sloppiness) {
      const candidates = [...p.enumValues, ...POOL].filter((v) => p.accepts(v, body));
      value = candidates.length > 0 ? rng.pick(candidates) : rng.pick(POOL);
      if (p.array && !Array.isArray(value) && rng.next() < 0.7) value = [value];
    } else {
      value = rng.pick(POOL);
    }
    body[p.name] = value;
  }
  if (rng.next() < sloppiness * 0.2) body.unexpected = 'field';
  return body;
}

async function requestDtos(): Promise<Function[]> {
  const files = readdirSync(apiDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(apiDir, d.name, 'dto.ts')))
    .map((d) => path.join(apiDir, d.name, 'dto.ts'));
  // DTOs declared elsewhere: the money types every amount uses, and the rebuild request.
  files.push(path.join(apiDir, 'common/money.dto.ts'), path.join(apiDir, 'ops/ops.controller.ts'));
  const classes: Function[] = [];
  for (const file of files) {
    const module: Record<string, unknown> = await import(file); // one at a time: jest's module loader races otherwise
    for (const value of Object.values(module)) {
      if (typeof value === 'function' && storage.getTargetValidationMetadatas(value, undefined, false, false, undefined).length > 0) classes.push(value);
    }
  }
  return classes;
}

describe('validation fast path', () => {
  it('applies to the options the service validates with, and to no others', () => {
    expect(fastPathApplies({ whitelist: true, forbidNonWhitelisted: true, transform: true, transformOptions: { enableImplicitConversion: false }, forbidUnknownValues: true, validationError: { target: false, value: false } })).toBe(true);
    expect(fastPathApplies({ whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: true })).toBe(false);
    expect(fastPathApplies({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, skipMissingProperties: true })).toBe(false);
    expect(fastPathApplies({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, groups: ['x'] })).toBe(false);
  });

  it('says valid exactly when class-validator finds nothing wrong, for every request DTO', async () => {
    const dtos = await requestDtos();
    expect(dtos.length).toBeGreaterThan(20);
    const rng = new Rng(20261207);
    let valid = 0;
    let invalid = 0;
    const classesWithValid = new Set<string>();
    for (const cls of dtos) {
      for (let i = 0; i < 300; i++) {
        const plain = bodyFor(cls, rng, i % 3 === 0 ? 0 : rng.next() * 0.5);
        const instance = plainToInstance(cls as any, structuredClone(plain), { enableImplicitConversion: false }) as object;
        const errors = await validate(instance, OPTIONS);
        const fast = isValid(instance, undefined);
        if (fast !== (errors.length === 0)) {
          throw new Error(`${cls.name}: fast path says ${fast}, class-validator found ${errors.length} errors, for ${JSON.stringify(plain)}`);
        }
        if (fast) {
          valid++;
          classesWithValid.add(cls.name);
        } else invalid++;
      }
    }
    // Not vacuous: both verdicts were reached, and valid bodies were made for most classes.
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
    expect(dtos.map((d) => d.name)).toEqual(expect.arrayContaining(['MoneyDto', 'ExchangeRateDto', 'RebuildDto']));
    expect(classesWithValid.size).toBeGreaterThan(dtos.length * 0.9);
  });
});
