/**
 * authscript's library entry: the sandbox, the flow engine and its parts, for hosts that embed
 * the runtime. Tests of scripts use `authscript/testing`.
 */
export { Sandbox, type RunRequest, type RunResult, type SandboxOptions, type RunGuard } from '../runtime/host/sandbox.js';
export { SandboxPool, type SandboxPoolOptions } from '../runtime/host/sandbox-pool.js';
export { Supervisor, type CrashReport, type SupervisorOptions } from '../runtime/host/supervisor.js';
export * from '../runtime/protocol.js';
export { FlowEngine, type FlowEngineOptions, type FlowInteraction, type StartFlow, type ScriptRunner, type AsyncCaller } from './flow/engine.js';
export { FlowError, type FlowErrorCode } from './flow/flow-error.js';
export { OutboundHttp, type OutboundHttpOptions } from './flow/outbound-http.js';
export { MemoryStore } from './store/memory-store.js';
export type { Store, FlowRecord, LocalUser } from './store/types.js';
export { SimulatedAuthenticator } from './authenticators/simulated.js';
export { ConnectionSchema, type Connection } from './provisioning/connection.js';
export { analyze, type AnalysisContext } from './analysis/analyze.js';
export { lint, type LintOptions, type LintResult } from './analysis/lint.js';
export { explore, type Exploration, type FlowGraph, type GraphNode, type GraphEdge, type Conflict } from './analysis/explore.js';
export { DiagnosticSchema, type Diagnostic } from './analysis/diagnostic.js';
export { loadTemplates } from './templates/catalog.js';
export { SqlStore } from './store/sql/sql-store.js';
export { openSqliteStore } from './store/sql/sqlite.js';
export { openPostgresStore } from './store/sql/postgres.js';
