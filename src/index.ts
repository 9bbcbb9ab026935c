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
export { AuthenticatorRegistry, type AuthenticatorRegistryOptions, type StandardAuthenticatorsOptions } from './authenticators/registry.js';
export { BasicAuthenticator, type BasicAuthenticatorOptions } from './authenticators/basic.js';
export { TotpAuthenticator, sealTotpDevice, openTotpDevice, type TotpAuthenticatorOptions, type TotpDevice } from './authenticators/totp.js';
export { EmailOtpAuthenticator, EmailOtpSettingsSchema, type EmailOtpAuthenticatorOptions, type EmailOtpSettings } from './authenticators/email-otp.js';
export { NodemailerMailer, SmtpSettingsSchema, type Mailer, type OutgoingEmail, type SmtpSettings } from './authenticators/mailer.js';
export { sealSecret, openSecret, SecretBoxError, type SecretBoxErrorCode } from './authenticators/secret-box.js';
export { LockoutPolicySchema, type LockoutPolicy } from './authenticators/account-lock.js';
export { CredentialsSchema, type Credentials, type StepAuthenticator, type StepAttempt, type StepVerdict, type ChallengeResult, type Reason } from './authenticators/types.js';
export { stepRetryOf, type ChallengeRequest, type FlowChallenge, type StepRetry } from './flow/engine.js';
