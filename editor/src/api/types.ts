/**
 * The shapes of the HTTP API (scratch/api-contract.md) the editor reads. Mirrored rather than
 * imported from src/: the editor depends on the wire format, not on the server's modules (and
 * their zod and Node imports).
 */

export interface StepOption {
  idp: string;
  authenticator: string;
}

export interface AppStep {
  options: StepOption[];
}

/** A time: epoch milliseconds (the server) or ISO text; both read with `new Date(...)`. */
export type Timestamp = number | string;

export interface Draft {
  source: string;
  updatedAt: Timestamp;
  updatedBy: string;
}

export interface Application {
  id: string;
  name: string;
  steps: AppStep[];
  subjectStep: number | null;
  attributeStep: number | null;
  scriptEnabled: boolean;
  draft: Draft;
  publishedVersion: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/** 1-based lines, 0-based columns (acorn's counting). */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix?: { title: string; edits: TextEdit[] };
}

export interface Conflict {
  connection: string;
  step: number;
  authenticator: string;
  path: string[];
}

export type GraphNodeKind = 'start' | 'step' | 'prompt' | 'async' | 'success' | 'fail' | 'error';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  step?: number;
  options?: StepOption[];
  code?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Validation {
  diagnostics: Diagnostic[];
  conflicts: Conflict[];
  graph: FlowGraph;
  notes: Diagnostic[];
}

export interface ScriptVersionSummary {
  number: number;
  hash: string;
  author: string;
  message: string;
  createdAt: Timestamp;
}

export interface ScriptVersion extends ScriptVersionSummary {
  source: string;
}

/** What publish answers: the version, and the analyzer's warnings it let through. */
export interface Published extends ScriptVersion {
  warnings?: Diagnostic[];
}

export type JitScheme = 'silent' | 'prompt-consent' | 'prompt-password-consent' | 'prompt-username-password-consent';
export type AttributeSync = 'override' | 'preserve-local' | 'none';

export interface JitSettings {
  enabled: boolean;
  userStore: string;
  scheme: JitScheme;
  associateLocalUser: boolean;
  lookupAttributes: string[];
  attributeSync: AttributeSync;
  associateWithoutVerifiedEmail: boolean;
  enhanced: boolean;
  blocking: boolean;
}

export interface Connection {
  name: string;
  authenticator: string;
  jit: JitSettings;
  claimMappings: Record<string, string>;
  roleMappings: Record<string, string>;
  userIdClaim?: string;
  groupsClaim?: string;
  syncedAttributesReadOnly: boolean;
  provisionedUsers: number;
}

export interface User {
  id: string;
  username: string;
  userStoreDomain: string;
  roles: string[];
  groups: string[];
  claims: Record<string, string>;
  locked: boolean;
  disabled: boolean;
  hasPassword: boolean;
  totpEnrolled: boolean;
  provisionedBy: string | null;
}

export type ParameterType = 'string' | 'string[]' | 'number' | 'boolean' | 'cidr[]' | 'connection' | 'connection[]';

export interface TemplateParameter {
  name: string;
  type: ParameterType;
  default: unknown;
  description: string;
}

export type TemplateCategory = 'access-control' | 'adaptive-mfa' | 'user-attributes' | 'jit-provisioning';

export interface TemplateSummary {
  id: string;
  title: string;
  summary: string;
  category: TemplateCategory;
  parameters: TemplateParameter[];
  steps: { description: string; options: StepOption[] }[];
  wso2: string | null;
}

export interface Template extends TemplateSummary {
  script: string;
  /** Scenario file names, or the scenarios themselves, depending on the server. */
  scenarios: unknown[];
}

export interface Me {
  tenant: { id: string; name: string; domain: string };
  credential: { id: string; name: string };
}

export type Outcome = 'success' | 'fail' | 'abort' | 'fallback';

export interface Trace {
  outcome: 'success' | 'fail' | 'error' | 'pending';
  steps: { step: number; idp: string; authenticator: string | null; outcome: Outcome }[];
  subject: { username: string; userStoreDomain: string | null; federated: boolean; idp: string | null } | null;
  claims: Record<string, string>;
  selectedAcr: string | null;
  error: { code: string; message: string; line?: number | null; column?: number | null } | null;
  redirect: { url: string | null; params: Record<string, string> } | null;
  provisioned: { username: string; userStoreDomain: string; idp: string; action: 'created' | 'updated' | 'associated' }[];
  pending: Record<string, unknown> | null;
  unusedInteractions: number;
  logs: { level: string; message: string }[];
  effects: Record<string, unknown>[];
}
