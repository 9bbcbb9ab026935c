#!/usr/bin/env node
// The `authscript` command. The CLI itself never loads isolated-vm: scripts run in a supervised
// child process (which gets --no-node-snapshot), so a script that kills its process still
// yields a result.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
