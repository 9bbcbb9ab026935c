/**
 * Saved scenarios live beside the script in this browser, keyed by tenant and application (the
 * API has no scenario route); export turns them into files for `authscript test`.
 */
import type { SavedScenario } from './scenario.js';

const key = (tenant: string, app: string) => `authscript:scenarios:${tenant}:${app}`;

export function loadScenarios(tenant: string, app: string): SavedScenario[] {
  try {
    const raw = localStorage.getItem(key(tenant, app));
    const parsed = raw === null ? [] : (JSON.parse(raw) as unknown);
    return Array.isArray(parsed) ? (parsed as SavedScenario[]) : [];
  } catch {
    return [];
  }
}

export function storeScenarios(tenant: string, app: string, scenarios: readonly SavedScenario[]): void {
  localStorage.setItem(key(tenant, app), JSON.stringify(scenarios));
}

export function newId(): string {
  // Not crypto.randomUUID: it exists only in secure contexts, and the server may be reached over plain http.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
