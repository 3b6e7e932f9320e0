import { ChainSequencer } from '../../src/audit/chain-sequencer.js';
import { generateSigningKey } from '../../src/audit/checkpoint.js';
import type { NewEvent } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { freshDatabase, testTargets } from '../support/databases.js';

const metadata = { actor: { id: 'officer-1', roles: ['programme-officer'] }, correlationId: 'c-1', causationId: null };
const scored = (score: number): NewEvent => ({ type: 'ApplicationScored', data: { score }, metadata });

const target = testTargets()[0];

/** Catches up until the sequencer's tree holds `size` events (the log holds back events while another test's transaction runs). */
async function settledAt(sequencer: ChainSequencer, size: number): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await sequencer.catchUp()) && sequencer.size < size && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe(`ChainSequencer, two instances on one database (${target.name} PostgreSQL)`, () => {
  it('each mirrors in its tree what the other chained, and both give the same roots', async () => {
    const url = await freshDatabase(target.url);
    const store = await PostgresEventStore.connect(url);
    const key = generateSigningKey();
    // No polling of their own: each moves only when asked to catch up.
    const a = new ChainSequencer(store.pool, key, { pollIntervalMs: 60_000 });
    const b = new ChainSequencer(store.pool, key, { pollIntervalMs: 60_000 });
    try {
      await a.start();
      await b.start();
      for (let i = 0; i < 5; i++) await store.append(`application-${i}`, 'no-stream', [scored(i)]);
      await settledAt(a, 5);
      expect(a.size).toBe(5);
      // b chains nothing itself (a did): its tree follows the stored chain.
      await settledAt(b, 5);
      expect(b.size).toBe(5);
      expect(b.root()).toBe(a.root());

      // Now b chains, and a, whose last look found the chain at 5, catches up with it.
      for (let i = 5; i < 8; i++) await store.append(`application-${i}`, 'no-stream', [scored(i)]);
      await settledAt(b, 8);
      await settledAt(a, 8);
      expect([a.size, b.size]).toEqual([8, 8]);
      expect(a.root()).toBe(b.root());
      expect(a.head()).toEqual(await a.chain.head());
    } finally {
      await a.stop();
      await b.stop();
      await store.close();
    }
  });
});
