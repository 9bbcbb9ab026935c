/**
 * One supervised server process of ./server-cluster.ts: the whole server (API, flows, editor),
 * listening on the port the cluster shares, with its sandbox's runs stamped in the crash beacon
 * and quarantined scripts refused.
 */
import { connectToSupervisor } from '../../runtime/host/worker-link.js';
import { startServer } from './server.js';

const link = connectToSupervisor();
const server = await startServer({ env: process.env, config: { demo: false }, guard: link.guard });
process.send?.({ type: 'listening', url: server.url });
link.ready();
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
