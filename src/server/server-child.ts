/** The child process of ./server-process.ts: a server configured by its environment. */
import { startServer } from './server.js';

const server = await startServer({ env: process.env, config: { port: 0, ...(process.env['LOG_LEVEL'] === undefined ? { logLevel: 'silent' } : {}) } });
process.stdout.write(`${JSON.stringify({ url: server.url, demo: server.demo })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
