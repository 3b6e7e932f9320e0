import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes, type ValidationArguments, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata.js';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';

/**
 * Nest's ValidationPipe with a fast path for the common case, a valid body. class-validator builds an error
 * object for every property, filters its metadata several times over and looks it up again for every
 * object it validates: about a seventh of a command's CPU in the service. `isValid` asks the very same
 * constraints (class-validator's own registered validators, with the same arguments) in the same order of
 * conditions, with the metadata looked up once per class, and answers only "valid" or "not sure". A body it
 * cannot vouch for, including every invalid one, goes through class-validator as before, so every 400 and
 * its messages are class-validator's own. The transformation around it (plainToInstance, the checks on
 * binary values, stripping prototype keys) stays Nest's.
 */
export class LedgerValidationPipe extends ValidationPipe {
  private readonly fast: boolean;

  constructor(options: ValidationPipeOptions) {
    super(options);
    this.fast = fastPathApplies(options);
  }

  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    if (this.fast && isValid(object, undefined)) return [];
    return super.validate(object, validatorOptions);
  }
}

/**
 * The options the fast path mirrors: whitelist with forbidNonWhitelisted and forbidUnknownValues, no groups,
 * nothing skipped. Any other option sends every body to class-validator.
 */
export function fastPathApplies(options: ValidationPipeOptions): boolean {
  const mirrored = new Set(['whitelist', 'forbidNonWhitelisted', 'forbidUnknownValues', 'transform', 'transformOptions', 'validationError', 'exceptionFactory']);
  return (
    Object.keys(options).every((key) => mirrored.has(key)) &&
    options.whitelist === true &&
    options.forbidNonWhitelisted === true &&
    options.forbidUnknownValues === true
  );
}

/** A constraint rule with the validators registered for it (looked up once: they are registered at import). */
interface Rule {
  m: ValidationMetadata;
  validators: ConstraintMetadata[];
}

type Grouped = Record<string, { defined: Rule[]; conditional: ValidationMetadata[]; custom: Rule[]; nested: ValidationMetadata[]; promise: boolean }>;

const storage = getMetadataStorage();
/** Per class, per target schema: its metadata by property (as class-validator groups it for each object). */
const groupedByClass = new Map<Function, Map<string | undefined, Grouped | null>>();

function groupedOf(target: Function, schema: string | undefined): Grouped | null {
  let bySchema = groupedByClass.get(target);
  if (!bySchema) groupedByClass.set(target, (bySchema = new Map()));
  if (bySchema.has(schema)) return bySchema.get(schema)!;
  // The arguments class-validator's executor passes with these options (always false, strictGroups false, no groups).
  const metadatas = storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined as unknown as string[]);
  let grouped: Grouped | null = null;
  if (metadatas.length > 0) {
    grouped = {};
    for (const [property, list] of Object.entries(storage.groupByPropertyName(metadatas))) {
      if (list.length === 0) continue;
      const rest = list.filter((m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST);
      const rule = (m: ValidationMetadata): Rule => ({ m, validators: storage.getTargetValidatorConstraints(m.constraintCls) });
      grouped[property] = {
        defined: list.filter((m) => m.type === ValidationTypes.IS_DEFINED).map(rule),
        conditional: rest.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION),
        custom: rest.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION).map(rule),
        nested: rest.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION),
        promise: rest.some((m) => m.type === ValidationTypes.PROMISE_VALIDATION),
      };
    }
  }
  bySchema.set(schema, grouped);
  return grouped;
}

/**
 * True only when class-validator (with the options above) would find nothing wrong with `object`: the same
 * walk as its ValidationExecutor, stopping at the first doubt. `schema` is the target schema class-validator
 * passes for nested objects (the name of the class whose property holds them).
 */
export function isValid(object: object, schema: string | undefined): boolean {
  const grouped = groupedOf(object.constructor, schema);
  if (!grouped) return false; // forbidUnknownValues: an object without rules is an error
  for (const key of Object.keys(object)) if (!Object.hasOwn(grouped, key)) return false; // forbidNonWhitelisted
  for (const property in grouped) {
    const rules = grouped[property];
    const value = (object as Record<string, unknown>)[property];
    if (rules.promise && value instanceof Promise) return false;
    if (!propertyValid(object, value, rules)) return false;
  }
  return true;
}

function propertyValid(object: object, value: unknown, rules: Grouped[string]): boolean {
  // Every condition is asked, as class-validator does (it maps them all, then combines).
  let validate = true;
  for (const m of rules.conditional) validate = (m.constraints[0] as (o: object, v: unknown) => boolean)(object, value) && validate;
  if (!validate) return true;
  if (!constraintsHold(object, value, rules.defined)) return false;
  if (!constraintsHold(object, value, rules.custom)) return false;
  if (value === undefined) return true;
  for (const m of rules.nested) {
    // A collection's items each as a property of it with the nested rule alone (no conditions, no constraints).
    for (const item of isCollection(value) ? value.values() : [value]) if (!nestedValid(item, m)) return false;
  }
  return true;
}

/** What class-validator validates item by item (`each`, nested rules): arrays, Sets and Maps (their values). */
function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

function nestedValid(value: unknown, m: ValidationMetadata): boolean {
  if (!(value instanceof Object)) return false;
  return isValid(value, typeof m.target === 'string' ? m.target : m.target.name);
}

function constraintsHold(object: object, value: unknown, rules: Rule[]): boolean {
  for (const { m, validators } of rules) {
    if (m.validateIf && !m.validateIf(object, value)) continue;
    const args: ValidationArguments = { targetName: object.constructor ? object.constructor.name : (undefined as unknown as string), property: m.propertyName, object, value, constraints: m.constraints };
    const items = m.each && isCollection(value) ? [...value.values()] : [value];
    for (const constraint of validators) {
      if (constraint.async) return false; // class-validator would await it: not this path's business
      for (const item of items) {
        const verdict: unknown = constraint.instance.validate(item, args);
        if (!verdict || typeof verdict === 'object') return false; // false, or a promise (async validation)
      }
    }
  }
  return true;
}
