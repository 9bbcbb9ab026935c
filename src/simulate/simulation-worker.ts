/**
 * A worker process of the CLI's simulation pool: runs whole scenarios, so a script that kills its
 * process still yields a trace (the parent answers for it).
 */
import { Sandbox } from '../../runtime/host/sandbox.js';
import { serveRequests } from '../../runtime/host/request-pool.js';
import { connectToSupervisor } from '../../runtime/host/worker-link.js';
import { loadScenarioFile, ScenarioInvalidError, simulateScenario } from './simulate.js';
import type { SimulationRequest, SimulationResponse } from './simulation-pool.js';

const link = connectToSupervisor();
const sandbox = new Sandbox({ guard: link.guard });

serveRequests<SimulationRequest, SimulationResponse>(async ({ path }) => {
  try {
    const { scenario, source } = await loadScenarioFile(path);
    const trace = await simulateScenario(scenario, source, { runner: sandbox });
    return { kind: 'trace', trace };
  } catch (e) {
    if (e instanceof ScenarioInvalidError) return { kind: 'invalid', problems: [...e.problems] };
    return { kind: 'invalid', problems: [`${path}: ${e instanceof Error ? e.message : String(e)}`] };
  }
});

process.on('SIGTERM', () => {
  sandbox.dispose();
  process.exit(0);
});

link.ready();
