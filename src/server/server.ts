/**
 * Starts the server: opens the store (SQLite under the data folder, or PostgreSQL when
 * DATABASE_URL is set; migrations run at open), the sandbox, the flow engine with the real
 * authenticators, the script lab's worker processes, and the HTTP listener. `close()` stops
 * taking requests, lets those in flight finish, then closes the workers and the database.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, type RunGuard } from '../../runtime/host/sandbox.js';
import { scriptVersion } from '../../runtime/host/tenant-isolate.js';
import { FlowEngine, type AsyncCaller } from '../flow/engine.js';
import { OutboundHttp } from '../flow/outbound-http.js';
import { StepsInOrderRunner } from '../flow/steps-in-order.js';
import { userStoreAsyncCalls } from '../flow/user-async-calls.js';
import { loadTemplates, type CatalogTemplate } from '../templates/catalog.js';
import { openPostgresStore } from '../store/sql/postgres.js';
import { openSqliteStore } from '../store/sql/sqlite.js';
import type { SqlStore } from '../store/sql/sql-store.js';
import { createApp } from './app.js';
import { loadConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { seedDemo, type DemoSeed } from './demo-seed.js';
import { FlowService } from './flow-service.js';
import { createLogger, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { PooledScriptLab } from './script-lab.js';
import { serverAuthenticator } from './server-authenticator.js';
import type { ServerContext } from './server-context.js';
import { secretContext, TenantSettingsCache } from './tenant-settings.js';
import { sealSecret } from '../authenticators/secret-box.js';

export interface StartOptions {
  /** Settings over the environment's (tests pass everything here). */
  readonly config?: Partial<ServerConfigInput>;
  /** Read PORT, DATABASE_URL, ... from this environment (default: none, so tests are hermetic). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where log lines go (default stdout). */
  readonly logDestination?: { write(line: string): void };
  /** Worker processes of the script lab (default 1). */
  readonly labWorkers?: number;
  /** Crash containment of a supervised server worker (./server-cluster.ts): the crash beacon and the quarantine list. */
  readonly guard?: RunGuard;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly config: ServerConfig;
  readonly context: ServerContext;
  /** The demo tenant's credentials, on the start that seeded it; null otherwise. */
  readonly demo: DemoSeed | null;
  close(): Promise<void>;
}

const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The server's secret key (32 bytes): from AUTHSCRIPT_SECRET_KEY, or a key file in the data
 * folder, made on the first start. Keys for each use are derived from it (HKDF), so one secret
 * never serves two purposes.
 */
export function serverKey(config: ServerConfig, logger: Logger): Buffer {
  if (config.secretKey !== undefined) return Buffer.from(config.secretKey, 'base64');
  const file = join(config.dataDir, 'server.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} must hold 32 bytes, base64-encoded (it holds ${key.length}); restore it, or set AUTHSCRIPT_SECRET_KEY`);
    return key;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    return serverKey(config, logger); // another process made it first
  }
  logger.warn({ file }, 'generated a server key in the data folder: keep it (it decrypts TOTP secrets) or set AUTHSCRIPT_SECRET_KEY');
  return key;
}

/**
 * Scripts' httpGet and httpPost, performed by the server (allow-listed domains, public addresses
 * only, timeouts, retries, a size cap: src/flow/outbound-http.ts). Other async calls are left to
 * the identity server, as interactions.
 */
function scriptHttp(config: ServerConfig, tenantSettings: TenantSettingsCache): AsyncCaller {
  const http = new OutboundHttp({
    allowedDomains: (tenant) => [...config.httpAllow, ...tenantSettings.get(tenant).httpAllow],
    secret: (tenant, name) => tenantSettings.secret(tenant, name),
    ...(config.httpAllowPrivate ? { isAllowedAddress: () => true } : {}),
  });
  return { call: (tenant, call, args) => (call === 'httpGet' || call === 'httpPost' ? http.call(tenant, call, args) : Promise.resolve(null)) };
}

