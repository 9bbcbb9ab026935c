/**
 * Tenant script libraries (WSO2's function libraries) on the host side: the rules for their
 * names, their count, and the version of a script together with the libraries it can load.
 */
import { createHash } from 'node:crypto';

/** Script libraries of one run: name -> source. */
export type LibrarySources = Readonly<Record<string, string>>;

/** At most this many libraries are handed to one run. */
export const MAX_LIBRARIES = 50;

/** WSO2's characters for library names (FunctionLibraryMgtUtil), at most 100 of them. */
const LIBRARY_NAME = /^[A-Za-z0-9 ._-]{1,100}$/;

/** Why `name` cannot name a library, or null when it can. The guest applies the same rule. */
export function libraryNameProblem(name: string): string | null {
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    return `"${name.slice(0, 100)}" is a path; script libraries have plain names (no "/", "\\" or "..")`;
  }
  if (!LIBRARY_NAME.test(name)) {
    return `"${name.slice(0, 100)}" is not a script library name (letters, digits, spaces, ".", "_" and "-"; 1 to 100 characters)`;
  }
  return null;
}

/** The libraries as [name, source] pairs sorted by name (code-unit order): the order versions hash them in. */
export function sortedLibraries(libraries: LibrarySources | undefined): [string, string][] {
  if (libraries === undefined) return [];
  return Object.entries(libraries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function sha256Version(text: string): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

/**
 * The version of a script with the libraries it can load: with none, the script's own hash (so
 * versions pinned before libraries existed stay valid); otherwise the hash of the script's hash
 * and the sorted (name, library hash) pairs. A library changed mid-flow changes the version.
 */
export function combinedVersion(scriptHash: string, libraryHashes: readonly (readonly [string, string])[]): string {
  if (libraryHashes.length === 0) return scriptHash;
  const lines = [`script ${scriptHash}`, ...libraryHashes.map(([name, hash]) => `library ${JSON.stringify(name)} ${hash}`)];
  return sha256Version(lines.join('\n'));
}

/** The version `Sandbox.run` gives a script run with these libraries. */
export function flowVersion(source: string, libraries?: LibrarySources): string {
  return combinedVersion(
    sha256Version(source),
    sortedLibraries(libraries).map(([name, text]) => [name, sha256Version(text)] as const),
  );
}
