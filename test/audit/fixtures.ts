import type { RecordedEvent } from '../../src/eventstore/port.js';

/** A small, realistic log: `count` events over a few streams, positions 1..count. */
export function sampleEvents(count: number): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const position = i + 1;
    const stream = `plan-${(i % 3) + 1}`;
    return {
      id: `0190d5f0-0000-7000-8000-${String(position).padStart(12, '0')}`,
      streamId: stream,
      streamVersion: Math.floor(i / 3) + 1,
      position,
      type: i % 3 === 0 ? 'PlanDrafted' : 'PlanAmended',
      schemaVersion: 1,
      data: { title: `Plan ${position}`, budget: { amount: `${position * 100}.00`, currency: 'USD' }, priorities: ['youth', 'safety'] },
      metadata: { actor: { id: 'officer-1', roles: ['programme-officer'] }, correlationId: `corr-${position}`, causationId: null, reason: null },
      effectiveOn: i % 2 === 0 ? '2017-05-10' : null,
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, position)).toISOString(),
      recordedAtMicros: Date.UTC(2026, 0, 1, 0, 0, position) * 1000,
    };
  });
}
