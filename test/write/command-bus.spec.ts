import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { registerMunicipality } from '../../src/write/municipalities.js';
import { recordResult } from '../../src/write/results.js';
import { registerProgramme, recordFundsReceived } from '../../src/write/programmes.js';
import { money, toJson } from '../../src/domain/shared/money.js';
import { stateCacheOf, UnitOfWork, type CommandContext } from '../../src/write/command-bus.js';
import { programmeDecider } from '../../src/domain/programme/decider.js';
import { AlreadyExists } from '../../src/domain/shared/errors.js';
import { VersionMismatch } from '../../src/write/errors.js';
import { freshDatabase, testTargets } from '../support/databases.js';

/** The real store, counting the stream reads commands make. */
function counting(store: EventStore): EventStore & { reads: string[] } {
  const reads: string[] = [];
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'reads') return reads;
      if (prop === 'readStreams') return (rs: { streamId: string; fromVersion?: number }[]) => (reads.push(`[${rs.map((r) => `${r.streamId}@${r.fromVersion}`).join(' ')}]`), target.readStreams(rs));
      if (prop === 'readStream') return (id: string, o?: any) => (reads.push(o?.fromVersion > 1 ? `${id}@${o.fromVersion}` : id), target.readStream(id, o));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as EventStore & { reads: string[] };
}

const ctx = (extra: Partial<CommandContext> = {}): CommandContext => ({ actor: { id: 'officer', roles: ['programme-officer'] }, correlationId: 'c-1', ...extra });
const town = (id: string) => ({ municipalityId: id, name: `Town ${id}`, oblast: 'Osh' }) as any;

for (const target of testTargets()) {
  describe(`runCommand (${target.name})`, () => {
    let pg: PostgresEventStore;
    let store: ReturnType<typeof counting>;
    beforeAll(async () => {
      pg = await PostgresEventStore.connect(await freshDatabase(target.url));
      store = counting(pg);
    });
    afterAll(async () => pg.close());
    beforeEach(() => void store.reads.splice(0));

    it('creates an entity without reading its stream: the append expecting no stream proves it is new', async () => {
      const r = await registerMunicipality(store, ctx(), town('fresh'));
      expect(r).toMatchObject({ id: 'fresh', version: 1, events: 1 });
      expect(store.reads).toEqual([]);
      expect((await pg.readStream('municipality-fresh')).map((e) => e.type)).toEqual(['MunicipalityRegistered']);
    });

    it('reads the stream after all when it exists, and answers what that state decides, writing nothing', async () => {
      await registerMunicipality(store, ctx(), town('twice'));
      const head = await pg.headPosition();
      store.reads.splice(0);
      await expect(registerMunicipality(store, ctx(), town('twice'))).rejects.toBeInstanceOf(AlreadyExists);
      expect(store.reads).toEqual(['municipality-twice']);
      expect(await pg.readStream('municipality-twice')).toHaveLength(1);
      expect(await pg.headPosition()).toBe(head);
    });

    it('reads only the events recorded since a stream was last loaded, and sees those of other instances', async () => {
      const programme = { programmeId: 'p1', title: 'P', donor: { id: 'inl', name: 'INL' }, budget: money('1000.00', 'USD'), startDate: '2016-01-01', endDate: '2018-12-31' } as any;
      await registerProgramme(store, ctx(), programme);
      const funds = (n: number) => ({ programmeId: 'p1', amount: money('10.00', 'USD'), receivedOn: '2016-02-01', reference: `r${n}` }) as any;
      await recordFundsReceived(store, ctx(), funds(1)); // reads the stream whole (nothing cached yet: creation skipped the read)
      await recordFundsReceived(store, ctx(), funds(2));
      // Another service instance (its own cache) appends in between.
      const elsewhere = await PostgresEventStore.connect(pg.pool.options.connectionString!);
      await recordFundsReceived(elsewhere, ctx(), funds(3));
      await elsewhere.close();
      await recordFundsReceived(store, ctx(), funds(4));
      // funds(4) had version 2 cached: it read versions 3 (its own append) and 4 (the other instance's).
      expect(store.reads).toEqual(['programme-p1', 'programme-p1@2', 'programme-p1@3']);
      const cached = stateCacheOf(store).get<any>('programme-p1', programmeDecider)!;
      expect(cached.version).toBe(4);
      expect(toJson(cached.state.received)).toEqual({ amount: '30.00', currency: 'USD' }); // funds(4) is not loaded yet
      const fresh = await new UnitOfWork(pg).load('programme-p1', programmeDecider);
      expect(toJson((fresh.state as any).received)).toEqual({ amount: '40.00', currency: 'USD' });
    });

    it('reads the streams a command needs in one round trip, each from its cached version', async () => {
      await registerMunicipality(store, ctx(), town('osh'));
      await registerProgramme(store, ctx(), { programmeId: 'p2', title: 'P', donor: { id: 'inl', name: 'INL' }, budget: money('10.00', 'USD'), startDate: '2016-01-01', endDate: '2018-12-31' } as any);
      const result = (n: number) => ({ resultId: `res-${n}`, programmeId: 'p2', municipalityId: 'osh', kind: 'training', date: '2017-03-01', title: 'Training', participants: 10 }) as any;
      store.reads.splice(0);
      await recordResult(store, ctx(), result(1));
      await recordResult(store, ctx(), result(2));
      expect(store.reads).toEqual(['[programme-p2@1 municipality-osh@1]', '[programme-p2@2 municipality-osh@2]']);
      await expect(recordResult(store, ctx(), { ...result(3), municipalityId: 'nowhere' })).rejects.toThrow(/municipality/);
      expect((await pg.readStream('result-res-2')).map((e) => e.type)).toEqual(['ResultRecorded']);
    });

    it('reads first under If-Match, which compares with what is read', async () => {
      await expect(registerMunicipality(store, ctx({ ifMatch: 3 }), town('matched'))).rejects.toBeInstanceOf(VersionMismatch);
      expect(store.reads).toEqual(['municipality-matched']);
      expect(await pg.readStream('municipality-matched')).toEqual([]);
    });
  });
}
