/**
 * The server in a child process of its own, configured by environment variables: what tests that
 * kill a server (SIGKILL) or run several, and the HTTP benchmark, start. The child prints one JSON
 * line `{ url, demo }` once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { workerModule } from '../../runtime/host/worker-module.js';
import type { DemoSeed } from './demo-seed.js';

export interface ServerProcess {
  readonly url: string;
  /** The demo tenant's credentials when this process seeded it, else null. */
  readonly demo: DemoSeed | null;
  readonly child: ChildProcess;
  /** SIGKILL: the server gets no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM: requests in flight finish, then it exits. */
  stop(): Promise<void>;
}

export async function spawnServer(env: Readonly<Record<string, string>>): Promise<ServerProcess> {
  const module = workerModule(import.meta.url, 'server-child');
  const child = spawn(process.execPath, [...module.execArgv, module.path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout!.off('data', onData);
        resolve(out.slice(0, nl));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the server process exited (${code ?? signal}) before it listened:\n${stderr}`)));
  });
  const started = JSON.parse(line) as { url: string; demo: DemoSeed | null };
  return {
    url: started.url,
    demo: started.demo,
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
