// `npm start` builds what is missing first: the compiled server (dist/) and the editor bundle
// (editor/dist/). `npm install` builds both already (the prepare script); this covers a checkout
// installed with --ignore-scripts, or a deleted build.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const missing = ['dist/src/cli/main.js', 'editor/dist/index.html'].filter((f) => !existsSync(f));
if (missing.length > 0) {
  process.stderr.write(`building (${missing.join(', ')} missing)...\n`);
  execSync('npm run build', { stdio: 'inherit' });
}
