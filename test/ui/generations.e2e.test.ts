/**
 * The generations page (issue #19) in a real headless Chromium against a whole Sluice: one click
 * deploys a testing generation; reaping a generation with a live session asks first and does
 * nothing when refused; once confirmed the generation is reaped and the session moves on.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN } from '../api/harness.ts'
import { Session, generationRows, startGenerations } from '../generations/harness.ts'
import { browserMissing, launchBrowser, screenshot, unnamedControls } from './browser.ts'

const skip = browserMissing()

test('the generations page: deploy with one click, reap after a confirmation', { skip, timeout: 60_000 }, async (t) => {
  const run = await startGenerations(t, [
    { name: '31', state: 'current' },
    { name: '32', state: 'testing' },
  ])
  const user = new Session()
  assert.equal(await user.get(run.port()), '31')
  const browser = await launchBrowser(t)
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 700 } })).newPage()
  page.setDefaultTimeout(8000)
  await page.goto(`${run.server.apiOrigin}/`)
  await page.getByLabel('Username').fill(ADMIN.user)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
  await page.getByRole('link', { name: 'Generations' }).click()
  await page.getByRole('link', { name: 'app' }).click()
  await page.getByRole('heading', { name: 'Generations of app' }).waitFor()
  await page.locator('tr[data-generation="31"] td.state', { hasText: 'current' }).waitFor()
  assert.deepEqual(await unnamedControls(page), [])
  await page.getByRole('button', { name: 'Deploy 32' }).click()
  await page.getByRole('status').filter({ hasText: 'Deployed 32' }).waitFor()
  await page.locator('tr[data-generation="31"] td.state', { hasText: 'draining' }).waitFor()
  await page.locator('tr[data-generation="31"] td.sessions', { hasText: '1' }).waitFor()
  await screenshot(page, 'generations')
  assert.equal(await new Session().get(run.port()), '32', 'the click deployed 32')
  // Refusing the confirmation reaps nothing.
  page.once('dialog', (d) => void d.dismiss())
  await page.getByRole('button', { name: 'Reap 31' }).click()
  assert.equal((await generationRows(run)).get('31')?.['state'], 'draining')
  page.once('dialog', (d) => {
    assert.match(d.message(), /still has 1 live sessions/)
    void d.accept()
  })
  await page.getByRole('button', { name: 'Reap 31' }).click()
  await page.getByRole('status').filter({ hasText: 'Reaped 31' }).waitFor()
  assert.equal((await generationRows(run)).get('31')?.['state'], 'reaped')
  assert.equal(await user.get(run.port()), '32', 'the cut session starts again on the current generation')
})
