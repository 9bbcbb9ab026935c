/**
 * A real server for tests: a fresh data folder (SQLite) or a fresh PostgreSQL database, the demo
 * tenant seeded, listening on a free port. `api()` calls it over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/server.js';
import type { DemoSeed } from '../../src/server/demo-seed.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly demo: DemoSeed;
  readonly dataDir: string;
  /** Admin call with the demo admin token. */
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Flow call with the demo flow client. */
  flow(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A call with exactly these headers (no credential unless given). */
  raw(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'authscript-server-'));
  const server = await startServer({ ...options, config: { port: 0, dataDir, logLevel: 'silent', ...options.config } });
  if (server.demo === null) throw new Error('the test server did not seed the demo tenant');
  const demo = server.demo;
  const raw = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const res = await fetch(`${server.url}${path}`, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body };
  };
  const withBody = (body: unknown, headers: Record<string, string>) =>
    body === undefined ? { headers } : { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const basic = `Basic ${Buffer.from(`${demo.client.id}:${demo.client.secret}`).toString('base64')}`;
  return {
    server,
    url: server.url,
    demo,
    dataDir,
    admin: (method, path, body, headers = {}) => raw(method, `/api/v1${path}`, withBody(body, { authorization: `Bearer ${demo.adminToken}`, ...headers })),
    flow: (method, path, body, headers = {}) => raw(method, `/api/v1${path}`, withBody(body, { authorization: basic, ...headers })),
    raw,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
