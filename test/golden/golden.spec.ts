import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventSchemas } from '../../src/domain/registry.js';
import { fold } from '../../src/domain/shared/decider.js';
import { upcastData } from '../../src/domain/shared/schema.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { goldenDeciders } from './deciders.js';

/**
 * History must stay readable: test/golden/events keeps a recorded event of every schema version of every
 * event type ever written (<Type>.v<N>.json). Each is upcast to the current shape and folded through its
 * aggregate's decider; a release that drops an upcaster or breaks an evolve fails here.
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'events');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const golden: RecordedEvent[] = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));

describe('golden events', () => {
  it('keeps a sample of every schema version of every event type', () => {
    const missing: string[] = [];
    for (const [type, schema] of Object.entries(eventSchemas)) {
      for (let v = 1; v <= schema.version; v++) if (!files.includes(`${type}.v${v}.json`)) missing.push(`${type}.v${v}.json`);
    }
    expect(missing).toEqual([]);
  });

  it.each(files)('%s upcasts to the current schema and folds through its decider', (file) => {
    const event = golden[files.indexOf(file)];
    expect(file).toBe(`${event.type}.v${event.schemaVersion}.json`);
    const data = upcastData(eventSchemas, event.type, event.schemaVersion, event.data);
    const current = golden.find((e) => e.type === event.type && e.schemaVersion === eventSchemas[event.type].version)!;
    // The upcast shape has exactly the fields of an event written today.
    expect(Object.keys(data as object).sort()).toEqual(Object.keys(current.data).sort());
    const decider = goldenDeciders[event.type];
    expect(decider).toBeDefined();
    expect(() => fold(decider, [{ type: event.type, data, effectiveOn: event.effectiveOn ?? undefined }])).not.toThrow();
  });
});
