/**
 * Crash attribution across processes. isolated-vm 5 can abort the whole process (a V8 heap OOM
 * from one huge allocation), and then no exit handler runs. So before each run a worker stamps a
 * small file with the tenant and script version it is about to run, and clears it after; the
 * stamp is a single pwrite into the page cache, which survives the writer's death. The supervisor
 * reads the file when the worker dies and knows which script was running.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';

const RECORD_BYTES = 1024;
const EMPTY = Buffer.alloc(RECORD_BYTES, 0x20);

export interface RunningScript {
  readonly tenant: string;
  readonly version: string;
}

/** Supervisor side: create the file a worker will stamp. */
export function createBeaconFile(path: string): void {
  writeFileSync(path, EMPTY);
}

/** Supervisor side: what the worker was running when it died, if anything. */
export function readBeacon(path: string): RunningScript | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text === '') return null;
    const parsed = JSON.parse(text) as Partial<RunningScript>;
    return typeof parsed.tenant === 'string' && typeof parsed.version === 'string'
      ? { tenant: parsed.tenant, version: parsed.version }
      : null;
  } catch {
    return null;
  }
}

export function removeBeacon(path: string): void {
  rmSync(path, { force: true });
}

/** Worker side: stamps and clears the record. */
export class CrashBeacon {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(RECORD_BYTES);

  constructor(path: string) {
    this.fd = openSync(path, 'r+');
  }

  mark(running: RunningScript): void {
    // Truncate long names rather than overflow the record: attribution needs only to match.
    const text = JSON.stringify({ tenant: running.tenant.slice(0, 300), version: running.version.slice(0, 200) });
    this.buffer.fill(0x20);
    this.buffer.write(text, 0, 'utf8');
    writeSync(this.fd, this.buffer, 0, RECORD_BYTES, 0);
  }

  clear(): void {
    writeSync(this.fd, EMPTY, 0, RECORD_BYTES, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}
