/**
 * The server as several supervised processes (`authscript serve --workers N`), the crash domain
 * DESIGN.md asks for. isolated-vm 5 can abort a whole process (a V8 heap OOM from one huge
 * allocation) whatever the isolate's limits; a published script that does so takes down one
 * worker and its requests in flight, never the service:
 *
 * - node:cluster shares the listening port: the primary accepts and hands connections to the
 *   workers, so a dead worker's share goes to the others while it restarts.
 * - runtime/host/supervisor.ts restarts dead workers (with back-off), reads each one's crash beacon
 *   to learn which tenant and script version were running, and after two crashes quarantines that
 *   version on every worker: its flows end with SCRIPT_QUARANTINED instead of crashing again.
 * - Flows are rows: an identity server retries a request cut off by a crash (with its
 *   Idempotency-Key) and any worker finishes it.
 *
 * The primary migrates the database, makes the server key and seeds the demo tenant before the
 * workers start, so they never race for it.
 */
import cluster from 'node:cluster';
import type { ChildProcess } from 'node:child_process';
import { Supervisor, type CrashReport } from '../../runtime/host/supervisor.js';
import type { RunningScript } from '../../runtime/host/crash-beacon.js';
import { scriptVersion } from '../../runtime/host/tenant-isolate.js';
import { workerModule, type WorkerModule } from '../../runtime/host/worker-module.js';
import { loadConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { seedDemo, type DemoSeed } from './demo-seed.js';
import { createLogger } from './logger.js';
import { openStore, serverKey } from './server.js';

export interface ClusterOptions {
  readonly workers: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly config?: Partial<ServerConfigInput>;
  readonly logDestination?: { write(line: string): void };
}

export interface RunningCluster {
  readonly url: string;
  readonly config: ServerConfig;
  readonly demo: DemoSeed | null;
  readonly supervisor: Supervisor;
  close(): Promise<void>;
}

/** node:cluster's fork, as the supervisor's way to start a worker. */
function clusterFork(module: WorkerModule, env: NodeJS.ProcessEnv): ChildProcess {
  cluster.setupPrimary({ exec: module.path, execArgv: [...module.execArgv], silent: true, serialization: 'json' });
  return cluster.fork(env).process;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  if (!cluster.isPrimary) throw new Error('startCluster runs in the primary process');
  const config = loadConfig(options.env ?? {}, options.config ?? {});
  const logger = createLogger(config.logLevel, options.logDestination);
  serverKey(config, logger);
  const store = await openStore(config);
  let demo: DemoSeed | null;
  try {
    demo = config.demo ? await seedDemo(store.admin, scriptVersion, Date.now()) : null;
  } finally {
    await store.close();
  }
  // The workers read their configuration as the primary did (environment first, then the flags).
  const env: Record<string, string> = {
    PORT: String(config.port),
    HOST: config.host,
    AUTHSCRIPT_DATA: config.dataDir,
    LOG_LEVEL: config.logLevel,
    AUTHSCRIPT_LIMITS: JSON.stringify(config.limits),
    AUTHSCRIPT_BODY_LIMIT: String(config.bodyLimitBytes),
    AUTHSCRIPT_CREDENTIAL_RATE: String(config.credentialChecksPerMinute),
    AUTHSCRIPT_TRUST_REPORTED: config.trustReportedOutcomes.join(','),
    AUTHSCRIPT_HTTP_ALLOW: config.httpAllow.join(','),
    AUTHSCRIPT_HTTP_ALLOW_PRIVATE: String(config.httpAllowPrivate),
    ...(config.databaseUrl === undefined ? {} : { DATABASE_URL: config.databaseUrl }),
    ...(config.secretKey === undefined ? {} : { AUTHSCRIPT_SECRET_KEY: config.secretKey }),
    ...(config.smtp === undefined ? {} : { AUTHSCRIPT_SMTP_URL: config.smtp.url, AUTHSCRIPT_SMTP_FROM: config.smtp.from }),
  };
  const supervisor = new Supervisor({ module: workerModule(import.meta.url, 'server-worker'), workers: options.workers, env, quarantineAfter: 2, spawn: clusterFork });
  let url: string | undefined;
  supervisor.on('message', (_worker, m) => {
    const msg = m as { type?: string; url?: string };
    if (msg?.type === 'listening' && typeof msg.url === 'string') url ??= msg.url;
  });
  supervisor.on('crash', (report: CrashReport) => {
    logger.error({ worker: report.worker, pid: report.pid, code: report.code, signal: report.signal, running: report.running, quarantined: report.quarantined, stderr: report.stderr.slice(-1000) }, 'a server worker died; restarting it');
  });
  supervisor.on('quarantine', (running: RunningScript) => {
    logger.error({ tenant: running.tenant, version: running.version }, 'script version quarantined after crashing workers: its flows end with SCRIPT_QUARANTINED');
  });
  await supervisor.start();
  if (url === undefined) throw new Error('the server workers started but none said where it listens');
  logger.info({ url, workers: options.workers }, 'authscript is listening (supervised workers)');
  return {
    url,
    config,
    demo,
    supervisor,
    close: async () => {
      await supervisor.stop();
      logger.info('authscript stopped');
    },
  };
}
