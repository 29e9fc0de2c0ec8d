/**
 * Headless Chromium for the web UI's end-to-end tests: Debian's `chromium` driven by
 * playwright-core, launched with the flags this machine needs (no sandbox as root, no GPU, no
 * network chatter) and a fresh profile. Tests skip, saying why, where there is no Chromium.
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT } from '../e2e/cli-harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'

export const CHROMIUM = '/usr/bin/chromium'

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui')

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`
}

/** Launches Chromium for one test; it closes when the test ends. */
export async function launchBrowser(t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 20_000,
  })
  onCleanup(t, () => browser.close())
  return browser
}

/** Saves a screenshot of the page as test-artifacts/ui/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) })
}

/**
 * Controls without an accessible name (a label, aria-label, aria-labelledby, or a button's
 * text), described by tag and id.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  // Runs in the page (as text: the test's own types have no DOM).
  const found: unknown = await page.evaluate(`[...document.querySelectorAll('button, input, select, textarea, a[href]')]
    .filter((el) => !((el.labels?.length ?? 0) > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && (el.textContent ?? '').trim() === '')
    .map((el) => el.tagName.toLowerCase() + '#' + el.id)`)
  return found as string[]
}
