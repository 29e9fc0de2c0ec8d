/**
 * Issue #21 item 5: response and connect times as Prometheus histograms beside the existing
 * figures, and times in the REST statistics rounded to hundredths of a millisecond.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RESPONSE_TIME_BUCKETS_MS } from '../../src/core/index.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { samples } from '../helpers/prometheus.ts'
import { waitFor } from '../helpers/wait.ts'
import { pick, startApi } from './harness.ts'

const S = '/api/tm/8.3/status/local_tm'
/** How long the slow node waits before it answers. */
const SLOW_MS = 60


/** The `le` buckets of one histogram series, in order: [bound, cumulative count]. */
function buckets(m: Map<string, number>, name: string, labels: string): [string, number][] {
  const re = new RegExp(`^${name}_bucket\\{${labels},le="([^"]+)"\\}$`)
  return [...m].flatMap(([k, v]) => {
    const found = re.exec(k)
    return found === null ? [] : [[found[1] ?? '', v] as [string, number]]
  })
}

test('response and connect times are histograms: cumulative buckets in seconds, a sum and a count', async (t) => {
  const node = await startHttpNode(t, 'n1', (req, res) => {
    req.resume()
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2, connection: 'close' }).end('n1')
    if (req.url === '/slow') setTimeout(answer, SLOW_MS)
    else answer()
  })
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: node.address }] } } } }, 'web')
  for (const path of ['/slow', '/slow', '/fast']) assert.equal(await (await fetch(`http://127.0.0.1:${String(h.vsPort)}${path}`)).text(), 'n1')
  await waitFor(() => h.app.stats.virtualServer('vs').totalRequests === 3, 'three requests counted')

  const metrics = await h.call('GET', '/metrics')
  for (const name of ['sluice_virtual_server_response_time_seconds', 'sluice_pool_node_response_duration_seconds', 'sluice_pool_node_connect_duration_seconds']) {
    assert.match(metrics.text, new RegExp(`# TYPE ${name} histogram\n`))
  }
  const m = samples(metrics.text)
  const vs = buckets(m, 'sluice_virtual_server_response_time_seconds', 'virtual_server="vs"')
  assert.deepEqual(vs.map(([le]) => le), [...RESPONSE_TIME_BUCKETS_MS.map((b) => String(b / 1000)), '+Inf'])
  for (let i = 1; i < vs.length; i++) assert.ok((vs[i]?.[1] ?? 0) >= (vs[i - 1]?.[1] ?? 0), 'cumulative')
  assert.equal(vs.at(-1)?.[1], 3)
  assert.equal(m.get('sluice_virtual_server_response_time_seconds_count{virtual_server="vs"}'), 3)
  // The two slow answers took at least SLOW_MS: no bucket below that holds them.
  for (const [le, n] of vs) if (Number(le) * 1000 < SLOW_MS) assert.ok(n <= 1, `le=${le} holds only the fast answer (${String(n)})`)
  assert.ok((m.get('sluice_virtual_server_response_time_seconds_sum{virtual_server="vs"}') ?? 0) >= (2 * SLOW_MS) / 1000)
  // The figures that were there before stay.
  assert.ok((m.get('sluice_virtual_server_response_time_max_seconds{virtual_server="vs"}') ?? 0) >= SLOW_MS / 1000)

  const labels = `pool="web",node="${node.address}"`
  const nodeResponses = buckets(m, 'sluice_pool_node_response_duration_seconds', labels)
  assert.equal(nodeResponses.at(-1)?.[1], 3)
  assert.equal(m.get(`sluice_pool_node_response_duration_seconds_count{${labels}}`), 3)
  // The node closes every connection, so each request opened one.
  assert.equal(m.get(`sluice_pool_node_connect_duration_seconds_count{${labels}}`), 3)
  assert.equal(buckets(m, 'sluice_pool_node_connect_duration_seconds', labels).at(-1)?.[1], 3)
  assert.ok(m.has(`sluice_pool_node_response_time_seconds{${labels}}`), 'the moving average stays')

  const stats = pick((await h.call('GET', `${S}/statistics/virtual_servers/vs`)).body, 'statistics') as Record<string, number>
  const perNode = pick((await h.call('GET', `${S}/statistics/nodes/per_pool_node/web-${node.address}`)).body, 'statistics') as Record<string, number>
  for (const [what, value] of [
    ['response_min', stats['response_min']], ['response_mean', stats['response_mean']], ['response_max', stats['response_max']],
    ['node response_mean', perNode['response_mean']], ['node response_max', perNode['response_max']],
  ] as const) {
    assert.equal(typeof value, 'number', what)
    assert.equal(Math.round((value ?? 0) * 100) / 100, value, `${what} is in ms, to 0.01 ms: ${String(value)}`)
  }
  assert.ok((stats['response_max'] ?? 0) >= SLOW_MS)
})
