// The web cache (issue #12): what is stored and reused, counted by the requests that reach the node.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, field, scriptedNode } from './helpers.ts'
import { startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

test('a fresh response is answered from the cache without the node, with its body, fields and an Age', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60', 'X-Node': 'yes', 'Content-Type': 'text/plain', Date: '' } }))
  const proxy = await cachingProxy(t, node)
  const first = await ask(t, proxy, '/a')
  assert.equal(first.body.toString(), '/a #1')
  const second = await ask(t, proxy, '/a')
  assert.equal(second.status, 200)
  assert.equal(second.body.toString(), '/a #1')
  assert.equal(field(second, 'X-Node'), 'yes')
  assert.equal(field(second, 'Content-Type'), 'text/plain')
  assert.equal(field(second, 'Age'), '0')
  assert.equal(node.requests, 1, 'the second request never reached the node')
})

test('a virtual server without web_cache.enabled sends every request to the node', async (t) => {
  const node = await startHttpNode(t, 'n', (_req, res) => {
    res.setHeader('Cache-Control', 'max-age=60')
    res.end('x')
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  await ask(t, proxy, '/a')
  await ask(t, proxy, '/a')
  assert.equal(node.requests, 2)
  assert.deepEqual(proxy.app.snapshot?.virtualServers.get('web')?.http?.phases, { request: ['routing'], response: [] })
})

test('Age counts the Age the node sent and the time spent in the cache; max-age counts from it', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=100', Age: '98' } }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/old')
  const hit = await ask(t, proxy, '/old')
  assert.equal(field(hit, 'Age'), '98')
  assert.equal(node.requests, 1)
  // Two seconds on it is stale.
  const node2 = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=3', Age: '2' } }))
  const proxy2 = await cachingProxy(t, node2)
  await ask(t, proxy2, '/b')
  await new Promise((r) => setTimeout(r, 1100))
  await ask(t, proxy2, '/b')
  assert.equal(node2.requests, 2, 'the entry went stale after its lifetime less its Age')
})

test('responses the cache must not store go to the node every time', async (t) => {
  const cases: Record<string, Readonly<Record<string, string | readonly string[]>>> = {
    '/no-store': { 'Cache-Control': 'no-store, max-age=60' },
    '/private': { 'Cache-Control': 'private, max-age=60' },
    '/cookie': { 'Cache-Control': 'max-age=60', 'Set-Cookie': 'a=1' },
    '/vary-star': { 'Cache-Control': 'max-age=60', Vary: '*' },
    '/no-freshness': {},
    '/zero': { 'Cache-Control': 'max-age=0' },
    '/expired': { Expires: 'Thu, 01 Jan 1970 00:00:00 GMT', Date: new Date().toUTCString() },
    '/bad-expires': { Expires: '0' },
  }
  const node = await scriptedNode(t, (req) => ({ headers: cases[req.url ?? ''] ?? {} }))
  const proxy = await cachingProxy(t, node)
  for (const path of Object.keys(cases)) {
    const before = node.requests
    await ask(t, proxy, path)
    const again = await ask(t, proxy, path)
    assert.equal(again.body.toString(), `${path} #2`, path)
    assert.equal(node.requests, before + 2, path)
  }
})

test('freshness comes from s-maxage, max-age, Expires or a Last-Modified heuristic, capped by max_time', async (t) => {
  const now = Date.now()
  const cases: Record<string, Readonly<Record<string, string>>> = {
    '/s-maxage': { 'Cache-Control': 'max-age=0, s-maxage=60' },
    '/max-age': { 'Cache-Control': 'max-age=60' },
    '/expires': { Date: new Date(now).toUTCString(), Expires: new Date(now + 60_000).toUTCString() },
    '/heuristic': { 'Last-Modified': new Date(now - 86_400_000).toUTCString() },
    '/public': { 'Cache-Control': 'public', 'Last-Modified': new Date(now - 86_400_000).toUTCString() },
  }
  const node = await scriptedNode(t, (req) => ({ headers: cases[req.url ?? ''] ?? {} }))
  const proxy = await cachingProxy(t, node)
  for (const path of Object.keys(cases)) {
    const before = node.requests
    await ask(t, proxy, path)
    assert.equal((await ask(t, proxy, path)).body.toString(), `${path} #1`, path)
    assert.equal(node.requests, before + 1, path)
  }
  // max_time 1: a day's max-age is cut to a second.
  const capped = await cachingProxy(t, node, { max_time: 1 })
  await ask(t, capped, '/max-age')
  await new Promise((r) => setTimeout(r, 1100))
  assert.notEqual((await ask(t, capped, '/max-age')).body.toString(), '/max-age #1')
})

