// The web cache (issue #12): its memory bounds, and bodies that are never stored.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, scriptedNode } from './helpers.ts'
import { startRawNode } from '../helpers/nodes.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { waitFor } from '../helpers/wait.ts'

const globalCache = (w: Record<string, unknown>): Record<string, string> => ({ global_settings: JSON.stringify({ properties: { web_cache: w } }) })

test('an object over max_file_size is streamed to the client and not stored', async (t) => {
  const node = await scriptedNode(t, (req) => ({ headers: { 'Cache-Control': 'max-age=60' }, body: req.url === '/big' ? 'x'.repeat(5000) : 'small' }))
  const proxy = await cachingProxy(t, node, {}, { files: globalCache({ size: '1MB', max_file_size: '4000' }) })
  assert.equal((await ask(t, proxy, '/big')).body.length, 5000)
  assert.equal((await ask(t, proxy, '/big')).body.length, 5000)
  await ask(t, proxy, '/small')
  await ask(t, proxy, '/small')
  assert.equal(node.requests, 3)
})

test('a chunked body over max_file_size is streamed and not stored; a small chunked body is stored', async (t) => {
  const node = await scriptedNode(t, (req) => ({ headers: { 'Cache-Control': 'max-age=60', 'Transfer-Encoding': 'chunked' }, body: req.url === '/big' ? 'y'.repeat(5000) : 'tiny' }))
  const proxy = await cachingProxy(t, node, {}, { files: globalCache({ size: '1MB', max_file_size: '4000' }) })
  assert.equal((await ask(t, proxy, '/big')).body.length, 5000)
  assert.equal((await ask(t, proxy, '/big')).body.length, 5000)
  assert.equal((await ask(t, proxy, '/tiny')).body.toString(), 'tiny')
  assert.equal((await ask(t, proxy, '/tiny')).body.toString(), 'tiny')
  assert.equal(node.requests, 3)
})

test('the least recently used entries are evicted to stay within size and max_file_num', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' }, body: 'z'.repeat(1000) }))
  const proxy = await cachingProxy(t, node, {}, { files: globalCache({ size: '3000', max_file_size: '100%', max_file_num: 100 }) })
  // Each entry counts its body, fields and some overhead: about 1.4 KB, so two fit.
  await ask(t, proxy, '/1')
  await ask(t, proxy, '/2')
  await ask(t, proxy, '/1')
  await ask(t, proxy, '/3')
  assert.equal(node.requests, 3)
  await ask(t, proxy, '/1')
  assert.equal(node.requests, 3, '/1 was used recently and stayed')
  await ask(t, proxy, '/2')
  assert.equal(node.requests, 4, '/2 was evicted')
  const cache = proxy.app.webCache
  assert.ok(cache.bytes <= 3000, `${String(cache.bytes)} bytes`)
  const few = await cachingProxy(t, node, {}, { files: globalCache({ max_file_num: 1 }) })
  await ask(t, few, '/a')
  await ask(t, few, '/b')
  await ask(t, few, '/a')
  assert.equal(few.app.webCache.entries, 1)
})

test('a response whose body ends early is never stored', async (t) => {
  let n = 0
  const node = await startRawNode(t, (socket) => {
    n++
    if (n === 1) {
      socket.write('HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 10\r\n\r\nabc')
      socket.destroy()
    } else socket.write('HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 10\r\n\r\n0123456789')
  })
  const proxy = await cachingProxy(t, node)
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET /cut HTTP/1.1\r\nHost: site.example\r\n\r\n')
  await waitFor(() => client.closed || client.ended, 'the cut response to end the client connection')
  assert.equal((await ask(t, proxy, '/cut')).body.toString(), '0123456789')
  assert.equal(n, 2)
})

test('an unreadable global web_cache size is refused with the key named', async (t) => {
  const node = await scriptedNode(t, () => ({}))
  await assert.rejects(cachingProxy(t, node, {}, { files: globalCache({ size: 'lots' }) }), /web_cache\.size.*not a size/)
})

test('a body that ends with the node closing its connection is passed on and not stored', async (t) => {
  const node = await startRawNode(t, (socket) => {
    socket.end('HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nConnection: close\r\n\r\nuntil close')
  })
  const proxy = await cachingProxy(t, node)
  assert.equal((await ask(t, proxy, '/c')).body.toString(), 'until close')
  assert.equal((await ask(t, proxy, '/c')).body.toString(), 'until close')
  assert.equal(node.requests, 2)
})
