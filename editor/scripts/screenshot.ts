/**
 * Takes the README's screenshot (docs/editor.png) from the real app: a fresh server with the demo
 * tenant, Debian's Chromium, and the seed's story on screen — a script that always asks for TOTP,
 * the JIT warning for GitHub, and a simulated GitHub login failing at step 2 with its path lit.
 *
 *   npm run build && node --no-node-snapshot --import tsx editor/scripts/screenshot.ts
 */
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../test/e2e/_browser.js';
import { ALWAYS_MFA, analysed, signIn, typeScript } from '../../test/e2e/_editor.js';
import { startEditorServer } from '../../test/e2e/_server.js';

const OUT = fileURLToPath(new URL('../../docs/editor.png', import.meta.url));

const server = await startEditorServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
  await signIn(page, server.url, server.adminToken);
  await typeScript(page, ALWAYS_MFA);
  await page.getByTestId('jit-warning').waitFor({ timeout: 30_000 });
  await analysed(page);
  await page.getByRole('tab', { name: 'Simulate' }).click();
  await page.getByLabel('Scenario name').fill('GitHub user, JIT off');
  await page.getByLabel('Signs in with').first().selectOption({ label: 'GitHub (GithubAuthenticator)' });
  await page.getByLabel('Subject at GitHub').fill('gh-42');
  await page.getByRole('button', { name: '+ Step' }).click();
  await page.getByTestId('run-simulation').click();
  await page.getByTestId('trace').waitFor({ timeout: 30_000 });
  // Show the lit graph and the trace's verdict, not the form above them.
  await page.getByTestId('flow-graph').last().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.locator('.monaco-editor .view-lines').click();
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
