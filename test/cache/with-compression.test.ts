// The web cache and compression on one virtual server (issue #12): the cache stores what
// compression sends, as a variant by Accept-Encoding, so a client that cannot decode gzip never
// gets a stored gzip body, and a gzip client gets the stored one without the node.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { ask, cachingProxy, field, scriptedNode } from './helpers.ts'

const PAGE = 'compressible text '.repeat(200)

test('a compressed response is cached per Accept-Encoding: gzip from the cache, identity separately', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' }, body: PAGE }))
  const proxy = await cachingProxy(t, node, {}, { vs: { gzip: { enabled: true, include_mime: ['text/*'] } } })

  const first = await ask(t, proxy, '/page', { 'Accept-Encoding': 'gzip' })
  assert.equal(first.status, 200)
  assert.equal(field(first, 'Content-Encoding'), 'gzip')
  assert.equal(gunzipSync(first.body).toString(), PAGE)

  const second = await ask(t, proxy, '/page', { 'Accept-Encoding': 'gzip' })
  assert.equal(field(second, 'Content-Encoding'), 'gzip')
  assert.equal(gunzipSync(second.body).toString(), PAGE, 'the stored copy is the compressed body, whole')
  assert.equal(node.requests, 1, 'the second gzip client was answered from the cache')

  const plain = await ask(t, proxy, '/page')
  assert.equal(field(plain, 'Content-Encoding'), undefined, 'a client without gzip never gets the gzip variant')
  assert.equal(plain.body.toString(), PAGE)
  assert.match(field(plain, 'Vary') ?? '', /accept-encoding/i)
})
