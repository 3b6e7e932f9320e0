import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isBusinessDate } from '../../domain/shared/dates.js';
import { isEntityId } from '../../domain/shared/ids.js';

/** A real calendar day written YYYY-MM-DD. */
export function IsBusinessDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBusinessDate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isBusinessDate(value) },
    });
}

/** A client-chosen id: `^[a-z0-9][a-z0-9-]{0,63}$`. */
export function IsEntityId(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isEntityId',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must match ^[a-z0-9][a-z0-9-]{0,63}$`, ...options },
      validator: { validate: (value: unknown) => isEntityId(value) },
    });
}
