/** Client-chosen ids follow the contract: lower-case letters, digits and dashes, 1 to 64 characters. */
export const ENTITY_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isEntityId(value: unknown): value is string {
  return typeof value === 'string' && ENTITY_ID.test(value);
}
