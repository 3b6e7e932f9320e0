import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full collection before collecting again.
 * Left to itself V8 picks up to 4× when collections are cheap, and a rebuild's collections are: its
 * garbage (events read and rows written, batch after batch) then piles up to four times the live heap
 * (about 330 MB against 80 MB live on a 250,000-event ledger), so the process's peak grows with every
 * megabyte it keeps. A fixed 2× keeps the peak near twice the live heap at about the same speed (bench:
 * rebuild within its run-to-run noise). Set at start-up; V8 reads it whenever it sets the next limit.
 */
export const HEAP_GROWING_PERCENT = 100;

export function boundHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * The flags the service's Node.js process starts with: `npm start`, docker/Dockerfile's CMD and the bench's
 * service process give these (test/config/node-flags.spec.ts holds the first two to it). V8 sizes its young
 * generation when the process starts, so that one cannot be set from inside like the heap's growth.
 *
 * A young generation of 64 MB a semi-space instead of 16: a rebuild keeps each batch of events it read (20,000,
 * more than 16 MB of objects) until every projection is past it, so most of what it allocates outlives a few
 * small collections and is copied at each; with 16 MB the collections of the young generation took 4.4 s of the
 * service's thread in a 1M-event rebuild, with 64 MB 2.8 s. Rebuilds took 1 to 2 s less (in turns, ten rounds:
 * bench/results/experiments-2026-12-07-9.md), for about 125 MB more resident memory.
 */
export const SERVICE_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=64'] as const;
