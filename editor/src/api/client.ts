/**
 * The HTTP client of the admin API: one place that adds the token, reads the error envelope and
 * turns it into an ApiError the UI can show (code, message, the field issues, and the analyzer's
 * diagnostics when a publish is refused).
 */
import type {
  Application,
  Connection,
  Diagnostic,
  Draft,
  Me,
  Published,
  ScriptVersion,
  ScriptVersionSummary,
  Template,
  TemplateSummary,
  Trace,
  User,
  Validation,
} from './types.js';
import type { SavedScenario } from '../lib/scenario.js';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }

  /** The message with the field issues, for a person. */
  describe(): string {
    if (this.issues.length === 0) return this.message;
    return `${this.message}: ${this.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class Api {
  constructor(
    private readonly token: string,
    /** Told when the server says the token is no longer good, so the UI can sign out. */
    private readonly onUnauthenticated: () => void = () => {},
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetcher(`${API_BASE}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Is `authscript serve` running?');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!response.ok) {
      const err = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[]; diagnostics?: Diagnostic[] } } | null)?.error;
      const error = new ApiError(response.status, err?.code ?? `HTTP_${response.status}`, err?.message ?? (response.statusText || `HTTP ${response.status}`), err?.issues ?? [], err?.diagnostics ?? []);
      if (response.status === 401) this.onUnauthenticated();
      throw error;
    }
    return json as T;
  }

  me(): Promise<Me> {
    return this.request('GET', '/me');
  }

  async applications(): Promise<Application[]> {
    return (await this.request<{ applications: Application[] }>('GET', '/applications')).applications;
  }

  application(id: string): Promise<Application> {
    return this.request('GET', `/applications/${enc(id)}`);
  }

  updateApplication(id: string, patch: Partial<Pick<Application, 'name' | 'steps' | 'subjectStep' | 'attributeStep' | 'scriptEnabled'>>): Promise<Application> {
    return this.request('PATCH', `/applications/${enc(id)}`, patch);
  }

  async saveDraft(id: string, source: string): Promise<Draft> {
    return (await this.request<{ draft: Draft }>('PUT', `/applications/${enc(id)}/script/draft`, { source })).draft;
  }

  validate(id: string, source: string, signal?: AbortSignal): Promise<Validation> {
    return this.request('POST', `/applications/${enc(id)}/script/validate`, { source }, signal);
  }

  publish(id: string, source: string, message: string): Promise<Published> {
    return this.request('POST', `/applications/${enc(id)}/script/publish`, { source, message });
  }

  async versions(id: string): Promise<ScriptVersionSummary[]> {
    return (await this.request<{ versions: ScriptVersionSummary[] }>('GET', `/applications/${enc(id)}/script/versions`)).versions;
  }

  version(id: string, n: number): Promise<ScriptVersion> {
    return this.request('GET', `/applications/${enc(id)}/script/versions/${n}`);
  }

  rollback(id: string, version: number, message?: string): Promise<ScriptVersion> {
    return this.request('POST', `/applications/${enc(id)}/script/rollback`, message === undefined ? { version } : { version, message });
  }

  async connections(): Promise<Connection[]> {
    return (await this.request<{ connections: Connection[] }>('GET', '/connections')).connections;
  }

  /** PUT takes the editable fields only: the name is in the path, the counts are the server's. */
  updateConnection(connection: Connection): Promise<Connection> {
    const body = {
      authenticator: connection.authenticator,
      jit: connection.jit,
      claimMappings: connection.claimMappings,
      roleMappings: connection.roleMappings,
      ...(connection.userIdClaim ? { userIdClaim: connection.userIdClaim } : {}),
      ...(connection.groupsClaim ? { groupsClaim: connection.groupsClaim } : {}),
      syncedAttributesReadOnly: connection.syncedAttributesReadOnly,
    };
    return this.request('PUT', `/connections/${enc(connection.name)}`, body);
  }

  /** The scenarios saved beside the application's script, shared by the tenant's admins. */
  async savedScenarios(appId: string): Promise<SavedScenario[]> {
    const answer = await this.request<{ scenarios: SavedScenario[] }>('GET', `/applications/${encodeURIComponent(appId)}/scenarios`);
    return answer.scenarios;
  }

  async saveScenarios(appId: string, scenarios: readonly SavedScenario[]): Promise<void> {
    await this.request('PUT', `/applications/${encodeURIComponent(appId)}/scenarios`, { scenarios });
  }

  async users(query = '', limit = 200): Promise<User[]> {
    return (await this.request<{ users: User[]; total: number }>('GET', `/users?query=${enc(query)}&limit=${limit}`)).users;
  }

  async templates(): Promise<TemplateSummary[]> {
    return (await this.request<{ templates: TemplateSummary[] }>('GET', '/templates')).templates;
  }

  template(id: string): Promise<Template> {
    return this.request('GET', `/templates/${enc(id)}`);
  }

  simulate(scenario: unknown): Promise<Trace> {
    return this.request('POST', '/simulate', scenario);
  }
}

const enc = encodeURIComponent;
