import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by the processes of interest, read from /proc (Linux): the
 * service's own process, every `postgres` process, and this harness. Taken before and after a load, the
 * difference says where a command's CPU goes on this machine. Elsewhere (no /proc) it answers null.
 * A PostgreSQL backend that exits between the samples (a pool closing an idle connection, an autovacuum
 * worker) takes its CPU out of /proc with it; the postmaster, which reaps it, adds it to its own children's
 * time (cutime, cstime), so that is counted for postgres processes too.
 */
export interface CpuSample {
  service: number;
  postgres: number;
  harness: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

export function sampleCpu(servicePid: number): CpuSample | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const out: CpuSample = { service: 0, postgres: 0, harness: 0 };
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const pid = Number(entry);
    if (pid === servicePid) out.service += seconds;
    else if (pid === process.pid) out.harness += seconds;
    else if (name.startsWith('postgres')) out.postgres += seconds + (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  }
  return out;
}

/** CPU seconds spent between two samples, summed over spans (null where /proc could not be read). */
export function cpuSpent(spans: [before: CpuSample | null, after: CpuSample | null][]): CpuSample | null {
  const out: CpuSample = { service: 0, postgres: 0, harness: 0 };
  for (const [before, after] of spans) {
    if (!before || !after) return null;
    for (const k of ['service', 'postgres', 'harness'] as const) out[k] += after[k] - before[k];
  }
  return out;
}

/** Milliseconds of CPU per command, from the CPU seconds spent on them. */
export function cpuPerCommand(spent: CpuSample, commands: number): CpuSample {
  const per = (k: keyof CpuSample) => Math.round((spent[k] * 1000 * 100) / commands) / 100;
  return { service: per('service'), postgres: per('postgres'), harness: per('harness') };
}
