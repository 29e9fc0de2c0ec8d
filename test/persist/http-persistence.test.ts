// Session persistence on HTTP virtual servers: the pool's class, a class chosen by a rule with a
// key from a cookie, named nodes, and what happens when the saved node goes away.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

async function threeNodes(t: TestContext): Promise<HttpNode[]> {
  return [await startHttpNode(t, 'a'), await startHttpNode(t, 'b'), await startHttpNode(t, 'c')]
}

async function texts(url: string, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(await (await fetch(url, { headers })).text())
  return out
}

test('ip persistence as the pool default: one client, one node', async (t) => {
  const nodes = await threeNodes(t)
  const started = await startApp(t, {
    'persistence/by-ip': obj({ basic: { type: 'ip' } }),
    'pools/p': poolObj(nodes.map((n) => n.address), { basic: { persistence_class: 'by-ip' } }),
    'virtual_servers/web': vsObj(0, 'http', 'p'),
  })
  const port = boundPort(started, 'web')
  const seen = new Set(await texts(`http://127.0.0.1:${String(port)}/`, 6))
  assert.equal(seen.size, 1, 'every request from this client went to the same node')
})

test('universal persistence keyed by a cookie from a rule, and named nodes chosen by a rule', async (t) => {
  const nodes = await threeNodes(t)
  const rule = `
    $user = http.getCookie( "user" );
    if( $user != "" ) {
      connection.setPersistence( "by-user" );
      connection.setPersistenceKey( $user );
    }
    $pin = http.getHeader( "X-Pin" );
    if( $pin != "" ) {
      connection.setPersistence( "pinned" );
      connection.setPersistenceNode( $pin );
    }
  `
  const files = {
    'persistence/by-user': obj({ basic: { type: 'universal' } }),
    'persistence/pinned': obj({ basic: { type: 'named' } }),
    'pools/p': poolObj(nodes.map((n) => n.address)),
    'rules/sticky': rule,
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { request_rules: ['sticky'] } }),
  }
  const stickyApp = await startApp(t, files)
  const url = `http://127.0.0.1:${String(boundPort(stickyApp, 'web'))}/`
  for (const user of ['alice', 'bob', 'carol', 'dave']) {
    const seen = new Set(await texts(url, 4, { cookie: `user=${user}` }))
    assert.equal(seen.size, 1, `${user} stays on one node`)
  }
  const unpinned = new Set(await texts(url, 6))
  assert.equal(unpinned.size, 3, 'without a key the balancer spreads requests')
  const target = nodes[2]
  assert.ok(target)
  assert.deepEqual(new Set(await texts(url, 4, { 'x-pin': target.address })), new Set(['c']))
})

test('when the saved node is dead: failure_mode url redirects, close answers 503', async (t) => {
  const nodes = await threeNodes(t)
  for (const [mode, expect] of [
    ['url', 302],
    ['close', 503],
  ] as const) {
    const app = await startApp(t, {
      'persistence/by-user': obj({ basic: { type: 'universal', failure_mode: mode, url: 'http://sorry.example/' } }),
      'pools/p': poolObj(nodes.map((n) => n.address)),
      'rules/sticky': `connection.setPersistence( "by-user" ); connection.setPersistenceKey( http.getCookie( "user" ) );`,
      'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { request_rules: ['sticky'] } }),
    })
    const port = boundPort(app, 'web')
    const url = `http://127.0.0.1:${String(port)}/`
    const first = await (await fetch(url, { headers: { cookie: 'user=alice' } })).text()
    const node = nodes.find((n) => n.address.length > 0 && first === ['a', 'b', 'c'][nodes.indexOf(n)])
    assert.ok(node)
    const status = app.snapshot?.pools.get('p')?.nodes.find((n) => n.id === node.address)?.status
    assert.ok(status)
    status.isAlive = false
    const res = await fetch(url, { headers: { cookie: 'user=alice' }, redirect: 'manual' })
    await res.text()
    assert.equal(res.status, expect, mode)
    if (mode === 'url') assert.equal(res.headers.get('location'), 'http://sorry.example/')
    status.isAlive = true
  }
})
