/** Helpers for tests that run servers in processes of their own (src/server/server-process.ts). */
import type { DemoSeed } from '../../src/server/demo-seed.js';

export { spawnServer, type ServerProcess } from '../../src/server/server-process.js';

export function clientAuth(demo: DemoSeed): string {
  return `Basic ${Buffer.from(`${demo.client.id}:${demo.client.secret}`).toString('base64')}`;
}

export async function call(url: string, method: string, path: string, auth: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}
