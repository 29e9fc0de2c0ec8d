// The web cache (issue #12): the http.cache.* rule functions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, scriptedNode } from './helpers.ts'

const CACHEABLE = { headers: { 'Cache-Control': 'max-age=60' } }

test('http.cache.disable() in a request rule skips the lookup and the store', async (t) => {
  const node = await scriptedNode(t, () => CACHEABLE)
  const rule = 'if( string.startsWith( http.getPath(), "/live" ) ) { http.cache.disable(); }'
  const proxy = await cachingProxy(t, node, {}, { vs: { basic: { request_rules: ['r'] } }, files: { 'rules/r': rule } })
  await ask(t, proxy, '/live')
  assert.equal((await ask(t, proxy, '/live')).body.toString(), '/live #2')
  await ask(t, proxy, '/other')
  assert.equal((await ask(t, proxy, '/other')).body.toString(), '/other #1')
})

test('http.cache.disable() in a response rule keeps that response out; enable() undoes it', async (t) => {
  const node = await scriptedNode(t, () => CACHEABLE)
  const rule = 'http.cache.disable(); if( http.getPath() == "/back" ) { http.cache.enable(); }'
  const proxy = await cachingProxy(t, node, {}, { vs: { basic: { response_rules: ['r'] } }, files: { 'rules/r': rule } })
  await ask(t, proxy, '/gone')
  assert.equal((await ask(t, proxy, '/gone')).body.toString(), '/gone #2')
  await ask(t, proxy, '/back')
  assert.equal((await ask(t, proxy, '/back')).body.toString(), '/back #1')
})

test('http.cache.setkey() adds to the key: each value has its own entry', async (t) => {
  const node = await scriptedNode(t, (req) => ({ ...CACHEABLE, body: `for ${String(req.headers['x-tenant'])}` }))
  const rule = 'http.cache.setkey( http.getHeader( "X-Tenant" ) );'
  const proxy = await cachingProxy(t, node, {}, { vs: { basic: { request_rules: ['r'] } }, files: { 'rules/r': rule } })
  assert.equal((await ask(t, proxy, '/k', { 'X-Tenant': 'a' })).body.toString(), 'for a')
  assert.equal((await ask(t, proxy, '/k', { 'X-Tenant': 'b' })).body.toString(), 'for b')
  assert.equal((await ask(t, proxy, '/k', { 'X-Tenant': 'a' })).body.toString(), 'for a')
  assert.equal(node.requests, 2)
})

test('http.cache.exists() and respondIfCached() answer from the cache before the rest of the rule', async (t) => {
  const node = await scriptedNode(t, () => CACHEABLE)
  const rule = `
    if( http.cache.exists() ) {
      http.cache.respondIfCached();
      http.sendResponse( "500 Not Reached", "text/plain", "the rule went on", "" );
    }
    http.setHeader( "X-Seen", "miss" );
  `
  const proxy = await cachingProxy(t, node, {}, { vs: { basic: { request_rules: ['r'] } }, files: { 'rules/r': rule } })
  const first = await ask(t, proxy, '/e')
  assert.equal(first.body.toString(), '/e #1')
  assert.equal(node.seen[0]?.headers['x-seen'], 'miss')
  const second = await ask(t, proxy, '/e')
  assert.equal(second.status, 200, 'the rule stopped at respondIfCached')
  assert.equal(second.body.toString(), '/e #1')
  assert.equal(node.requests, 1)
})

test('http.cache.disable() on a revalidation\u2019s 304: the client still gets the whole response, and the entry is not refreshed', async (t) => {
  const node = await scriptedNode(t, (req) =>
    req.headers['if-none-match'] === '"d"' ? { status: 304, headers: { ETag: '"d"', 'Cache-Control': 'max-age=60' } } : { headers: { 'Cache-Control': 'max-age=1', ETag: '"d"' }, body: 'whole' },
  )
  const rule = 'if( http.getResponseCode() == 304 ) { http.cache.disable(); }'
  const proxy = await cachingProxy(t, node, {}, { vs: { basic: { response_rules: ['r'] } }, files: { 'rules/r': rule } })
  await ask(t, proxy, '/d')
  await new Promise((r) => setTimeout(r, 1100))
  const res = await ask(t, proxy, '/d')
  assert.equal(res.status, 200)
  assert.equal(res.body.toString(), 'whole')
  await ask(t, proxy, '/d')
  assert.equal(node.requests, 3, 'the entry stayed stale')
})
