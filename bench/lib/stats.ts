/** Small statistics and the closed-loop load driver the database figures share. */

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export interface LoadResult {
  /** Operations (round trips) per second. */
  opsPerSecond: number;
  /** Events written or read per second. */
  eventsPerSecond: number;
  p50: number;
  p99: number;
  ops: number;
}

/**
 * Closed loop: `clients` workers, each runs `op` back to back for `durationMs`; op resolves with the number of
 * events it handled. Latencies in milliseconds.
 */
export async function closedLoop(clients: number, durationMs: number, op: (worker: number, i: number) => Promise<number>): Promise<LoadResult> {
  const latencies: number[] = [];
  let events = 0;
  let ops = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      let i = 0;
      while (performance.now() < end) {
        const t = performance.now();
        const handled = await op(worker, i++);
        events += handled;
        latencies.push(performance.now() - t);
        ops++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { opsPerSecond: ops / seconds, eventsPerSecond: events / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ops };
}

/**
 * Measures several things in turns (run 1 of each, then run 2 of each, ...) and keeps, for each, its run
 * with the median events/s. Figures compared with each other see the same machine over the same minutes:
 * measured one block after the other, a slow minute (a checkpoint, writeback, a noisy neighbour) would fall
 * on one of them only and tilt their ratio.
 */
export async function medianOfInterleaved<const F extends readonly (() => Promise<{ eventsPerSecond: number }>)[]>(runs: number, measures: F): Promise<{ [K in keyof F]: Measured<F[K]> }> {
  const results: { eventsPerSecond: number }[][] = measures.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < measures.length; i++) results[i].push(await measures[i]());
  }
  return results.map((all) => {
    const sorted = [...all].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], samples: all.map((x) => x.eventsPerSecond) };
  }) as { [K in keyof F]: Measured<F[K]> };
}

/** What medianOfInterleaved answers for one measure: its median run, with every run's events/s. */
type Measured<F> = F extends () => Promise<infer T> ? T & { samples: number[] } : never;
