/**
 * Builds the prelude: the guest files (runtime/guest/*.js) joined in order inside one strict
 * function, which the host calls once per isolate with the host-call channel and the limits, and
 * which returns the run entry. The files are read from beside this module, so the same code works
 * from the TypeScript sources and from dist/.
 */
import { readFileSync } from 'node:fs';

/** In load order: each file may use what the files before it declared. */
export const GUEST_FILES = [
  '00-intrinsics.js',
  '10-caps.js',
  '20-deterministic.js',
  '30-tame.js',
  '40-marshal.js',
  '50-run-state.js',
  '60-context.js',
  '70-api.js',
  '72-api-users.js',
  '74-api-http.js',
  '76-libraries.js',
  '80-step-queue.js',
  '85-hooks.js',
  '90-scope-and-harden.js',
  '99-entry.js',
] as const;

let cached: string | undefined;

export function preludeSource(): string {
  if (cached !== undefined) return cached;
  const parts = GUEST_FILES.map((name) => {
    const text = readFileSync(new URL(`../guest/${name}`, import.meta.url), 'utf8');
    return `// ---- ${name}\n${text.replace(/^\/\/ @ts-check\n/, '')}`;
  });
  cached = [
    '(function (HOST_CALL, CONFIG_JSON) {',
    "'use strict';",
    'const CONFIG = JSON.parse(CONFIG_JSON);',
    ...parts,
    'return [runEntry, takeLastResult, bindRun, makeLibrary];',
    '})',
  ].join('\n');
  return cached;
}

/** The file name V8 reports for positions in a tenant's script. */
export const SCRIPT_FILENAME = 'script.js';

/**
 * The script as the body of a function, so its top-level declarations are fresh locals of each
 * run; the function returns the entry points WSO2 looks up by name. The source has already been
 * compiled on its own as a Script, so it cannot close the wrapper early (that would not parse).
 */
export function wrapScript(source: string): string {
  const entry = (name: string) => `typeof ${name} === 'undefined' ? undefined : ${name}`;
  return `(function () {\n${source}\n;return [${entry('onLoginRequest')}, ${entry('onProvisioningRequest')}, ${entry('onUserProvisioned')}];\n})`;
}

/** The file name V8 reports for positions in a tenant's script library. */
export function libraryFilename(name: string): string {
  return `library:${name.endsWith('.js') ? name : `${name}.js`}`;
}

/**
 * A script library as a CommonJS-style function `(module, exports, require)`. As with scripts, the
 * source is first compiled on its own, so it cannot close the wrapper early.
 */
export function wrapLibrary(source: string): string {
  return `(function (module, exports, require) {\n${source}\n})`;
}
