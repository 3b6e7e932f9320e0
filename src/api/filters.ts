/**
 * The equality filters of a list query (`?programmeId=...&status=...`) that were given: empty and repeated
 * parameters are ignored, so `?status=` lists everything rather than nothing.
 */
export function givenFilters<K extends string>(query: Record<K, unknown>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => typeof value === 'string' && value !== '')) as Partial<Record<K, string>>;
}
