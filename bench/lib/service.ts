import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { boundHeapGrowth, SERVICE_NODE_FLAGS } from '../../src/config/heap.js';
import type { RebuildPhases } from '../../projections/runner/runner.js';

/**
 * The service under test, in its own process (as in production: the load generator and the harness do not
 * share its event loop, and its RSS is its own). The harness drives it over IPC: start, wait for the
 * projections to catch up, rebuild every projection (sampling RSS), stop.
 */

type Request =
  | { id: number; cmd: 'caughtUp'; timeoutMs: number }
  | { id: number; cmd: 'rebuild'; timeoutMs: number; probeLiveHeap?: boolean }
  | { id: number; cmd: 'stop' };

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

export interface RebuildFigures {
  seconds: number;
  head: number;
  eventsPerSecond: number;
  rssBaselineMb: number;
  rssPeakMb: number;
  /** V8 heap in use: the highest sample during the rebuild, and what is left after a full GC at its end. */
  heapPeakMb: number;
  heapAfterGcMb: number;
  /** With probeLiveHeap: the largest heap in use right after a full GC (forced every 200 ms) during the rebuild. */
  liveHeapPeakMb?: number;
  perProjection: { name: string; status: string; eventsPerSecond: number | null; phases: RebuildPhases | null }[];
}

export interface CatchUpFigures {
  /** From the process start to the projections at the head. */
  seconds: number;
  head: number;
  eventsPerSecond: number;
  /** The part the rate is measured over (null: from the process start). */
  measured: { events: number; seconds: number } | null;
}

/** Handle on the child process, in the harness. */
export class ServiceProcess {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly startedAt: number,
  ) {
    child.on('message', (m: any) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(databaseUrl: string, jwtSecret: string, dataDir: string): Promise<ServiceProcess> {
    const entry = fileURLToPath(import.meta.url);
    const startedAt = performance.now();
    const child = fork(entry, ['--serve'], {
      // Development mode with its own DATA_DIR: keys the service needs and the bench does not set are made there.
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, AUTH_JWT_SECRET: jwtSecret, NODE_ENV: 'development', LOG_LEVEL: 'error', PORT: '0', HOST: '127.0.0.1' },
      // As the service runs (SERVICE_NODE_FLAGS), able to force a collection (the heap figures); SERVICE_NODE_ARGS adds more.
      execArgv: [...SERVICE_NODE_FLAGS, '--expose-gc', ...(process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: any) => (m.ready ? resolve(m.port) : reject(new Error(m.error ?? 'the service did not start'))));
      child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    });
    return new ServiceProcess(child, port, startedAt);
  }

  private call<T>(request: DistributiveOmit<Request, 'id'>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }

  /** Waits until every projection has reached the head; seconds are counted from the process start. */
  async caughtUp(timeoutMs = 600_000): Promise<CatchUpFigures> {
    const r = await this.call<{ head: number; at: number; start: number; firstSeen: { checkpoint: number; at: number } }>({ cmd: 'caughtUp', timeoutMs });
    const seconds = (r.at - r.start) / 1000;
    // The runner starts inside createApp, before the HTTP side is up: the rate is taken over what was left
    // once the service could be observed (when that is most of it); otherwise from the process start.
    const rest = r.head - r.firstSeen.checkpoint;
    const restSeconds = (r.at - r.firstSeen.at) / 1000;
    const measured = rest > 0 && restSeconds > 0.2 ? { events: rest, seconds: restSeconds } : null;
    return { seconds, head: r.head, eventsPerSecond: measured ? measured.events / measured.seconds : r.head / seconds, measured };
  }

  /** probeLiveHeap: forces a GC every 200 ms to see the live heap (a diagnostic run: slower, not a speed figure). */
  rebuild(options: { probeLiveHeap?: boolean; timeoutMs?: number } = {}): Promise<RebuildFigures> {
    return this.call({ cmd: 'rebuild', timeoutMs: options.timeoutMs ?? 1_800_000, probeLiveHeap: options.probeLiveHeap });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ cmd: 'stop' }).catch(() => undefined);
    await exited;
  }
}

// ---- the child side
async function serve(): Promise<void> {
  boundHeapGrowth(); // as src/main.ts does
  const start = performance.timeOrigin + performance.now();
  const config = loadConfig(process.env);
  let running: RunningApp;
  let firstSeen = { checkpoint: 0, at: start };
  try {
    running = await createApp(config, config.databaseUrl!);
    const status = await running.runner.status();
    firstSeen = { checkpoint: Math.min(...status.map((x) => x.checkpoint)), at: performance.timeOrigin + performance.now() };
    await running.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    process.send!({ ready: false, error: String((error as Error).stack ?? error) });
    process.exit(1);
  }
  const address = running.app.getHttpServer().address();
  process.send!({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
  const { runner } = running;

  const handle = async (m: Request): Promise<unknown> => {
    switch (m.cmd) {
      case 'caughtUp': {
        const until = Date.now() + m.timeoutMs;
        for (;;) {
          const status = await runner.status();
          const failed = status.find((s) => s.status === 'failed');
          if (failed) throw new Error(`projection ${failed.name} failed: ${failed.error}`);
          if (status.every((s) => s.lag === 0)) return { head: status[0]?.headPosition ?? 0, at: performance.timeOrigin + performance.now(), start, firstSeen };
          if (Date.now() > until) throw new Error('projections did not catch up in time');
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      case 'rebuild': {
        (globalThis as any).gc?.();
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        let heapPeak = 0;
        const sampler = setInterval(() => {
          const m = process.memoryUsage();
          peak = Math.max(peak, m.rss);
          heapPeak = Math.max(heapPeak, m.heapUsed);
        }, 10);
        let livePeak = 0;
        const probe = m.probeLiveHeap
          ? setInterval(() => {
              (globalThis as any).gc?.();
              livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
            }, 200)
          : null;
        const head = await runner.headPosition();
        const started = performance.now();
        try {
          await runner.rebuild(runner.names);
          await runner.rebuildsSettled(m.timeoutMs);
        } finally {
          clearInterval(sampler);
          if (probe) clearInterval(probe);
        }
        peak = Math.max(peak, process.memoryUsage().rss);
        const seconds = (performance.now() - started) / 1000;
        const perProjection = [];
        for (const name of runner.names) {
          const r = await runner.latestRebuild(name);
          perProjection.push({ name, status: r?.status ?? 'none', eventsPerSecond: r?.eventsPerSecond ?? null, phases: r?.phases ?? null });
        }
        const failed = perProjection.find((p) => p.status !== 'switched');
        if (failed) throw new Error(`rebuild of ${failed.name} ended ${failed.status}: ${(await runner.latestRebuild(failed.name))?.error}`);
        const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
        (globalThis as any).gc?.();
        const heapAfterGc = process.memoryUsage().heapUsed;
        return {
          seconds, head, eventsPerSecond: head / seconds, rssBaselineMb: mb(baseline), rssPeakMb: mb(peak), heapPeakMb: mb(heapPeak), heapAfterGcMb: mb(heapAfterGc), ...(probe ? { liveHeapPeakMb: mb(livePeak) } : {}), perProjection,
        } satisfies RebuildFigures;
      }
      case 'stop': {
        await running.close();
        setTimeout(() => process.exit(0), 10);
        return null;
      }
    }
  };
  process.on('message', (m: Request) => {
    handle(m).then(
      (result) => process.send!({ id: m.id, result }),
      (error) => process.send!({ id: m.id, error: String((error as Error).message ?? error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--serve')) {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
