/**
 * `authscript templates list [--json]` and `authscript templates show ID [--json]`: the template
 * library (templates/), for admins starting a script and for the editor (JSON). `list` prints one
 * line per template (id, category, title); `show` prints a template's metadata, its parameters
 * and steps, and its script. An unknown id exits 1, naming the closest ids.
 */
import type { Command } from 'commander';
import { loadTemplates, type CatalogTemplate } from '../../templates/catalog.js';

interface TemplatesOptions {
  json?: boolean;
  dir?: string;
}

export function templatesCommand(program: Command, setExit: (code: number) => void): void {
  const templates = program.command('templates').description('the template library: scripts to start from, each with its scenarios');
  templates
    .command('list')
    .description('list the templates: id, category, title')
    .option('--json', 'print the templates (without their scripts) as one JSON document')
    .option('--dir <folder>', 'read the templates from this folder instead of the packaged ones')
    .action(async (options: TemplatesOptions) => {
      const all = await loadTemplates(options.dir);
      if (options.json) {
        process.stdout.write(JSON.stringify(all.map(({ script: _script, ...metadata }) => metadata), null, 2) + '\n');
        return;
      }
      const idWidth = Math.max(...all.map((t) => t.id.length));
      const categoryWidth = Math.max(...all.map((t) => t.category.length));
      for (const t of all) process.stdout.write(`${t.id.padEnd(idWidth)}  ${t.category.padEnd(categoryWidth)}  ${t.title}\n`);
    });
  templates
    .command('show')
    .description("print a template's metadata and its script")
    .argument('<id>', 'the template id (see `authscript templates list`)')
    .option('--json', 'print the template, with its script, as one JSON document')
    .option('--dir <folder>', 'read the templates from this folder instead of the packaged ones')
    .action(async (id: string, options: TemplatesOptions) => {
      const all = await loadTemplates(options.dir);
      const template = all.find((t) => t.id === id);
      if (template === undefined) {
        const near = closest(id, all.map((t) => t.id));
        process.stderr.write(`authscript: no template "${id}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; \`authscript templates list\` lists them\n`);
        setExit(1);
        return;
      }
      process.stdout.write(options.json ? JSON.stringify(template, null, 2) + '\n' : describeTemplate(template));
    });
}

export function describeTemplate(t: CatalogTemplate): string {
  const lines = [`${t.id}: ${t.title}`, `category: ${t.category}`, `wso2: ${t.wso2 ?? '(none: an authscript template)'}`, '', t.summary, ''];
  lines.push(t.parameters.length === 0 ? 'parameters: none' : 'parameters (the var lines at the top of the script):');
  for (const p of t.parameters) lines.push(`  ${p.name}: ${p.type} = ${JSON.stringify(p.default)}`, `      ${p.description}`);
  lines.push('', 'steps (the application\u2019s login steps):');
  t.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.description}: ${s.options.map((o) => `${o.idp}/${o.authenticator}`).join(', ')}`));
  lines.push('', `scenarios: ${t.scenarios.length > 0 ? t.scenarios.join(', ') : 'none'}`, '', '--- script.js ---', t.script.endsWith('\n') ? t.script.slice(0, -1) : t.script, '');
  return lines.join('\n');
}

/** Ids within a small edit distance of `id`, or that contain it, closest first (at most 3). */
function closest(id: string, ids: readonly string[]): string[] {
  return ids
    .map((candidate) => ({ candidate, d: candidate.includes(id) ? 0 : distance(id, candidate) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.candidate);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
