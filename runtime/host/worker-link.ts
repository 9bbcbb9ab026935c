/**
 * The worker side of supervision: stamps the crash beacon around each run and keeps the list of
 * quarantined scripts the supervisor sends, as a RunGuard for the worker's Sandbox.
 */
import { CrashBeacon, type RunningScript } from './crash-beacon.js';
import type { RunGuard } from './sandbox.js';
import { BEACON_ENV, type ToWorker } from './supervisor.js';

export interface WorkerLink {
  readonly guard: RunGuard;
  /** Tell the supervisor this worker can take work. */
  ready(): void;
}

export function connectToSupervisor(): WorkerLink {
  const path = process.env[BEACON_ENV];
  const beacon = path === undefined ? null : new CrashBeacon(path);
  const quarantined = new Set<string>();
  const key = (s: RunningScript) => `${s.tenant}\u0000${s.version}`;
  process.on('message', (m: unknown) => {
    const msg = m as Partial<ToWorker>;
    if (msg?.type === 'quarantine' && Array.isArray(msg.scripts)) {
      for (const s of msg.scripts) if (typeof s?.tenant === 'string' && typeof s?.version === 'string') quarantined.add(key(s));
    }
  });
  return {
    guard: {
      isQuarantined: (tenant, version) => quarantined.has(key({ tenant, version })),
      before: (tenant, version) => beacon?.mark({ tenant, version }),
      after: () => beacon?.clear(),
    },
    ready: () => process.send?.({ type: 'ready' }),
  };
}
