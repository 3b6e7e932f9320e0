/**
 * Folded states of recently loaded streams, so that loading a long stream (a programme with thousands of
 * reservations) reads and folds only the events recorded since. A stream's history never changes (the log
 * is append-only), so a state folded up to version v stays true of versions 1..v forever; a load still
 * reads the stream's tail from the store every time, so several service instances stay correct.
 *
 * Entries are keyed by stream and decider (one stream may be folded by different deciders), least recently
 * used first out. Deciders' states are immutable values (evolve returns a new state), so sharing one
 * between concurrent commands is safe.
 */
export class StateCache {
  private readonly entries = new Map<string, { decider: object; state: unknown; version: number }>();

  constructor(private readonly capacity = 5_000) {}

  get<S>(streamId: string, decider: object): { state: S; version: number } | undefined {
    const entry = this.entries.get(streamId);
    if (!entry || entry.decider !== decider) return undefined;
    this.entries.delete(streamId); // most recently used last
    this.entries.set(streamId, entry);
    return { state: entry.state as S, version: entry.version };
  }

  /** The version the state cached for a stream has reached (whichever decider folded it), 0 if none. */
  versionOf(streamId: string): number {
    return this.entries.get(streamId)?.version ?? 0;
  }

  set(streamId: string, decider: object, state: unknown, version: number): void {
    const entry = this.entries.get(streamId);
    if (entry && entry.decider === decider && entry.version >= version) return; // a concurrent load got further
    this.entries.delete(streamId);
    this.entries.set(streamId, { decider, state, version });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
