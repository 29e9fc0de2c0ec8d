// The web cache (issue #12): how stored responses answer HEAD, conditional requests and variants,
// and which requests invalidate them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, field, scriptedNode } from './helpers.ts'
import { RawClient } from '../helpers/raw-client.ts'

const LAST_MODIFIED = 'Tue, 01 Dec 2026 10:00:00 GMT'

test('HEAD is answered from a stored GET with its length and no body', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' }, body: 'hello' }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/h')
  const head = await ask(t, proxy, '/h', {}, 'HEAD')
  assert.equal(head.status, 200)
  assert.equal(field(head, 'Content-Length'), '5')
  assert.equal(node.requests, 1)
  // The connection carries on: no body bytes were sent after the HEAD answer.
  const client = await RawClient.connect(t, proxy.port)
  client.write('HEAD /h HTTP/1.1\r\nHost: site.example\r\n\r\nGET /h HTTP/1.1\r\nHost: site.example\r\n\r\n')
  await client.readResponse(2000, true)
  assert.equal((await client.readResponse()).body.toString(), 'hello')
})

test('a HEAD request is not stored as the GET', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' }, body: 'hello' }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/h', {}, 'HEAD')
  assert.equal((await ask(t, proxy, '/h')).body.toString(), 'hello')
  assert.equal(node.requests, 2)
})

test('conditional requests get 304 from the cache when the stored validators match', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60', ETag: '"v1"', 'Last-Modified': LAST_MODIFIED, 'Content-Type': 'text/plain' } }))
  const proxy = await cachingProxy(t, node)
  await ask(t, proxy, '/c')
  const inm = await ask(t, proxy, '/c', { 'If-None-Match': '"v0", W/"v1"' })
  assert.equal(inm.status, 304)
  assert.equal(field(inm, 'ETag'), '"v1"')
  assert.equal(field(inm, 'Content-Type'), undefined, 'a 304 carries no representation metadata')
  assert.equal(field(inm, 'Content-Length'), undefined)
  assert.equal((await ask(t, proxy, '/c', { 'If-None-Match': '*' })).status, 304)
  assert.equal((await ask(t, proxy, '/c', { 'If-None-Match': '"v2"' })).status, 200)
  // If-None-Match decides alone, even with a matching If-Modified-Since.
  assert.equal((await ask(t, proxy, '/c', { 'If-None-Match': '"v2"', 'If-Modified-Since': LAST_MODIFIED })).status, 200)
  assert.equal((await ask(t, proxy, '/c', { 'If-Modified-Since': LAST_MODIFIED })).status, 304)
  assert.equal((await ask(t, proxy, '/c', { 'If-Modified-Since': 'Mon, 30 Nov 2026 10:00:00 GMT' })).status, 200)
  assert.equal((await ask(t, proxy, '/c', { 'If-Modified-Since': 'yesterday' })).status, 200)
  assert.equal(node.requests, 1)
})

test('Vary: each variant of the request fields is stored apart and served only to matching requests', async (t) => {
  const node = await scriptedNode(t, (req) => ({
    headers: { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' },
    body: `lang=${req.headers['accept-language'] ?? 'none'}`,
  }))
  const proxy = await cachingProxy(t, node)
  assert.equal((await ask(t, proxy, '/v', { 'Accept-Language': 'fr' })).body.toString(), 'lang=fr')
  assert.equal((await ask(t, proxy, '/v', { 'Accept-Language': 'de' })).body.toString(), 'lang=de')
  assert.equal((await ask(t, proxy, '/v')).body.toString(), 'lang=none')
  assert.equal(node.requests, 3)
  assert.equal((await ask(t, proxy, '/v', { 'Accept-Language': 'fr' })).body.toString(), 'lang=fr')
  assert.equal((await ask(t, proxy, '/v', { 'Accept-Language': 'de' })).body.toString(), 'lang=de')
  assert.equal((await ask(t, proxy, '/v')).body.toString(), 'lang=none')
  assert.equal(node.requests, 3)
})

test('a successful unsafe request invalidates its URL and its Location and Content-Location on the same host', async (t) => {
  const node = await scriptedNode(t, (req) => {
    if (req.method === 'POST') return { status: 201, headers: { Location: '/loc', 'Content-Location': 'http://site.example/cl' } }
    if (req.method === 'DELETE') return { status: 500 }
    return { headers: { 'Cache-Control': 'max-age=60' } }
  })
  const proxy = await cachingProxy(t, node)
  for (const p of ['/p', '/loc', '/cl']) await ask(t, proxy, p)
  assert.equal((await ask(t, proxy, '/p')).body.toString(), '/p #1')
  await ask(t, proxy, '/p', {}, 'DELETE')
  assert.equal((await ask(t, proxy, '/p')).body.toString(), '/p #1', 'a failed unsafe request invalidates nothing')
  await ask(t, proxy, '/p', {}, 'POST', 'x=1')
  assert.equal((await ask(t, proxy, '/p')).body.toString(), '/p #4')
  assert.equal((await ask(t, proxy, '/loc')).body.toString(), '/loc #2')
  assert.equal((await ask(t, proxy, '/cl')).body.toString(), '/cl #2')
})

test('keys never confuse hosts; absolute-form targets share the key of their authority; query order is normalized', async (t) => {
  const node = await scriptedNode(t, (req) => ({ headers: { 'Cache-Control': 'max-age=60' }, body: `${String(req.headers.host)} ${String(req.url)}` }))
  const proxy = await cachingProxy(t, node)
  assert.equal((await ask(t, proxy, '/k', { Host: 'a.example' })).body.toString(), 'a.example /k')
  assert.equal((await ask(t, proxy, '/k', { Host: 'b.example' })).body.toString(), 'b.example /k')
  assert.equal((await ask(t, proxy, 'http://b.example/k', { Host: 'a.example' })).body.toString(), 'b.example /k')
  assert.equal((await ask(t, proxy, '/k', { Host: 'A.Example' })).body.toString(), 'a.example /k')
  assert.equal(node.requests, 2)
  await ask(t, proxy, '/q?b=2&a=1')
  assert.equal((await ask(t, proxy, '/q?a=1&b=2')).body.toString(), 'site.example /q?b=2&a=1')
  assert.equal(node.requests, 3)
  const strict = await cachingProxy(t, node, {}, { files: { global_settings: JSON.stringify({ properties: { web_cache: { normalize_query: false } } }) } })
  await ask(t, strict, '/r?b=2&a=1')
  assert.equal((await ask(t, strict, '/r?a=1&b=2')).body.toString(), 'site.example /r?a=1&b=2')
})

test('a path longer than max_path_length is not cached', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' } }))
  const proxy = await cachingProxy(t, node, {}, { files: { global_settings: JSON.stringify({ properties: { web_cache: { max_path_length: 10 } } }) } })
  await ask(t, proxy, '/short')
  await ask(t, proxy, '/short')
  await ask(t, proxy, '/a-longer-path')
  await ask(t, proxy, '/a-longer-path')
  assert.equal(node.requests, 3)
})

test('control_out replaces the Cache-Control clients see', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' } }))
  const proxy = await cachingProxy(t, node, { control_out: 'no-cache' })
  assert.equal(field(await ask(t, proxy, '/c'), 'Cache-Control'), 'no-cache')
  const hit = await ask(t, proxy, '/c')
  assert.equal(hit.body.toString(), '/c #1', 'stored by the node\u2019s own directives')
  assert.deepEqual(hit.headers.get('cache-control'), ['no-cache'])
})
