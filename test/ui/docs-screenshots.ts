/**
 * Makes the screenshots in docs/ui/ (run by hand: `node --test test/ui/docs-screenshots.ts`):
 * half a minute of traffic through three nodes, one of them drained on the way, then the
 * dashboard, a configuration form with an error, and the rule editor with a marker.
 */
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../e2e/cli-harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { ADMIN, startApi } from '../api/harness.ts'
import { browserMissing, launchBrowser } from './browser.ts'

const OUT = join(ROOT, 'docs', 'ui')

test('docs screenshots', { skip: browserMissing(), timeout: 120_000 }, async (t) => {
  const nodes = await Promise.all(['a', 'b', 'c'].map((n, i) =>
    startHttpNode(t, n, (req, res) => {
      req.resume()
      setTimeout(() => res.end(`node ${n}\n`.repeat(20 + 40 * i)), 2 + 6 * i)
    })))
  const api = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: nodes.map((n) => ({ node: n.address })) }, load_balancing: { algorithm: 'least_connections' } } } }, 'web')
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  await page.goto(`${api.apiUrl}/`)
  await page.getByLabel('Username').fill(ADMIN.user)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
  const started = Date.now()
  let drained = false
  while (Date.now() - started < 30_000) {
    const burst = 2 + Math.round(4 + 3 * Math.sin((Date.now() - started) / 4000))
    await Promise.all(Array.from({ length: burst }, () => fetch(`http://127.0.0.1:${String(api.vsPort)}/`).then((r) => r.arrayBuffer()).catch(() => undefined)))
    if (!drained && Date.now() - started > 18_000) {
      drained = true
      const rows = nodes.map((n, i) => ({ node: n.address, ...(i === 0 ? { state: 'draining' } : {}) }))
      await api.call('PUT', '/api/tm/8.3/config/active/pools/web', { properties: { basic: { nodes_table: rows } } })
    }
    await new Promise((r) => setTimeout(r, 40))
  }
  await page.setViewportSize({ width: 1200, height: 1560 })
  await page.screenshot({ path: join(OUT, 'dashboard.png') })
  await page.setViewportSize({ width: 1200, height: 900 })
  await page.goto(`${api.apiUrl}/#/config/pools/+new`)
  await page.getByLabel('Name', { exact: true }).fill('images')
  await page.getByLabel('max_connection_attempts', { exact: true }).fill('-5')
  await page.getByRole('button', { name: 'Review changes' }).click()
  await page.locator('.field-error:not([hidden])').first().waitFor()
  await page.screenshot({ path: join(OUT, 'config-error.png') })
  await page.goto(`${api.apiUrl}/#/rules/`)
  await page.getByLabel('Name', { exact: true }).fill('route')
  await page.getByLabel('Rule text (TrafficScript)').fill('# Send image requests to their own pool.\n$path = http.getPath();\nif (string.startsWith($path, "/images/") {\n  pool.use("web");\n}\nhttp.setHeader("X-Served-By", "sluice");\n')
  await page.locator('.line-no.error').first().waitFor()
  await page.screenshot({ path: join(OUT, 'rule-editor.png') })
})