test('error responses stay for error_page_time at most; 0 stores none', async (t) => {
  const node = await scriptedNode(t, () => ({ status: 404, headers: { 'Cache-Control': 'max-age=600' } }))
  const off = await cachingProxy(t, node, { error_page_time: 0 })
  await ask(t, off, '/gone')
  assert.equal((await ask(t, off, '/gone')).body.toString(), '/gone #2')
  const on = await cachingProxy(t, node, { error_page_time: 30 })
  await ask(t, on, '/x404')
  const hit = await ask(t, on, '/x404')
  assert.equal(hit.status, 404)
  assert.equal(hit.body.toString(), '/x404 #1')
})

test('a request with Authorization is shared only when the node marked the response public, s-maxage or must-revalidate', async (t) => {
  const node = await scriptedNode(t, (req) => ({ headers: { 'Cache-Control': req.url === '/public' ? 'public, max-age=60' : 'max-age=60' } }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/plain', { Authorization: 'Basic YTpi' })
  assert.equal((await ask(t, proxy, '/plain')).body.toString(), '/plain #2')
  await ask(t, proxy, '/public', { Authorization: 'Basic YTpi' })
  assert.equal((await ask(t, proxy, '/public')).body.toString(), '/public #1')
})

test('request directives: no-store, no-cache, Pragma, max-age, min-fresh, max-stale and only-if-cached', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60', Age: '30' } }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/ns', { 'Cache-Control': 'no-store' })
  assert.equal((await ask(t, proxy, '/ns')).body.toString(), '/ns #2', 'no-store: the answer was not stored')
  assert.equal((await ask(t, proxy, '/ns', { 'Cache-Control': 'no-cache' })).body.toString(), '/ns #3', 'no-cache goes to the node')
  assert.equal((await ask(t, proxy, '/ns')).body.toString(), '/ns #3', 'and its answer is stored')
  assert.equal((await ask(t, proxy, '/ns', { Pragma: 'no-cache' })).body.toString(), '/ns #4')
  assert.equal((await ask(t, proxy, '/ns', { 'Cache-Control': 'max-age=10' })).body.toString(), '/ns #5', 'older than the client accepts')
  assert.equal((await ask(t, proxy, '/ns', { 'Cache-Control': 'min-fresh=40' })).body.toString(), '/ns #6', 'not fresh long enough')
  assert.equal((await ask(t, proxy, '/ns', { 'Cache-Control': 'min-fresh=10' })).body.toString(), '/ns #6')
  const miss = await ask(t, proxy, '/never', { 'Cache-Control': 'only-if-cached' })
  assert.equal(miss.status, 504)
  assert.equal((await ask(t, proxy, '/ns', { 'Cache-Control': 'only-if-cached' })).status, 200)
  const stale = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=10', Age: '20' } }))
  const proxy2 = await cachingProxy(t, stale)
  await ask(t, proxy2, '/s')
  assert.equal((await ask(t, proxy2, '/s', { 'Cache-Control': 'max-stale=60' })).body.toString(), '/s #1', 'a stale answer the client accepts')
  assert.equal((await ask(t, proxy2, '/s')).body.toString(), '/s #2')
})

test('Expires without a Date counts from the time the response arrived', async (t) => {
  let n = 0
  const node = await startRawNode(t, (socket) => {
    n++
    const body = `#${String(n)}`
    const expires = new Date(Date.now() + 60_000).toUTCString()
    socket.write(`HTTP/1.1 200 OK\r\nExpires: ${expires}\r\nContent-Length: ${String(body.length)}\r\n\r\n${body}`)
  })
  const proxy = await cachingProxy(t, node)
  assert.equal((await ask(t, proxy, '/e')).body.toString(), '#1')
  assert.equal((await ask(t, proxy, '/e')).body.toString(), '#1')
  assert.equal(n, 1)
})
