// What a cluster shares (issue #16): persistence holds through any member; a rate class holds
// for the cluster as a whole; statistics per member and summed.
import assert from 'node:assert/strict'
import http from 'node:http'
import { test } from 'node:test'
import { freePort, startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { startMember, redisMissing, startRedis, vsOn, within, type Member } from './harness.ts'

/** One request on a connection of its own (so the kernel may give it to any member). */
function once(port: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [] })
      })
    })
    req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')))
    req.on('error', reject)
  })
}

async function requestsServed(m: Member): Promise<number> {
  const r = await m.api('GET', 'status/local_tm/statistics/virtual_servers/web')
  return Number((r.body['statistics'] as Record<string, unknown> | undefined)?.['total_requests'] ?? 0)
}

async function threeMembers(t: Parameters<typeof startRedis>[0], files: (port: number, nodes: HttpNode[]) => Record<string, unknown>) {
  const redis = await startRedis(t)
  const nodes = [await startHttpNode(t, 'n1'), await startHttpNode(t, 'n2'), await startHttpNode(t, 'n3')]
  // The members share one port, as on one host: it is picked here and given to all three.
  const port = await freePort()
  const f = files(port, nodes)
  const members = [await startMember(t, redis.url, 'a', f), await startMember(t, redis.url, 'b', f), await startMember(t, redis.url, 'c', f)]
  // Every member has seen the other two (heartbeats every second).
  await within(4000, 'three live members', async () => {
    const v = await members[0]?.api('GET', 'status/local_tm/cluster')
    return ((v?.body['members'] ?? []) as Record<string, unknown>[]).filter((m) => m['alive'] === true).length === 3
  })
  return { redis, nodes, port, members }
}

test('a client pinned through one member lands on the same node through every member', { skip: redisMissing() }, async (t) => {
  for (const type of ['transparent', 'ip'] as const) {
    const { port, members } = await threeMembers(t, (p, nodes) => ({
      'persistence/sticky': { properties: { basic: { type } } },
      'pools/web': { properties: { basic: { nodes_table: nodes.map((n) => ({ node: n.address })), persistence_class: 'sticky' }, load_balancing: { algorithm: 'random' } } },
      'virtual_servers/web': vsOn(p, 'web'),
    }))
    const first = await once(port)
    const cookie = first.setCookie.map((c) => c.split(';')[0] ?? '').join('; ')
    // The mapping reaches the other members in the next batch (every 100 ms).
    await new Promise((r) => setTimeout(r, 400))
    const seen = new Set<string>()
    for (let i = 0; i < 30; i++) seen.add((await once(port, cookie === '' ? {} : { cookie })).body)
    assert.deepEqual([...seen], [first.body], `${type}: every request went to the node of the first`)
    const served = await Promise.all(members.map(requestsServed))
    assert.ok(served.filter((n) => n > 0).length >= 2, `${type}: the requests reached several members (${served.join(', ')})`)
    for (const m of members) await m.stop()
  }
})

test('a rate class of 10/s admits about 10/s in total across three members', { skip: redisMissing() }, async (t) => {
  const { port, members } = await threeMembers(t, (p, nodes) => ({
    'rate/ten': { properties: { basic: { max_rate_per_second: 10 } } },
    'rules/limit': 'if (rate.use.noQueue("ten") == 0) { http.sendResponse(429, "text/plain", "later", ""); }',
    'pools/web': { properties: { basic: { nodes_table: nodes.map((n) => ({ node: n.address })) } } },
    'virtual_servers/web': vsOn(p, 'web', {}),
  }))
  // The rule is added on one member; the others take it from the cluster.
  const put = await members[0]?.api('PUT', 'config/active/virtual_servers/web', { properties: { basic: { request_rules: ['limit'] } } })
  assert.equal(put?.status, 200, put?.text)
  for (const m of members) {
    await within(1000, `${m.name} runs the rule`, async () => JSON.stringify((await m.api('GET', 'config/active/virtual_servers/web')).body).includes('"limit"'))
  }
  // Eight clients send as fast as they can for two seconds.
  let admitted = 0
  let refused = 0
  const until = Date.now() + 2000
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 2000 && Date.now() < until; i++) {
        const r = await once(port)
        if (r.status === 200) admitted++
        else if (r.status === 429) refused++
      }
    }),
  )
  assert.ok(refused > 50, `the class refused the excess (${String(refused)})`)
  // 10/s for 2 s is 20; each member's first admission comes at once, so up to 3 more.
  assert.ok(admitted >= 12 && admitted <= 30, `about 20 admitted in 2 s across the cluster (${String(admitted)}); without sharing it would be about 60`)
})

test('statistics per member and summed for the cluster, also in Prometheus', { skip: redisMissing() }, async (t) => {
  const { port, members } = await threeMembers(t, (p, nodes) => ({
    'pools/web': { properties: { basic: { nodes_table: nodes.map((n) => ({ node: n.address })) } } },
    'virtual_servers/web': vsOn(p, 'web'),
  }))
  for (let i = 0; i < 30; i++) await once(port)
  const [a, b] = members as [Member, Member, Member]
  // Each member publishes its figures with its heartbeat (every second).
  await within(3000, 'the cluster sum counts all 30', async () => {
    const r = await a.api('GET', 'status/cluster/statistics/virtual_servers/web')
    return (r.body['statistics'] as Record<string, unknown> | undefined)?.['total_requests'] === 30
  })
  const own = await requestsServed(b)
  const viaA = await a.api('GET', 'status/b/statistics/virtual_servers/web')
  assert.equal((viaA.body['statistics'] as Record<string, unknown>)['total_requests'], own, 'a shows b as b last published')
  const info = await a.api('GET', 'status/b/information')
  assert.equal((info.body['information'] as Record<string, unknown>)['name'], 'b')
  assert.equal((info.body['information'] as Record<string, unknown>)['sluice_version'], 'test')
  const list = await a.api('GET', 'status/')
  assert.match(list.text, /"local_tm"[\s\S]*"cluster"[\s\S]*"b"[\s\S]*"c"/)
  const metrics = (await a.api('GET', '/metrics?scope=cluster')).text
  assert.match(metrics, /^sluice_virtual_server_requests_total\{virtual_server="web"\} 30$/m)
})
