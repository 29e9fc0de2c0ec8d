// Service level monitoring (issue #13 item 4): a class counts how many responses start within
// its response time; crossing a threshold raises its event once each way, slm.* lets a rule act
// on it, and statistics show it.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startHttpNode } from '../helpers/nodes.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

/** A node that answers "name" after `delay.ms` milliseconds. */
async function delayedNode(t: TestContext, name: string, delay: { ms: number }) {
  return startHttpNode(t, name, (req, res) => {
    req.resume()
    setTimeout(() => res.end(name), delay.ms)
  })
}

async function get(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${String(port)}/`)).text()
}

test('falling below and recovering above each threshold raises each event once, in order', async (t) => {
  const delay = { ms: 0 }
  const node = await delayedNode(t, 'app', delay)
  const app = await startApp(t, {
    'service_level_monitors/svc': obj({ basic: { response_time: 100, warning_threshold: 50, serious_threshold: 20 } }),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { slm_class: 'svc' } }),
  })
  const port = boundPort(app, 'web')
  const slmEvents = () => app.events.list().filter((e) => e.category === 'slm').map((e) => e.name)
  for (let i = 0; i < 2; i++) await get(port)
  delay.ms = 150
  for (let i = 0; i < 9; i++) await get(port)
  // 2 of 11 conform (18%): below the warning line at the third slow one, below serious at the ninth.
  assert.deepEqual(slmEvents(), ['slmfallenbelowwarn', 'slmfallenbelowserious'])
  const svc = app.serviceLevels.get('svc')
  assert.ok(svc !== undefined)
  assert.equal(svc.conforming(Date.now()), 18)
  delay.ms = 0
  for (let i = 0; i < 7; i++) await get(port)
  // 9 of 18 (50%): back above serious at the first fast one, above warning at the seventh.
  assert.deepEqual(slmEvents(), ['slmfallenbelowwarn', 'slmfallenbelowserious', 'slmrecoveredserious', 'slmrecoveredwarn'])
  const warn = app.events.list().find((e) => e.name === 'slmfallenbelowwarn')
  assert.ok(warn !== undefined)
  assert.deepEqual(warn.objects, { service_level_monitor: 'svc' })
  assert.equal(warn.severity, 'warn')
})

test('slm.isOK sends traffic to a fallback pool while the service is degraded; connection.setServiceLevelClass attaches a class', async (t) => {
  const delay = { ms: 0 }
  const main = await delayedNode(t, 'main', delay)
  const spare = await startHttpNode(t, 'spare')
  const rule = [
    'connection.setServiceLevelClass("svc");',
    'if (http.getPath() == "/state") {',
    '  http.sendResponse(200, "text/plain", slm.isOK() . " " . slm.conforming("svc") . " " . slm.threshold(), "");',
    '}',
    'if (!slm.isOK("svc")) { pool.use("spare"); }',
  ].join('\n')
  const started = await startApp(t, {
    'service_level_monitors/svc': obj({ basic: { response_time: 100, warning_threshold: 60 } }),
    'rules/steer': rule,
    'pools/main': poolObj([main.address]),
    'pools/spare': poolObj([spare.address]),
    'virtual_servers/web': vsObj(0, 'http', 'main', { basic: { request_rules: ['steer'] } }),
  })
  const port = boundPort(started, 'web')
  const state = async () => (await fetch(`http://127.0.0.1:${String(port)}/state`)).text()
  assert.equal(await state(), '1 100 60')
  assert.equal(await get(port), 'main')
  delay.ms = 150
  assert.equal(await get(port), 'main')
  assert.equal(await get(port), 'main')
  // The first /state answer and the fast one conform, the two slow ones do not: 2 of 4.
  assert.equal(await state(), '0 50 60')
  assert.equal(await get(port), 'spare', 'a degraded service sends new requests to the spare pool')
})

/** The API harness with monitor `svc` (100 ms, warning at 50%) on its virtual server `vs`. */
async function monitoredApi(t: TestContext, delay: { ms: number }) {
  const { startApi } = await import('../api/harness.ts')
  const node = await delayedNode(t, 'app', delay)
  const api = await startApi(
    t,
    {
      'service_level_monitors/svc': { properties: { basic: { response_time: 100, warning_threshold: 50 } } },
      'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    },
    'p',
  )
  assert.equal((await api.call('PUT', '/api/tm/8.3/config/active/virtual_servers/vs', { properties: { basic: { slm_class: 'svc' } } })).status, 200)
  return api
}

test('statistics and Prometheus show each monitor', async (t) => {
  const delay = { ms: 0 }
  const api = await monitoredApi(t, delay)
  await get(api.vsPort)
  delay.ms = 150
  await get(api.vsPort)
  const stats = await api.call('GET', '/api/tm/8.3/status/local_tm/statistics/service_level_monitors/svc')
  assert.deepEqual(stats.body, { statistics: { conforming: 50, total_conn: 2, total_non_conf: 1, is_ok: 0, response_time: 100, warning_threshold: 50, serious_threshold: 0 } })
  const metrics = (await api.call('GET', '/metrics')).text
  assert.match(metrics, /sluice_slm_conforming_percent\{service_level_monitor="svc"\} 50/)
  assert.match(metrics, /sluice_slm_responses_total\{service_level_monitor="svc"\} 2/)
  const bad = await api.call('PUT', '/api/tm/8.3/config/active/virtual_servers/vs', { properties: { basic: { slm_class: 'nope' } } })
  assert.equal(bad.status, 400)
  assert.match(bad.text, /slm_class/)
})

test('a monitor that stays through a reload keeps its window and counts', async (t) => {
  const delay = { ms: 150 }
  const api = await monitoredApi(t, delay)
  await get(api.vsPort)
  delay.ms = 0
  await get(api.vsPort)
  await get(api.vsPort)
  const note = await api.call('PUT', '/api/tm/8.3/config/active/service_level_monitors/svc', { properties: { basic: { note: 'reloaded' } } })
  assert.equal(note.status, 200, note.text)
  await get(api.vsPort)
  const stats = await api.call('GET', '/api/tm/8.3/status/local_tm/statistics/service_level_monitors/svc')
  assert.deepEqual(stats.body, { statistics: { conforming: 75, total_conn: 4, total_non_conf: 1, is_ok: 1, response_time: 100, warning_threshold: 50, serious_threshold: 0 } })
})
