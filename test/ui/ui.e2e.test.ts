/**
 * The web UI in a real headless Chromium, against a real App and API on 127.0.0.1:0: log in;
 * watch a virtual server's request counter move under traffic; drain a node and see traffic
 * stop reaching it; create a pool with an invalid value and see the API's words next to the
 * field; save a rule with a syntax error, see the marker, fix it and apply it; log out and be
 * refused. Screenshots of each page go to test-artifacts/ui/.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page, Response } from 'playwright-core'
import { ruleTesterFor } from '../../src/cli/index.ts'
import { closedPort, startHttpNode } from '../helpers/nodes.ts'
import { ADMIN, pick, startApi } from '../api/harness.ts'
import { browserMissing, launchBrowser, screenshot, unnamedControls } from './browser.ts'

const skip = browserMissing()

/** Sends requests to the virtual server one after another until stopped (at most 20 s or 5000). */
function trafficTo(port: number): { stop: () => Promise<void> } {
  const state = { stopped: false }
  const started = Date.now()
  const loop = (async () => {
    for (let i = 0; i < 5000 && !state.stopped && Date.now() - started < 20_000; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${String(port)}/`)
        await res.arrayBuffer()
      } catch {
        // A request cut by a configuration change is retried by the next round.
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  return {
    stop: async () => {
      state.stopped = true
      await loop
    },
  }
}

async function totalRequests(page: Page): Promise<number> {
  const text = await page.locator('tr[data-name="vs"] td.total-requests').textContent({ timeout: 5000 })
  return Number((text ?? '').replace(/,/g, ''))
}

async function expectNamedControls(page: Page, where: string): Promise<void> {
  assert.deepEqual(await unnamedControls(page), [], `every control on the ${where} page has an accessible name`)
}

test('the web UI end to end', { skip, timeout: 60_000 }, async (t) => {
  const a = await startHttpNode(t, 'a')
  const b = await startHttpNode(t, 'b')
  const files = {
    'pools/web': { properties: { basic: { nodes_table: [{ node: a.address }, { node: b.address }], passive_monitoring: false } } },
    // A pool no traffic uses, whose only node is down: the node map shows it dead, with the monitor's reason.
    'monitors/connect': { properties: { basic: { type: 'connect', delay: 1, timeout: 1, failures: 1 } } },
    'pools/spare': { properties: { basic: { monitors: ['connect'], nodes_table: [{ node: `127.0.0.1:${String(await closedPort())}` }] } } },
  }
  let dir = ''
  const api = await startApi(t, files, 'web', { api: { ruleTester: (input) => ruleTesterFor(dir)(input) } })
  dir = api.dir
  const browser = await launchBrowser(t)
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  const traffic = trafficTo(api.vsPort)
  t.after(() => traffic.stop())

  await t.test('log in', async () => {
    const loads: Promise<number>[] = []
    const count = (r: Response) => {
      if (new URL(r.url()).pathname.startsWith('/ui/') || new URL(r.url()).pathname === '/') loads.push(r.request().sizes().then((s) => s.responseBodySize))
    }
    page.on('response', count)
    await page.goto(`${api.apiUrl}/`)
    await page.getByLabel('Username').waitFor()
    page.off('response', count)
    const downloaded = (await Promise.all(loads)).reduce((a, b) => a + b, 0)
    assert.ok(downloaded > 20_000 && downloaded < 80_000, `the UI downloads ${String(downloaded)} bytes compressed (docs/ui.md says about 53 KB)`)
    await page.getByLabel('Username').fill(ADMIN.user)
    await page.getByLabel('Password').fill('wrong password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('unknown user or wrong password').waitFor()
    await expectNamedControls(page, 'login')
    await screenshot(page, '01-login')
    // The keyboard alone: the user name field has focus, Tab moves on, Enter logs in.
    await page.getByLabel('Username').focus()
    await page.keyboard.press('Control+A')
    await page.keyboard.type(ADMIN.user)
    await page.keyboard.press('Tab')
    await page.keyboard.type(ADMIN.password)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    const cookie = (await context.cookies()).find((c) => c.name === 'sluice_session')
    assert.ok(cookie !== undefined)
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Strict')
    assert.doesNotMatch(page.url(), /password|wrong/i, 'no secrets in the URL')
  })

  await t.test('the request counter moves while traffic flows', async () => {
    const first = await totalRequests(page)
    let now = first
    for (const until = Date.now() + 8000; now <= first && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200))
      now = await totalRequests(page)
    }
    assert.ok(now > first, `the counter moved from ${String(first)} (now ${String(now)}) without reloading the page`)
    await page.locator('li.node[data-node]').first().waitFor()
    await expectNamedControls(page, 'dashboard')
    await screenshot(page, '02-dashboard')
  })

  await t.test('drain a node and traffic stops reaching it', async () => {
    await page.goto(`${api.apiUrl}/#/pools/web`)
    const row = page.locator(`tr[data-node="${a.address}"]`)
    await row.locator('td.active-connections').waitFor()
    await expectNamedControls(page, 'pool')
    await row.getByRole('button', { name: 'Drain' }).click()
    await page.getByRole('status').filter({ hasText: `${a.address} is now draining` }).waitFor()
    await row.locator('td.state', { hasText: 'draining' }).waitFor()
    // Requests already on their way may still finish at the node; then nothing more arrives.
    await new Promise((r) => setTimeout(r, 300))
    const aBefore = a.requests
    const bBefore = b.requests
    await new Promise((r) => setTimeout(r, 1200))
    assert.equal(a.requests, aBefore, 'the drained node gets no new requests')
    assert.ok(b.requests > bBefore, 'the other node takes the traffic')
    await screenshot(page, '03-pool')
  })

  await t.test('the dashboard shows the drained node, the dead one and the change in the event log', async () => {
    await page.goto(`${api.apiUrl}/#/`)
    await page.locator(`li.node.draining[data-node="${a.address}"]`).waitFor()
    const dead = page.locator('li.node.dead')
    await dead.waitFor()
    assert.notEqual(((await dead.locator('.node-reason').textContent()) ?? '').trim(), '', 'a dead node shows why')
    const change = page.locator('li.event', { hasText: 'config/confmod' })
    await change.waitFor()
    assert.match((await change.textContent()) ?? '', /admin/)
    await page.getByLabel('Severity').selectOption('warn')
    await change.waitFor({ state: 'detached' })
    await page.getByLabel('Severity').selectOption('info')
    await page.getByLabel('Object').fill('spare')
    await change.waitFor({ state: 'detached' })
    await page.getByLabel('Object').fill('')
    const link = page.locator('tr[data-name="vs"] a')
    await link.focus()
    // Let the page redraw with new figures at least once (traffic keeps the counter moving).
    const before = await totalRequests(page)
    for (const until = Date.now() + 8000; (await totalRequests(page)) <= before && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100))
    assert.equal(await page.evaluate('document.activeElement?.closest("tr")?.getAttribute("data-name")'), 'vs', 'live updates leave the keyboard focus where it was')
    await screenshot(page, '03b-dashboard-later')
    await page.setViewportSize({ width: 768, height: 1024 })
    // The layout at the new width, once the browser has drawn a frame.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    assert.equal(overflow, 0, 'nothing sticks out sideways at tablet width')
    await screenshot(page, '03c-dashboard-tablet')
    await page.setViewportSize({ width: 1280, height: 860 })
  })

  await t.test('an invalid value shows the API\u2019s error next to its field', async () => {
    await page.goto(`${api.apiUrl}/#/config/pools/+new`)
    await page.getByLabel('Name', { exact: true }).fill('bad-pool')
    await page.getByLabel('max_connection_attempts', { exact: true }).fill('-5')
    await page.getByRole('button', { name: 'Review changes' }).click()
    const error = page.locator('[data-key="basic.max_connection_attempts"] .field-error')
    await error.waitFor()
    const direct = await api.call('PUT', '/api/tm/8.3/config/active/pools/bad-pool?dry_run=true', { properties: { basic: { max_connection_attempts: -5 } } })
    const diagnostics = pick(direct.body, 'error', 'error_info', 'diagnostics') as { key: string; reason: string }[]
    const reason = diagnostics.find((d) => d.key === 'basic.max_connection_attempts')?.reason
    assert.ok(reason !== undefined)
    assert.equal(await error.textContent(), reason, 'the same words as the API (and sluice check)')
    assert.equal(await page.getByLabel('max_connection_attempts', { exact: true }).getAttribute('aria-invalid'), 'true')
    assert.equal((await api.call('GET', '/api/tm/8.3/config/active/pools/bad-pool')).status, 404, 'nothing was applied')
    await expectNamedControls(page, 'configuration form')
    await screenshot(page, '04-config-error')
  })

  await t.test('a rule with a syntax error shows its marker; fixed, it applies', async () => {
    await page.goto(`${api.apiUrl}/#/rules/`)
    await page.getByLabel('Name', { exact: true }).fill('route')
    const text = page.getByLabel('Rule text (TrafficScript)')
    await text.fill('http.setHeader("X-UI", "yes")\nif ( {\n')
    await page.locator('.line-no.error').first().waitFor()
    await page.locator('#rule-problems li.error').first().waitFor()
    assert.match((await page.locator('#rule-problems').textContent()) ?? '', /line \d+, column \d+/)
    await screenshot(page, '05-rule-error')
    await page.getByRole('button', { name: 'Save rule' }).click()
    await page.getByRole('status').filter({ hasText: 'Not saved' }).waitFor()
    assert.equal((await api.call('GET', '/api/tm/8.3/config/active/rules/route')).status, 404)
    await text.fill('http.setHeader("X-UI", "yes");\n')
    await page.locator('.line-no.error').first().waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Save rule' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved and applied rules/route' }).waitFor()
    const saved = await api.call('GET', '/api/tm/8.3/config/active/rules/route')
    assert.equal(saved.text, 'http.setHeader("X-UI", "yes");\n')
    await page.getByRole('button', { name: 'Run test' }).click()
    await page.locator('.test-output', { hasText: 'X-UI' }).waitFor()
    await expectNamedControls(page, 'rule editor')
    await screenshot(page, '06-rule-test')
  })

  await t.test('edit a virtual server: review the diff, apply, and traffic runs the rule', async () => {
    await page.goto(`${api.apiUrl}/#/config/virtual_servers/vs`)
    await page.getByLabel('request_rules', { exact: true }).fill('route')
    await page.getByRole('button', { name: 'Review changes' }).click()
    const diff = page.locator('.diff pre')
    await diff.waitFor()
    assert.match((await diff.textContent()) ?? '', /\+\s+"request_rules": \[/)
    await screenshot(page, '07-config-diff')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved virtual_servers/vs' }).waitFor()
    const stored = await api.call('GET', '/api/tm/8.3/config/active/virtual_servers/vs')
    assert.deepEqual((pick(stored.body, 'properties', 'basic', 'request_rules') as { name: string }[]).map((r) => r.name), ['route'])
    const seenBefore = b.seen.length
    for (let i = 0; i < 50 && !b.seen.slice(seenBefore).some((r) => r.headers['x-ui'] === 'yes'); i++) await new Promise((r) => setTimeout(r, 100))
    assert.ok(b.seen.slice(seenBefore).some((r) => r.headers['x-ui'] === 'yes'), 'the rule now runs on the traffic')
    await page.getByRole('button', { name: 'Review changes' }).click()
    await page.getByText('Nothing changes.').waitFor()
    await page.getByRole('button', { name: 'Show JSON' }).click()
    assert.match((await page.getByLabel('JSON of the object').textContent()) ?? '', /"request_rules"/)
  })

  await t.test('changes are audited under the logged-in user', async () => {
    const audit = await api.call('GET', '/api/tm/8.3/status/local_tm/audit')
    const entries = pick(audit.body, 'audit') as { user: string; action: string; objectType: string; objectName: string }[]
    assert.deepEqual(entries.map((e) => `${e.user} ${e.action} ${e.objectType}/${e.objectName}`), ['admin update pools/web', 'admin create rules/route', 'admin update virtual_servers/vs'])
  })

  await t.test('log out, and the session is refused', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'sluice_session')
    assert.ok(cookie !== undefined)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('heading', { name: 'Log in to Sluice' }).waitFor()
    await screenshot(page, '08-logged-out')
    const refused = await api.call('GET', '/api/tm/8.3/config/active/pools/', undefined, { auth: null, headers: { cookie: `sluice_session=${cookie.value}` } })
    assert.equal(refused.status, 401)
    const fromPage = await page.evaluate(`fetch('/api/tm/8.3/config/active/pools/', { headers: { 'x-requested-with': 'XMLHttpRequest' } }).then((r) => r.status)`)
    assert.equal(fromPage, 401)
  })
})

test('the quick start (no users): a read-only dashboard without logging in', { skip, timeout: 30_000 }, async (t) => {
  const node = await startHttpNode(t, 'n')
  const api = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: node.address }] } } } }, 'web', { noUsers: true })
  const browser = await launchBrowser(t)
  const page = await browser.newPage()
  page.setDefaultTimeout(8000)
  await page.goto(`${api.apiUrl}/`)
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
  await page.getByText('no API users exist yet').waitFor()
  await page.locator(`li.node[data-node="${node.address}"]`).waitFor()
  assert.equal(await page.getByRole('link', { name: 'Configuration' }).count(), 0)
  await screenshot(page, '10-quick-start')
})
