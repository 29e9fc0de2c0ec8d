// Protection and rate classes through the REST API: statistics, /metrics, and editing (issue #13).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startHttpNode } from '../helpers/nodes.ts'
import { samples } from '../helpers/prometheus.ts'
import { pick, startApi } from '../api/harness.ts'
import { boundPort } from '../helpers/bound-port.ts'

const S = '/api/tm/8.3/status/local_tm/statistics'
const V = '/api/tm/8.3/config/active'

test('statistics and metrics show refusals per protection class and counters per rate class', async (t) => {
  const node = await startHttpNode(t, 'n')
  const guarded = {
    properties: {
      basic: { enabled: true, port: 0, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], protection_class: 'guard', request_rules: ['shape'] },
    },
  }
  const h = await startApi(t, {
    'pools/web': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    'virtual_servers/guarded': guarded,
    'protection/guard': { properties: { http: { max_url_length: 10 } } },
    'rate/r': { properties: { basic: { max_rate_per_minute: 1 } } },
    'rules/shape': 'if (rate.use.noQueue("r") == 0) { http.sendResponse(429, "text/plain", "later", ""); }',
  })
  const url = `http://127.0.0.1:${String(boundPort(h.app, 'guarded'))}`
  assert.equal((await fetch(`${url}/a-very-long-path`)).status, 414)
  assert.equal((await fetch(`${url}/`)).status, 200)
  assert.equal((await fetch(`${url}/`)).status, 429)

  assert.deepEqual(pick((await h.call('GET', `${S}/service_protection/`)).body, 'children', 0, 'name'), 'guard')
  const p = pick((await h.call('GET', `${S}/service_protection/guard`)).body, 'statistics') as Record<string, number>
  assert.equal(p['total_refusal'], 1)
  assert.equal(p['refusal_size'], 1)
  assert.equal(p['refusal_max_url_length'], 1)
  assert.equal(p['refusal_ip'], 0)
  const r = pick((await h.call('GET', `${S}/connection_rate_limit/r`)).body, 'statistics') as Record<string, number>
  assert.deepEqual(r, { conns_entered: 2, conns_left: 1, dropped: 0, queue_length: 0, queued: 0, refused: 1, max_rate_per_min: 1, max_rate_per_sec: 0 })
  assert.equal((await h.call('GET', `${S}/connection_rate_limit/nope`)).status, 404)

  const m = samples((await h.call('GET', '/metrics')).text)
  assert.equal(m.get('sluice_protection_refusals_total{protection="guard",reason="max_url_length"}'), 1)
  assert.equal(m.get('sluice_protection_refusals_total{protection="guard",reason="banned"}'), 0)
  assert.equal(m.get('sluice_rate_admitted_total{rate="r"}'), 1)
  assert.equal(m.get('sluice_rate_refused_total{rate="r"}'), 1)
  assert.equal(m.get('sluice_rate_queue_length{rate="r"}'), 0)
})

test('protection classes are edited through the API; a bad address is refused naming the key', async (t) => {
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }, 'web')
  const bad = await h.call('PUT', `${V}/protection/guard`, { properties: { access_restriction: { banned: ['10.0.0.0/40'] } } })
  assert.equal(bad.status, 400)
  assert.match(bad.text, /access_restriction\.banned/)
  assert.match(bad.text, /10\.0\.0\.0\/40/)
  const good = await h.call('PUT', `${V}/protection/guard`, { properties: { access_restriction: { banned: ['127.0.0.1'] } } })
  assert.ok(good.status === 200 || good.status === 201, good.text)
  const vs = await h.call('GET', `${V}/virtual_servers/vs`)
  const props = pick(vs.body, 'properties') as Record<string, Record<string, unknown>>
  const put = await h.call('PUT', `${V}/virtual_servers/vs`, { properties: { ...props, basic: { ...props['basic'], protection_class: 'guard' } } })
  assert.equal(put.status, 200, put.text)
  assert.equal((await fetch(`http://127.0.0.1:${String(h.vsPort)}/`)).status, 403)
})
