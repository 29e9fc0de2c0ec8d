/**
 * Statistics and /metrics against traffic the test sent through a real virtual server.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startHttpNode } from '../helpers/nodes.ts'
import { samples } from '../helpers/prometheus.ts'
import { waitFor } from '../helpers/wait.ts'
import { pick, startApi } from './harness.ts'

const S = '/api/tm/8.3/status/local_tm'


test('statistics and metrics count exactly the traffic sent', async (t) => {
  const node = await startHttpNode(t, 'n1', (req, res) => {
    req.resume()
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain', 'content-length': 2 })
    res.end('n1')
  })
  const pool = { properties: { basic: { nodes_table: [{ node: node.address }, { node: '127.0.0.1:1', state: 'disabled' }] } } }
  const h = await startApi(t, { 'pools/web': pool }, 'web')
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`http://127.0.0.1:${String(h.vsPort)}/ok`)).status, 200)
  for (let i = 0; i < 2; i++) assert.equal((await fetch(`http://127.0.0.1:${String(h.vsPort)}/missing`)).status, 404)
  const posted = await fetch(`http://127.0.0.1:${String(h.vsPort)}/ok`, { method: 'POST', body: 'abcdefghij' })
  assert.equal(posted.status, 200)
  await posted.text()
  await waitFor(() => h.app.stats.virtualServer('vs').totalRequests === 8, 'eight requests counted')

  const vs = pick((await h.call('GET', `${S}/statistics/virtual_servers/vs`)).body, 'statistics') as Record<string, number>
  assert.equal(vs['total_requests'], 8)
  assert.equal(vs['http_server2xx'], 6)
  assert.equal(vs['http_server4xx'], 2)
  assert.equal(vs['http_server5xx'], 0)
  // Body bytes, as the request log's %B: ten bytes posted, two bytes ("n1") in each of eight answers.
  assert.equal(vs['bytes_in'], 10)
  assert.equal(vs['bytes_out'], 16)
  assert.ok((vs['response_min'] ?? -1) <= (vs['response_mean'] ?? -1) && (vs['response_mean'] ?? -1) <= (vs['response_max'] ?? -1))

  const ppn = pick((await h.call('GET', `${S}/statistics/nodes/per_pool_node/web-${node.address}`)).body, 'statistics') as Record<string, unknown>
  assert.equal(ppn['total_conn'], 8)
  assert.equal(ppn['current_conn'], 0)
  assert.equal(ppn['state'], 'alive')
  assert.equal(ppn['node_state'], 'active')
  assert.equal(ppn['failures'], 0)
  const n = pick((await h.call('GET', `${S}/statistics/nodes/node/${node.address}`)).body, 'statistics') as Record<string, unknown>
  assert.equal(n['total_conn'], 8)
  assert.equal(n['bytes_from_node'], ppn['bytes_from_node'])
  const p = pick((await h.call('GET', `${S}/statistics/pools/web`)).body, 'statistics') as Record<string, unknown>
  assert.equal(p['total_conn'], 8)
  assert.equal(p['nodes'], 2)
  assert.equal(p['disabled'], 1)
  assert.equal(p['state'], 'active')
  assert.equal(p['bytes_in'], ppn['bytes_from_node'])
  const g = pick((await h.call('GET', `${S}/statistics/globals`)).body, 'statistics') as Record<string, unknown>
  assert.equal(g['total_requests'], 8)
  assert.equal(g['total_bytes_out'], vs['bytes_out'])

  const metrics = await h.call('GET', '/metrics')
  assert.equal(metrics.status, 200)
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  const m = samples(metrics.text)
  assert.equal(m.get('sluice_virtual_server_requests_total{virtual_server="vs"}'), 8)
  assert.equal(m.get('sluice_virtual_server_responses_total{virtual_server="vs",code="2xx"}'), 6)
  assert.equal(m.get('sluice_virtual_server_responses_total{virtual_server="vs",code="4xx"}'), 2)
  assert.equal(m.get('sluice_virtual_server_sent_bytes_total{virtual_server="vs"}'), vs['bytes_out'])
  assert.equal(m.get('sluice_virtual_server_received_bytes_total{virtual_server="vs"}'), vs['bytes_in'])
  assert.equal(m.get('sluice_virtual_server_response_time_seconds_count{virtual_server="vs"}'), 8)
  assert.equal(m.get(`sluice_pool_node_requests_total{pool="web",node="${node.address}"}`), 8)
  assert.equal(m.get(`sluice_pool_node_received_bytes_total{pool="web",node="${node.address}"}`), ppn['bytes_from_node'])
  assert.equal(m.get(`sluice_pool_node_up{pool="web",node="${node.address}"}`), 1)
  assert.equal(m.get('sluice_pool_node_state{pool="web",node="127.0.0.1:1",state="disabled"}'), 1)
  assert.equal(m.get('sluice_pool_nodes{pool="web"}'), 2)
  assert.match(metrics.text, /# TYPE sluice_virtual_server_response_time_seconds histogram/)
  for (const name of new Set([...m.keys()].map((k) => k.replace(/\{.*$/, '').replace(/_(sum|count|bucket)$/, '')))) {
    assert.match(metrics.text, new RegExp(`# TYPE ${name} `), `${name} is declared`)
    assert.match(name, /^sluice_[a-z_]+$/)
  }
})

test('state lists failed nodes; lists and unknown names', async (t) => {
  const pool = { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }, { node: '127.0.0.1:2', state: 'draining' }] } } }
  const h = await startApi(t, { 'pools/web': pool }, 'web')
  const status = h.app.snapshot?.pools.get('web')?.nodes[0]?.status
  assert.ok(status)
  status.isAlive = false
  const state = pick((await h.call('GET', `${S}/state`)).body, 'state') as Record<string, unknown>
  assert.equal(state['error_level'], 'warn')
  assert.deepEqual(state['failed_nodes'], [{ node: '127.0.0.1:1', pools: ['web'] }])
  assert.deepEqual(pick(state, 'pools', 'web', 'draining_nodes'), ['127.0.0.1:2'])
  const list = await h.call('GET', `${S}/statistics/nodes/per_pool_node/`)
  assert.deepEqual((pick(list.body, 'children') as { name: string }[]).map((c) => c.name), ['web-127.0.0.1:1', 'web-127.0.0.1:2'])
  assert.equal((await h.call('GET', `${S}/statistics/pools/nope`)).status, 404)
  assert.equal((await h.call('GET', `${S}/statistics/virtual_servers/nope`)).status, 404)
  assert.equal((await h.call('PUT', `${S}/statistics/globals`, {})).status, 405)
})
