/**
 * The server the end-to-end tests drive: the real one (src/server), on a free loopback port, with
 * a fresh SQLite folder and the demo tenant seeded; the editor bundle built first when missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../src/server/server.js';

export interface EditorServer {
  readonly url: string;
  readonly adminToken: string;
  close(): Promise<void>;
}

const EDITOR = fileURLToPath(new URL('../../editor/', import.meta.url));

/** `npm test` must not depend on an earlier `npm run build`: build the bundle when it is missing. */
async function ensureEditorBuilt(): Promise<void> {
  if (existsSync(join(EDITOR, 'dist', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(EDITOR, 'vite.config.ts'), logLevel: 'warn' });
}

export async function startEditorServer(): Promise<EditorServer> {
  await ensureEditorBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'authscript-e2e-'));
  const server = await startServer({ config: { port: 0, host: '127.0.0.1', dataDir, demo: true, logLevel: 'silent' } });
  if (server.demo === null) throw new Error('the demo tenant was not seeded');
  return {
    url: `${server.url}/`,
    adminToken: server.demo.adminToken,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
