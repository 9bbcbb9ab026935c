/**
 * The template library: every `templates/<id>/` folder with its metadata (template.json), its
 * script (script.js) and its scenario files (*.scenario.json), validated and sorted by category
 * (in TEMPLATE_CATEGORIES order) then title.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPLATE_CATEGORIES, TemplateSchema, type Template } from './template-schema.js';

export interface CatalogTemplate extends Template {
  /** The text of script.js. */
  readonly script: string;
  /** The scenario files of the template (names inside its folder), sorted. */
  readonly scenarios: readonly string[];
}

export class TemplateCatalogError extends Error {
  override readonly name = 'TemplateCatalogError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid template library:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * The templates folder that ships with the package: `templates/` at the package root, found from
 * this module both in the sources (src/templates/) and in the build (dist/src/templates/).
 */
export function defaultTemplatesDir(): string {
  const candidates = ['../../templates/', '../../../templates/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'README.md'))) ?? candidates[0]!;
}

/** Every template under `dir`, validated; throws TemplateCatalogError naming every problem. */
export async function loadTemplates(dir: string = defaultTemplatesDir()): Promise<CatalogTemplate[]> {
  const problems: string[] = [];
  const out: CatalogTemplate[] = [];
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  for (const folder of folders.sort()) {
    const at = join(dir, folder);
    const files = await readdir(at);
    let metadata: Template | null = null;
    try {
      const parsed = TemplateSchema.safeParse(JSON.parse(await readFile(join(at, 'template.json'), 'utf8')));
      if (parsed.success) metadata = parsed.data;
      else problems.push(...parsed.error.issues.map((i) => `${folder}/template.json: ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`));
    } catch (e) {
      problems.push(`${folder}/template.json: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`);
    }
    let script: string | null = null;
    try {
      script = await readFile(join(at, 'script.js'), 'utf8');
    } catch (e) {
      problems.push(`${folder}/script.js: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`);
    }
    if (metadata === null || script === null) continue;
    if (metadata.id !== folder) problems.push(`${folder}/template.json: id "${metadata.id}" differs from its folder's name`);
    out.push({ ...metadata, script, scenarios: files.filter((f) => f.endsWith('.scenario.json')).sort() });
  }
  const ids = new Map<string, number>();
  for (const t of out) ids.set(t.id, (ids.get(t.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`template id "${id}" is used ${n} times`);
  if (problems.length > 0) throw new TemplateCatalogError(problems);
  return out.sort(
    (a, b) => TEMPLATE_CATEGORIES.indexOf(a.category) - TEMPLATE_CATEGORIES.indexOf(b.category) || a.title.localeCompare(b.title, 'en') || a.id.localeCompare(b.id, 'en'),
  );
}
