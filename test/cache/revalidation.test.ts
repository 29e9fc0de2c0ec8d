// The web cache (issue #12): stale entries are revalidated with the node, and a 304 refreshes them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, field, scriptedNode } from './helpers.ts'

const LAST_MODIFIED = 'Tue, 01 Dec 2026 10:00:00 GMT'

test('a stale entry goes to the node with If-None-Match and If-Modified-Since; a 304 refreshes it', async (t) => {
  const node = await scriptedNode(t, (req, n) => {
    if (n > 1 && req.headers['if-none-match'] === '"v1"') return { status: 304, headers: { 'Cache-Control': 'max-age=60', ETag: '"v1"', 'X-Fresh': 'second' } }
    return { headers: { 'Cache-Control': 'max-age=1', ETag: '"v1"', 'Last-Modified': LAST_MODIFIED, 'X-Fresh': 'first', 'Content-Type': 'text/plain' }, body: 'the body' }
  })
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/r')
  await new Promise((r) => setTimeout(r, 1100))
  const refreshed = await ask(t, proxy, '/r')
  assert.equal(refreshed.status, 200, 'the client, which sent no validators, gets the whole response')
  assert.equal(refreshed.body.toString(), 'the body')
  assert.equal(field(refreshed, 'X-Fresh'), 'second', 'the 304 fields replace the stored ones')
  assert.equal(field(refreshed, 'Content-Type'), 'text/plain', 'and the others stay')
  assert.equal(node.requests, 2)
  const second = node.seen[1]
  assert.ok(second !== undefined)
  assert.equal(second.headers['if-none-match'], '"v1"')
  assert.equal(second.headers['if-modified-since'], LAST_MODIFIED)
  // Fresh for another 60 s.
  assert.equal((await ask(t, proxy, '/r')).body.toString(), 'the body')
  assert.equal(node.requests, 2)
  const counters = proxy.app.webCache.counters('web')
  assert.equal(counters.revalidations, 1)
})

test('a no-cache response is stored but revalidated on every use', async (t) => {
  const node = await scriptedNode(t, (req, n) =>
    n > 1 && req.headers['if-none-match'] === '"nc"' ? { status: 304, headers: { ETag: '"nc"', 'Cache-Control': 'no-cache' } } : { headers: { 'Cache-Control': 'no-cache', ETag: '"nc"' }, body: 'nc body' },
  )
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/nc')
  assert.equal((await ask(t, proxy, '/nc')).body.toString(), 'nc body')
  assert.equal((await ask(t, proxy, '/nc')).body.toString(), 'nc body')
  assert.equal(node.requests, 3)
  assert.equal(proxy.app.webCache.counters('web').revalidations, 2)
})

test('a stale entry answered with a new 200 is replaced', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=1', ETag: '"v"' } }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/n')
  await new Promise((r) => setTimeout(r, 1100))
  assert.equal((await ask(t, proxy, '/n')).body.toString(), '/n #2')
  assert.equal((await ask(t, proxy, '/n')).body.toString(), '/n #2')
})

test('a client that revalidates itself gets the node\u2019s 304 as it is', async (t) => {
  const node = await scriptedNode(t, (req) =>
    req.headers['if-none-match'] === '"c"' ? { status: 304, headers: { ETag: '"c"' } } : { headers: { 'Cache-Control': 'max-age=1', ETag: '"c"' } },
  )
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/c')
  await new Promise((r) => setTimeout(r, 1100))
  assert.equal((await ask(t, proxy, '/c', { 'If-None-Match': '"c"' })).status, 304)
  assert.equal(node.requests, 2)
})

test('a HEAD for a stale entry goes to the node without Sluice\u2019s validators, and gets no 304 it did not ask for', async (t) => {
  const node = await scriptedNode(t, (req) =>
    req.headers['if-none-match'] === '"h"' ? { status: 304, headers: { ETag: '"h"' } } : { headers: { 'Cache-Control': 'max-age=1', ETag: '"h"' } },
  )
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/h')
  await new Promise((r) => setTimeout(r, 1100))
  assert.equal((await ask(t, proxy, '/h', {}, 'HEAD')).status, 200)
  assert.equal(node.seen[1]?.headers['if-none-match'], undefined)
})
