/**
 * Issue #11 item 11: a rule's literal object names are references. A rule naming a pool, rate
 * class, bandwidth class, persistence class or service level monitor that does not exist is an
 * error, and an object a rule names cannot be deleted.
 */
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { pick, startApi } from './harness.ts'

const V = '/api/tm/8.3/config/active'
const pool = (port: number) => ({ properties: { basic: { nodes_table: [{ node: `127.0.0.1:${String(port)}` }] } } })

test('deleting a pool a rule uses is refused, naming the rule and the pool', async (t) => {
  const h = await startApi(t, {
    'pools/web': pool(1),
    'pools/api-pool': pool(2),
    'rules/route': 'if (http.getPath() == "/api") pool.use("api-pool");\n',
  }, 'web')
  assert.equal((await h.call('PUT', `${V}/virtual_servers/vs`, { properties: { basic: { request_rules: ['route'] } } })).status, 200)
  const del = await h.call('DELETE', `${V}/pools/api-pool`)
  assert.equal(del.status, 409, del.text)
  assert.equal(pick(del.body, 'error', 'error_id'), 'resource.in_use')
  assert.match(del.text, /pools\/api-pool is still used by rules\/route/)
  await stat(join(h.dir, 'pools', 'api-pool'))
  assert.equal((await h.call('GET', `${V}/pools/api-pool`)).status, 200, 'still configured')
})

test('a rule naming an object that does not exist is refused; once it exists the rule is stored and the object is held', async (t) => {
  const h = await startApi(t, { 'pools/web': pool(1) })
  for (const [source, object] of [
    ['pool.use("nope");', 'pool "nope"'],
    ['rate.use("slow");', 'rate class "slow"'],
    ['response.setBandwidthClass("thin");', 'bandwidth class "thin"'],
    ['connection.setPersistenceClass("sticky");', 'persistence class "sticky"'],
    ['slm.isOK("fast");', 'service level monitor "fast"'],
    ['connection.setServiceLevelClass("gold");', 'service level monitor "gold"'],
  ] as const) {
    const put = await h.call('PUT', `${V}/rules/r`, `${source}\n`)
    assert.equal(put.status, 400, `${source}: ${put.text}`)
    const reasons = (pick(put.body, 'error', 'error_info', 'diagnostics') as { reason: string }[]).map((d) => d.reason)
    assert.ok(reasons.some((r) => r.includes(`${object} does not exist`)), put.text)
  }
  await assert.rejects(stat(join(h.dir, 'rules', 'r')), 'nothing stored')
  assert.equal((await h.call('PUT', `${V}/rate/slow`, { properties: { basic: { max_rate_per_second: 5 } } })).status, 201)
  assert.equal((await h.call('PUT', `${V}/rules/r`, 'rate.use("slow");\n')).status, 201)
  const del = await h.call('DELETE', `${V}/rate/slow`)
  assert.equal(del.status, 409, del.text)
  assert.match(del.text, /rate\/slow is still used by rules\/r/)
})

test('deleting a service level monitor that a rule puts connections in is refused', async (t) => {
  const h = await startApi(t, { 'pools/web': pool(1), 'service_level_monitors/gold': { properties: { basic: { response_time: 100 } } } })
  assert.equal((await h.call('PUT', `${V}/rules/classify`, 'connection.setServiceLevelClass("gold");\n')).status, 201)
  const del = await h.call('DELETE', `${V}/service_level_monitors/gold`)
  assert.equal(del.status, 409, del.text)
  assert.match(del.text, /service_level_monitors\/gold is still used by rules\/classify/)
})