/** How often the queue of non-blocking JIT provisioning is worked through. */
const QUEUE_INTERVAL_MS = 2000;

/**
 * Works through the non-blocking JIT provisioning queue every QUEUE_INTERVAL_MS. Any process may:
 * a job is claimed by one at a time, and a job whose claimer died is claimed again once its lease
 * (5 minutes) has passed.
 */
function provisionInBackground(engine: FlowEngine, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const work = async () => {
    try {
      // A full batch means there may be more.
      while (!stopped && (await engine.processProvisioningQueue(50)) === 50);
    } catch (e) {
      logger.error({ err: e }, 'working through the provisioning queue failed; retrying later');
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    if (running === null && !stopped) running = work();
  }, QUEUE_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `authscript ${purpose}`, 32));
}

export async function openStore(config: ServerConfig): Promise<SqlStore> {
  if (config.databaseUrl !== undefined) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(join(config.dataDir, 'authscript.db'));
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? {}, options.config ?? {});
  const logger = createLogger(config.logLevel, options.logDestination);
  const key = serverKey(config, logger);
  if (config.httpAllowPrivate) logger.warn('AUTHSCRIPT_HTTP_ALLOW_PRIVATE is on: scripts may call loopback and private addresses (development only)');
  const store = await openStore(config);
  const metrics = new ServerMetrics();
  // A tenant whose limits change gets a new isolate, built with them.
  const secretsKey = deriveKey(key, 'script secrets');
  const tenantSettings: TenantSettingsCache = new TenantSettingsCache(store.admin, (tenant) => sandbox.resetTenant(tenant), secretsKey);
  const sandbox = new Sandbox({ limits: config.limits, limitsFor: (tenant) => tenantSettings.limits(tenant), ...(options.guard === undefined ? {} : { guard: options.guard }) });
  const lab = new PooledScriptLab(options.labWorkers ?? 1);
  let server: Server | undefined;
  try {
    await lab.start();
    const engine = new FlowEngine({
      runner: new StepsInOrderRunner(sandbox),
      store,
      authenticator: serverAuthenticator({ secretKey: deriveKey(key, 'totp secrets'), config, logger, tenantSettings }),
      asyncCalls: userStoreAsyncCalls(store, scriptHttp(config, tenantSettings)),
      cookieKey: deriveKey(key, 'cookies'),
    });
    let templates: Promise<readonly CatalogTemplate[]> | undefined;
    const context: ServerContext = {
      config,
      store,
      admin: store.admin,
      flows: new FlowService({ engine, store, admin: store.admin, metrics, tenantSettings }),
      tenantSettings,
      sealSecret: (tenant, name, value) => sealSecret(secretsKey, value, secretContext(tenant, name)),
      lab,
      templates: () => (templates ??= loadTemplates()),
      metrics,
      logger,
      // A content hash already: caching it by another hash of the source would hash twice.
      versionOf: scriptVersion,
    };
    const demo = config.demo ? await seedDemo(store.admin, context.versionOf, Date.now()) : null;
    const queue = provisionInBackground(engine, logger);
    const app = createApp(context, { editorDir: join(PACKAGE_ROOT, 'editor', 'dist'), version: packageVersion() });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    // Slow clients must not hold sockets open forever.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, store: store.dialect, dataDir: config.databaseUrl === undefined ? config.dataDir : undefined }, 'authscript is listening');
    const listening = server;
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      config,
      context,
      demo,
      close: () =>
        (closing ??= (async () => {
          await new Promise<void>((resolve) => {
            listening.close(() => resolve());
            listening.closeIdleConnections();
          });
          await queue.stop();
          await lab.close();
          sandbox.dispose();
          await store.close();
          logger.info('authscript stopped');
        })()),
    };
  } catch (e) {
    server?.close();
    await lab.close().catch(() => undefined);
    sandbox.dispose();
    await store.close();
    throw e;
  }
}
