// The web cache (issue #12): statistics per virtual server in the REST API and Prometheus, and
// purges through the REST API.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startHttpNode } from '../helpers/nodes.ts'
import { samples } from '../helpers/prometheus.ts'
import { getWithHost } from '../helpers/get-with-host.ts'
import { basic, pick, startApi, type ApiHarness } from '../api/harness.ts'
import { saveUser, hashPassword, usersFilePath } from '../../src/api/index.ts'
import { boundPort } from '../helpers/bound-port.ts'

const S = '/api/tm/8.3/status/local_tm'

async function cachingApi(t: Parameters<typeof startApi>[0]): Promise<{ h: ApiHarness; get: (path: string, host?: string) => Promise<string>; node: { requests: number } }> {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    res.setHeader('Cache-Control', 'max-age=60')
    res.end(`${String(req.headers.host)}${String(req.url)} #${String(node.requests)}`)
  })
  const vs = { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] }, web_cache: { enabled: true } } }
  const h = await startApi(t, { 'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } }, 'virtual_servers/vs': vs })
  const port = boundPort(h.app, 'vs')
  const get = (path: string, host = 'site.example'): Promise<string> => getWithHost(`http://127.0.0.1:${String(port)}${path}`, host)
  return { h, get, node }
}

test('cache statistics per virtual server: REST statistics and Prometheus', async (t) => {
  const { h, get } = await cachingApi(t)
  await get('/a')
  await get('/a')
  await get('/a')
  await get('/b')
  const vs = pick((await h.call('GET', `${S}/statistics/virtual_servers/vs`)).body, 'statistics') as Record<string, number>
  assert.equal(vs['web_cache_hits'], 2)
  assert.equal(vs['web_cache_misses'], 2)
  assert.equal(vs['web_cache_entries'], 2)
  assert.ok((vs['web_cache_bytes'] ?? 0) > 0)
  assert.equal(vs['web_cache_hit_ratio'], 0.5)
  const metrics = samples((await h.call('GET', '/metrics')).text)
  assert.equal(metrics.get('sluice_virtual_server_cache_hits_total{virtual_server="vs"}'), 2)
  assert.equal(metrics.get('sluice_virtual_server_cache_entries{virtual_server="vs"}'), 2)
  const totals = pick((await h.call('GET', `${S}/web_cache`)).body, 'statistics') as Record<string, number>
  assert.equal(totals['entries'], 2)
})

test('purge through the REST API: one URL, a prefix, everything; admins only, and audited', async (t) => {
  const { h, get, node } = await cachingApi(t)
  for (const p of ['/x/1', '/x/2', '/y?b=2&a=1']) await get(p)
  await get('/x/1', 'other.example')
  assert.equal(node.requests, 4)
  const one = await h.call('DELETE', `${S}/web_cache?virtual_server=vs&url=${encodeURIComponent('http://site.example/y?a=1&b=2')}`)
  assert.equal(one.status, 200, one.text)
  assert.deepEqual(one.body, { purged: 1 })
  await get('/y?b=2&a=1')
  assert.equal(node.requests, 5, 'the purged URL (keyed with its normalized query) went to the node again')
  const prefix = await h.call('DELETE', `${S}/web_cache?url=${encodeURIComponent('http://site.example/x/')}&prefix=true`)
  assert.deepEqual(prefix.body, { purged: 2 })
  await get('/x/1', 'other.example')
  assert.equal(node.requests, 5, 'another host kept its entry')
  assert.deepEqual((await h.call('DELETE', `${S}/web_cache`)).body, { purged: 2 })
  assert.equal(h.app.webCache.entries, 0)
  const bad = await h.call('DELETE', `${S}/web_cache?url=not-a-url`)
  assert.equal(bad.status, 400)
  assert.match(String(pick(bad.body, 'error', 'error_text')), /url: "not-a-url" is not an absolute URL/)
  assert.equal((await h.call('DELETE', `${S}/web_cache?virtual_server=nope`)).status, 404)
  assert.equal((await h.call('POST', `${S}/web_cache`)).status, 405)
  const saved = await saveUser(usersFilePath(h.dir), { name: 'viewer', role: 'readonly', passwordHash: await hashPassword('viewer password long') })
  assert.ok(saved.ok)
  const denied = await h.call('DELETE', `${S}/web_cache`, undefined, { auth: basic('viewer', 'viewer password long') })
  assert.equal(denied.status, 403)
  const audit = pick((await h.call('GET', `${S}/audit`)).body, 'audit') as { objectType: string }[]
  assert.equal(audit.filter((e) => e.objectType === 'web_cache').length, 3, 'each purge that happened')
})
