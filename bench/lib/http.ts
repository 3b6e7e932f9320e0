import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface HttpLoad {
  eventsPerSecond: number;
  /** 2xx answers per second (one command each). */
  commandsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** 2xx answers in all. */
  commands: number;
}

/**
 * The HTTP command path under `connections` concurrent keep-alive clients (autocannon, in the harness
 * process; the service runs in its own). Server-made ids: every POST creates a new entity.
 */
export async function commandLoad(port: number, token: string, requests: { method: string; path: string; body: unknown }[], connections: number, seconds: number): Promise<HttpLoad> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: requests.map((r) => ({ method: r.method, path: r.path, body: JSON.stringify(r.body) })),
  });
  const ok = result['2xx'] as number;
  const seconds_ = (result.duration as number) || seconds;
  return {
    commandsPerSecond: ok / seconds_,
    eventsPerSecond: ok / seconds_,
    p50: result.latency.p50,
    p99: result.latency.p99,
    commands: ok,
    errors: (result.non2xx as number) + (result.errors as number) + (result.timeouts as number),
  };
}

/** Paths the running service documents at /docs-json (so reports still being built are skipped, not failed). */
export async function documentedPaths(port: number): Promise<Set<string>> {
  const res = await fetch(`http://127.0.0.1:${port}/docs-json`);
  const doc = (await res.json()) as { paths?: Record<string, unknown> };
  return new Set(Object.keys(doc.paths ?? {}));
}

/** Latencies of `samples` sequential GETs (after two warm-up requests); fails on a non-2xx answer. */
export async function getLatencies(port: number, token: string, path: string, samples: number): Promise<{ p50: number; p95: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples + 2; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    const ms = performance.now() - t;
    if (res.status < 200 || res.status >= 300) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
    bytes = body.length;
    if (i >= 2) times.push(ms);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), bytes };
}
