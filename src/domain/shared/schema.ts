/**
 * Event schemas evolve. Each event type has a current schema version; an event recorded with an older
 * version is upcast on read by pure functions, one step at a time (v1 -> v2 -> ...). Old events are never
 * rewritten: history stays as it was recorded, and test/golden keeps a sample of every version.
 */
export interface EventSchema {
  /** The version new events of this type are written with. */
  version: number;
  /** upcast[v] turns the data of schema version v into version v + 1. */
  upcast?: Record<number, (data: any) => any>;
}

export type EventSchemas = Record<string, EventSchema>;

export function upcastData(schemas: EventSchemas, type: string, schemaVersion: number, data: unknown): unknown {
  const schema = schemas[type];
  if (!schema) return data;
  let current = data;
  for (let v = schemaVersion; v < schema.version; v++) {
    const step = schema.upcast?.[v];
    if (!step) throw new Error(`no upcaster for ${type} from schema version ${v} to ${v + 1}`);
    current = step(current);
  }
  return current;
}

export function currentSchemaVersion(schemas: EventSchemas, type: string): number {
  return schemas[type]?.version ?? 1;
}
