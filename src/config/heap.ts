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
