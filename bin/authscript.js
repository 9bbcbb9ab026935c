#!/usr/bin/env node
// The `authscript` command. The CLI itself never loads isolated-vm: scripts run in a supervised
// child process (which gets --no-node-snapshot), so a script that kills its process still
// yields a result. `serve` runs the sandbox in its own process, which needs that flag
// (isolated-vm's requirement): without it, serve starts itself again with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flagged = process.execArgv.includes('--no-node-snapshot') || (process.env.NODE_OPTIONS ?? '').includes('--no-node-snapshot');
if (args[0] === 'serve' && !flagged) {
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 128);
  });
} else {
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(args);
}
