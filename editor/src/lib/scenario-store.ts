/** Ids for saved scenarios (they are stored on the server beside the script: Api.saveScenarios). */

export function newId(): string {
  // Not crypto.randomUUID: it exists only in secure contexts, and the server may be reached over plain http.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
