/**
 * Prometheus metrics (prom-client), one registry per server: flows started and finished by
 * outcome, script run time, sandbox limit breaches, provisioning, HTTP requests.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly flowsStarted = new Counter({ name: 'authscript_flows_started_total', help: 'Login flows started', labelNames: ['tenant'], registers: [this.registry] });
  readonly flowsFinished = new Counter({ name: 'authscript_flows_finished_total', help: 'Login flows finished, by outcome (success, fail, error)', labelNames: ['tenant', 'outcome'], registers: [this.registry] });
  readonly scriptRunSeconds = new Histogram({
    name: 'authscript_script_run_seconds',
    help: 'Script time of one flow call (all sandbox runs of one start or interaction)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly limitBreaches = new Counter({ name: 'authscript_sandbox_limit_breaches_total', help: 'Flows ended by a sandbox limit, by code', labelNames: ['code'], registers: [this.registry] });
  readonly provisioned = new Counter({ name: 'authscript_provisioned_users_total', help: 'JIT provisioning, by action (created, updated, associated)', labelNames: ['action'], registers: [this.registry] });
  readonly httpRequests = new Counter({ name: 'authscript_http_requests_total', help: 'HTTP requests, by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly httpSeconds = new Histogram({
    name: 'authscript_http_request_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
