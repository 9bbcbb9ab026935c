/**
 * The editor end to end: a real server (fresh SQLite, the demo tenant) and Debian's Chromium. Each
 * test is what an admin does in the browser, checked by what the page then shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, withPage } from './_browser.js';
import { ALWAYS_MFA, analysed, editorText, signIn, typeScript } from './_editor.js';
import { startEditorServer, type EditorServer } from './_server.js';

let server: EditorServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startEditorServer(), launchChromium()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web editor', { timeout: 90_000 }, () => {
  it('asks for the admin token and shows the demo application once signed in', async () => {
    await withPage(browser, 'sign in', async (page) => {
      await page.goto(server.url);
      await page.getByLabel('Admin token').fill('ast_wrong_token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByLabel('Admin token').isVisible()).toBe(true);
      // Nothing of the API answers without the token.
      const status = await page.evaluate(`fetch('/api/v1/applications').then((r) => r.status)`);
      expect(status).toBe(401);

      await signIn(page, server.url, server.adminToken);
      expect(await page.getByRole('combobox', { name: 'Application' }).inputValue()).not.toBe('');
      expect(await page.getByRole('combobox', { name: 'Application' }).locator('option:checked').textContent()).toBe('Thrift');
      expect(await page.getByTestId('save-state').textContent()).toBe('Draft saved');
    });
  });

  it('warns about GitHub (JIT off) before TOTP, and the skip-MFA template makes the warning go away', async () => {
    await withPage(browser, 'skip mfa template', async (page) => {
      await signIn(page, server.url, server.adminToken);
      await typeScript(page, ALWAYS_MFA);
      const warning = page.getByTestId('jit-warning');
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.textContent()).toContain('Logins through GitHub will fail at step 2');
      expect(await warning.textContent()).toContain('step 1 via GitHub');

      await page.getByRole('button', { name: 'Skip MFA for external connections' }).first().click();
      const gallery = page.getByRole('dialog', { name: 'Templates' });
      await gallery.getByRole('heading', { name: 'Skip MFA for external connections' }).waitFor();
      await gallery.getByRole('button', { name: 'Insert into the script' }).click();
      await warning.waitFor({ state: 'detached', timeout: 30_000 });
      await analysed(page);
      expect(await page.getByTestId('jit-warning').count()).toBe(0);
      expect(await editorText(page)).toContain("var connectionsRequiringMfa = [];");
      // The template's parameter form writes its var line.
      await page.getByRole('tab', { name: 'Parameters' }).click();
      await page.getByRole('checkbox', { name: /Google/ }).check();
      await expect.poll(() => editorText(page)).toContain("var connectionsRequiringMfa = ['Google'];");
      expect(await page.getByTestId('save-state').textContent()).toBe('Unsaved changes');
      await page.keyboard.press('ControlOrMeta+S');
      await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Draft saved');
    });
  });

  it('shows a typing error as a marker and in the problems list, and jumps to it', async () => {
    await withPage(browser, 'error marker', async (page) => {
      await signIn(page, server.url, server.adminToken);
      await page.locator('.monaco-editor .view-lines').click();
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('executeStepp(1);');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      const problem = page.getByTestId('problems').getByRole('button', { name: /executeStepp is not defined/ });
      await problem.waitFor({ timeout: 30_000 });
      expect(await page.getByRole('tab', { name: /Problems/ }).textContent()).toMatch(/Problems\s*\d/);
      await page.getByRole('button', { name: 'Publish…' }).click();
      const dialog = page.getByRole('dialog', { name: /Publish/ });
      await dialog.getByText('Publishing is blocked').waitFor();
      expect(await dialog.getByTestId('confirm-publish').isDisabled()).toBe(true);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await problem.click();
      await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    });
  });

  it("applies the analyzer's quick fix, and IntelliSense knows the script API", async () => {
    await withPage(browser, 'quick fix', async (page) => {
      await signIn(page, server.url, server.adminToken);
      // The WSO2 trap: with two arguments the options object is read as the callbacks.
      await typeScript(page, "var onLoginRequest = function (context) {\n    executeStep(1, { authenticationOptions: [{ idp: 'LOCAL' }] });\n};\n");
      const fix = page.getByTestId('problems').getByRole('button', { name: /Add \{\} as the callbacks/ });
      await fix.waitFor({ timeout: 30_000 });
      await fix.click();
      await expect.poll(() => editorText(page)).toContain("executeStep(1, { authenticationOptions: [{ idp: 'LOCAL' }] }, {});");
      await fix.waitFor({ state: 'detached', timeout: 30_000 });

      // Inside a callback, context is typed from runtime/api.d.ts.
      await typeScript(page, 'var onLoginRequest = function (context) {\n    executeStep(1, {\n        onSuccess: function (context) {\n            context.steps[1].\n        }\n    });\n};\n');
      await page.locator('.view-line', { hasText: 'context.steps[1].' }).click();
      await page.keyboard.press('End');
      await page.keyboard.press('Control+Space');
      const suggestions = page.locator('.suggest-widget .monaco-list-row');
      await expect.poll(() => suggestions.allTextContents(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining('subject')]));
      expect((await suggestions.allTextContents()).join(' ')).toContain('idp');
    });
  });

  it('simulates a federated GitHub login and highlights its path in the flow graph', async () => {
    await withPage(browser, 'simulate federated', async (page) => {
      await signIn(page, server.url, server.adminToken);
      await typeScript(page, ALWAYS_MFA);
      await analysed(page);
      await page.getByRole('tab', { name: 'Simulate' }).click();
      await page.getByLabel('Signs in with').first().selectOption({ label: 'GitHub (GithubAuthenticator)' });
      await page.getByLabel('Subject at GitHub').fill('gh-42');
      await page.getByRole('button', { name: '+ Step' }).click();
      await page.keyboard.press('ControlOrMeta+Enter');
      const trace = page.getByTestId('trace');
      await trace.waitFor({ timeout: 30_000 });
      expect(await trace.textContent()).toContain('LOCAL_ACCOUNT_REQUIRED');
      const lit = page.locator('[data-testid="flow-graph"] .edge[data-lit="true"] text');
      await expect.poll(() => lit.allTextContents()).toContain('via GitHub');

      // The fix from the banner, then the same scenario succeeds with GitHub's subject.
      await page.getByTestId('jit-warning').getByRole('button', { name: 'Skip MFA for external connections' }).click();
      await page.getByTestId('jit-warning').waitFor({ state: 'detached', timeout: 30_000 });
      await page.getByTestId('run-simulation').click();
      await expect.poll(() => trace.textContent(), { timeout: 30_000 }).toContain('signed in as gh-42');
      expect(await trace.textContent()).toContain('success');
      await expect.poll(() => lit.allTextContents()).toContain('via GitHub');
      expect(await page.locator('[data-testid="flow-graph"] .node[data-lit="true"][data-node="success"]').count()).toBe(1);

      await page.getByLabel('Scenario name').fill('GitHub user skips TOTP');
      await page.getByRole('button', { name: 'Save scenario' }).click();
      await page.getByTestId('run-all').click();
      await page.locator('.scenario-list .badge-ok', { hasText: 'pass' }).waitFor({ timeout: 30_000 });
      // Saved on the server beside the script, not in this browser.
      const headers = { authorization: `Bearer ${server.adminToken}` };
      const apps = (await (await fetch(new URL('api/v1/applications', server.url), { headers })).json()) as { applications: { id: string; name: string }[] };
      const thrift = apps.applications.find((a) => a.name === 'Thrift')!;
      const saved = (await (await fetch(new URL(`api/v1/applications/${thrift.id}/scenarios`, server.url), { headers })).json()) as { scenarios: { form: { name: string } }[] };
      expect(saved.scenarios.map((x) => x.form.name)).toContain('GitHub user skips TOTP');
    });
  });

  it('publishes with a message, lists the version, diffs it, and rolls back', async () => {
    await withPage(browser, 'publish and roll back', async (page) => {
      await signIn(page, server.url, server.adminToken);
      await page.getByRole('tab', { name: 'Versions' }).click();
      const versions = page.getByTestId('versions').locator('li');
      const publish = async (marker: string) => {
        await typeScript(page, `${ALWAYS_MFA}// ${marker}\n`);
        await analysed(page);
        await page.getByRole('button', { name: 'Publish…' }).click();
        const dialog = page.getByRole('dialog', { name: /Publish/ });
        await dialog.getByLabel('What changed').fill(marker);
        // The JIT/MFA conflict is a warning: publishing is allowed, and the button says so.
        await dialog.getByRole('button', { name: /Publish with 1 warning/ }).click();
        await page.getByText(/Published version \d+/).waitFor({ timeout: 30_000 });
        await expect.poll(() => versions.first().textContent()).toContain(marker);
      };
      await publish('always ask for TOTP (A)');
      await publish('always ask for TOTP (B)');
      const count = await versions.count();
      expect(await versions.first().textContent()).toContain('live');
      expect(await page.getByText(/^Live: version \d+$/).textContent()).toMatch(/Live: version \d+/);

      await versions.first().getByRole('button', { name: 'Diff with draft' }).click();
      await page.getByTestId('diff-editor').locator('.monaco-diff-editor').waitFor({ timeout: 30_000 });
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

      await versions.nth(1).getByRole('button', { name: /Roll back to v/ }).click();
      await page.getByText(/Rolled back: version \d+ is live/).waitFor({ timeout: 30_000 });
      await expect.poll(() => versions.count()).toBe(count + 1);
      expect(await versions.first().textContent()).toContain('live');
      await expect.poll(() => editorText(page)).toContain('// always ask for TOTP (A)');
      expect(await page.getByTestId('save-state').textContent()).toBe('Draft saved');
    });
  });

  it('enables JIT on GitHub from the warning, and turning it off in Connections brings the warning back', async () => {
    await withPage(browser, 'enable jit', async (page) => {
      await signIn(page, server.url, server.adminToken);
      await typeScript(page, ALWAYS_MFA);
      const warning = page.getByTestId('jit-warning');
      await warning.waitFor({ timeout: 30_000 });
      await warning.getByRole('button', { name: 'Enable JIT on GitHub' }).click();
      await warning.waitFor({ state: 'detached', timeout: 30_000 });

      await page.getByRole('tab', { name: 'Connections' }).click();
      const github = page.getByRole('button', { name: /^GitHub JIT/ });
      expect(await github.textContent()).toContain('JIT on');
      if ((await github.getAttribute('aria-expanded')) !== 'true') await github.click();
      const form = page.getByRole('form', { name: 'GitHub settings' });
      await form.getByRole('checkbox', { name: /^JIT provisioning/ }).uncheck();
      await form.getByRole('button', { name: 'Save GitHub' }).click();
      await form.getByText('Saved.').waitFor();
      await warning.waitFor({ timeout: 30_000 });
      expect(await github.textContent()).toContain('JIT off');
    });
  });
});
