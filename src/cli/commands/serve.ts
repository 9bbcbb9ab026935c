/**
 * `authscript serve`: the server (admin API, flow API, the editor) until SIGINT or SIGTERM, which
 * stop it gracefully: requests in flight finish, then the workers and the database close. By
 * default it runs as supervised worker processes sharing the port (src/server/server-cluster.ts),
 * so a script that crashes its process costs one worker's requests in flight, never the service.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { startCluster } from '../../server/server-cluster.js';
import { startServer } from '../../server/server.js';
import type { DemoSeed } from '../../server/demo-seed.js';

interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  readonly logLevel?: string;
  readonly demo?: boolean;
  readonly workers?: number;
}

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError('a whole number from 0 to 64');
  return n;
}

function announce(url: string, demo: DemoSeed | null): void {
  if (demo === null) {
    process.stderr.write(`authscript is running on ${url}\n`);
    return;
  }
  process.stderr.write(
    [
      '',
      `authscript is running on ${url} (the editor is at ${url}/)`,
      '',
      'Demo tenant seeded. These credentials are shown once; only their hashes are stored:',
      `  admin token:  ${demo.adminToken}`,
      `  flow client:  ${demo.client.id}:${demo.client.secret}`,
      `  application:  Thrift (${demo.applicationId})`,
      `  users:        ${demo.users.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
      '',
    ].join('\n') + '\n',
  );
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the server: the admin and flow API on /api/v1, the editor on /')
    .option('--port <port>', 'port to listen on (PORT; default 3000)')
    .option('--host <host>', 'interface to bind (HOST; default 127.0.0.1)')
    .option('--data <dir>', 'data folder for the SQLite database and the server key (AUTHSCRIPT_DATA; default ./data)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (LOG_LEVEL; default info)')
    .option('--no-demo', 'do not seed the demo tenant on first start (AUTHSCRIPT_DEMO=false)')
    .option('--workers <n>', 'supervised server processes sharing the port; 0 runs one unsupervised process (AUTHSCRIPT_WORKERS; default 2)', workerCount)
    .action(async (flags: ServeFlags) => {
      const config = {
        ...(flags.port === undefined ? {} : { port: flags.port as unknown as number }),
        ...(flags.host === undefined ? {} : { host: flags.host }),
        ...(flags.data === undefined ? {} : { dataDir: flags.data }),
        ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel as 'info' }),
        ...(flags.demo === false ? { demo: false } : {}),
      };
      let workers = flags.workers;
      if (workers === undefined) {
        try {
          workers = workerCount(process.env['AUTHSCRIPT_WORKERS'] ?? '2');
        } catch {
          throw new Error(`AUTHSCRIPT_WORKERS must be a whole number from 0 to 64 (got ${JSON.stringify(process.env['AUTHSCRIPT_WORKERS'])})`);
        }
      }
      const running = workers === 0 ? await startServer({ env: process.env, config, labWorkers: 2 }) : await startCluster({ workers, env: process.env, config });
      announce(running.url, running.demo);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await running.close();
    });
}
