/**
 * A broken business rule. Deciders throw it; the HTTP edge maps it once to 422 problem+json
 * with `rule` set to the code (the codes are the ones the API contract lists).
 */
export class RuleViolation extends Error {
  constructor(
    readonly rule: string,
    detail?: string,
  ) {
    super(detail ?? rule);
    this.name = 'RuleViolation';
  }
}

/** Input that is well-formed JSON but not a valid value (a bad amount, an unknown currency...): HTTP 400. */
export class InvalidValue extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidValue';
  }
}

/** The entity a command or query names does not exist: HTTP 404. */
export class NotFound extends Error {
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} '${id}' was not found`);
    this.name = 'NotFound';
  }
}

/** Creating an entity whose id is taken: HTTP 409. */
export class AlreadyExists extends Error {
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} '${id}' already exists`);
    this.name = 'AlreadyExists';
  }
}
