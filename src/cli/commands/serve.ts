/**
 * `authscript serve`: the server (admin API, flow API, the editor) until SIGINT or SIGTERM, which
 * stop it gracefully: requests in flight finish, then the workers and the database close.
 */
import type { Command } from 'commander';
import { startServer } from '../../server/server.js';

interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  readonly logLevel?: string;
  readonly demo?: boolean;
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
    .action(async (flags: ServeFlags) => {
      const server = await startServer({
        env: process.env,
        config: {
          ...(flags.port === undefined ? {} : { port: flags.port as unknown as number }),
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(flags.data === undefined ? {} : { dataDir: flags.data }),
          ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel as 'info' }),
          ...(flags.demo === false ? { demo: false } : {}),
        },
        labWorkers: 2,
      });
      const demo = server.demo;
      if (demo !== null) {
        process.stderr.write(
          [
            '',
            `authscript is running on ${server.url} (editor at ${server.url}/)`,
            '',
            'Demo tenant seeded. These credentials are shown once; only their hashes are stored:',
            `  admin token:  ${demo.adminToken}`,
            `  flow client:  ${demo.client.id}:${demo.client.secret}`,
            `  application:  Thrift (${demo.applicationId})`,
            `  users:        ${demo.users.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
            '',
          ].join('\n') + '\n',
        );
      } else {
        process.stderr.write(`authscript is running on ${server.url}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
