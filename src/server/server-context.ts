/** What the routes work with: the store, the services and the server's settings. */
import type { CatalogTemplate } from '../templates/catalog.js';
import type { Trace } from '../simulate/scenario-schema.js';
import type { SqlAdminStore } from '../store/sql/admin-store.js';
import type { SqlStore } from '../store/sql/sql-store.js';
import type { ApplicationSnapshotInput } from '../../runtime/protocol.js';
import type { ConnectionInput } from '../provisioning/connection.js';
import type { Diagnostic } from '../analysis/diagnostic.js';
import type { Conflict, FlowGraph } from '../analysis/explore.js';
import type { ServerConfig } from './config.js';
import type { FlowService } from './flow-service.js';
import type { TenantSettingsCache } from './tenant-settings.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';

/** The analyzer's diagnostics (JIT/MFA conflicts among them, as warnings) and, when explored, the flow graph and the conflicts. */
export interface ScriptAnalysis {
  readonly diagnostics: Diagnostic[];
  readonly graph: FlowGraph;
  readonly conflicts: Conflict[];
  readonly truncated: boolean;
}

export interface AnalyzeOptions {
  readonly application?: ApplicationSnapshotInput;
  readonly connections?: readonly ConnectionInput[];
  readonly loopsAsErrors?: boolean;
  readonly explore: boolean;
  /** Whose script: keeps a tenant's explorations on one lab worker. */
  readonly tenant?: string;
}

/** The analyzer and the simulator, run where a hostile script cannot take the server down. */
export interface ScriptLab {
  /** Diagnostics; with `explore`, also the flow exploration (conflicts and graph) for the application. */
  analyze(source: string, options: AnalyzeOptions): Promise<ScriptAnalysis>;
  simulate(scenario: unknown): Promise<Trace>;
  close(): Promise<void>;
}

export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: SqlStore;
  readonly admin: SqlAdminStore;
  readonly flows: FlowService;
  /** Each tenant's own settings (limits, HTTP allow-list, lockout, email OTP), as this process knows them. */
  readonly tenantSettings: TenantSettingsCache;
  readonly lab: ScriptLab;
  readonly templates: () => Promise<readonly CatalogTemplate[]>;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Seals a tenant's script secret for the store (only this server's key opens it). */
  readonly sealSecret: (tenant: string, name: string, value: string) => string;
  /** The sandbox version hash of a script (what a published version records). */
  readonly versionOf: (source: string) => string;
}
