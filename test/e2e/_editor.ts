/** What a person does in the editor, as steps the end-to-end tests share. */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
}

/** Replaces the script as a person would: select all, paste. */
export async function typeScript(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // Pasted, as a person moving a script in would: typed key by key, monaco auto-closes brackets.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await page.keyboard.press('ControlOrMeta+V');
  await page.locator('.monaco-editor .view-line').nth(1).waitFor();
}

/** The text in the editor. */
export function editorText(page: Page): Promise<string> {
  // monaco renders lines as positioned DOM nodes (only the visible ones): read them in order.
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate(`[...document.querySelectorAll('.monaco-editor .view-line')]
    .map((l) => ({ top: parseFloat(l.style.top), text: (l.textContent || '').replace(/\\u00a0/g, ' ') }))
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text)
    .join('\\n')`) as Promise<string>;
}

/** Everything the analyzer said about the current text has arrived. */
export async function analysed(page: Page): Promise<void> {
  await page.locator('.analysing').waitFor({ state: 'detached', timeout: 30_000 });
}

/** A script that always asks for TOTP: the seed's story, broken for GitHub (JIT off). */
export const ALWAYS_MFA = `var onLoginRequest = function (context) {
    executeStep(1);
    executeStep(2);
};
`;
