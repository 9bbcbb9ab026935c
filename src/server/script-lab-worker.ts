/** A worker process of the script lab: explores and simulates drafts (see ./script-lab.ts). */
import { Sandbox } from '../../runtime/host/sandbox.js';
import { serveRequests } from '../../runtime/host/request-pool.js';
import { connectToSupervisor } from '../../runtime/host/worker-link.js';
import { lint } from '../analysis/lint.js';
import { parseScenario, ScenarioInvalidError, simulateScenario } from '../simulate/simulate.js';
import type { LabRequest, LabResponse } from './script-lab.js';

const link = connectToSupervisor();
const sandbox = new Sandbox({ guard: link.guard });

serveRequests<LabRequest, LabResponse>(async (request) => {
  switch (request.kind) {
    case 'lint': {
      const { application, connections, loopsAsErrors } = request.options;
      const result = lint(request.source, { application, connections, loopsAsErrors, sandbox });
      return {
        kind: 'analysis',
        analysis: { diagnostics: result.diagnostics, graph: result.graph ?? { nodes: [], edges: [] }, conflicts: result.conflicts ?? [], truncated: result.truncated ?? false },
      };
    }
    case 'simulate':
      try {
        const scenario = parseScenario(request.scenario);
        // Over HTTP the script comes inline: a path would read the server's files.
        if (scenario.source === undefined) return { kind: 'invalid', problems: ['script: give the script inline as "source" (a path is read only by the CLI)'] };
        return { kind: 'trace', trace: await simulateScenario(scenario, scenario.source, { runner: sandbox }) };
      } catch (e) {
        if (e instanceof ScenarioInvalidError) return { kind: 'invalid', problems: [...e.problems] };
        throw e;
      }
  }
});

process.on('SIGTERM', () => {
  sandbox.dispose();
  process.exit(0);
});

link.ready();
