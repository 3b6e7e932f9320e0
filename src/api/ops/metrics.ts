import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics: HTTP traffic, appends, and projection lag (read at scrape time). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly commands = new Counter({ name: 'ledger_commands_total', help: 'Commands answered with success', labelNames: ['status'], registers: [this.registry] });
  readonly appends = new Counter({ name: 'ledger_appends_total', help: 'Appends to the event store', registers: [this.registry] });
  readonly appendedEvents = new Counter({ name: 'ledger_appended_events_total', help: 'Events appended', registers: [this.registry] });
  readonly projectionLag = new Gauge({ name: 'ledger_projection_lag_events', help: 'Events between the log head and a projection checkpoint', labelNames: ['projection'], registers: [this.registry] });
  readonly projectionCheckpoint = new Gauge({ name: 'ledger_projection_checkpoint', help: 'Position a projection has processed', labelNames: ['projection'], registers: [this.registry] });
  readonly headPosition = new Gauge({ name: 'ledger_head_position', help: 'Highest committed position of the event log', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
