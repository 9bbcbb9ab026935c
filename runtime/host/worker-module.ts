/**
 * Where a worker module lives and how to start Node for it. From the TypeScript sources (tests,
 * `npm run bench`) the worker is a .ts file and needs the tsx loader; from dist/ it is plain JS.
 * Both need --no-node-snapshot, isolated-vm's requirement on Node 20.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerModule {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/** `name` without extension, beside `importMetaUrl`. */
export function workerModule(importMetaUrl: string, name: string): WorkerModule {
  const fromSource = importMetaUrl.endsWith('.ts');
  const path = fileURLToPath(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, importMetaUrl));
  const execArgv = ['--no-node-snapshot'];
  if (fromSource) {
    execArgv.push('--import', pathToFileURL(createRequire(importMetaUrl).resolve('tsx')).href);
  }
  return { path, execArgv };
}
