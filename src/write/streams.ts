/**
 * Names of streams the grant handlers read but whose modules (issue 3: programmes, plans, facilities) own
 * them. Kept here until those modules export their own names; the convention is `<category>-<id>`.
 */
export const programmeStream = (id: string) => `programme-${id}`;
export const planStream = (id: string) => `plan-${id}`;
export const facilityStream = (id: string) => `facility-${id}`;
