// Compression and the web cache on HTTP/2 streams (issues #12 and #17): a stream is an exchange
// like an HTTP/1.1 request, so a small body compressed whole, a large one streamed, and a cache
// hit all reach an HTTP/2 client intact.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

const SMALL = 'small compressible text '.repeat(100)
const LARGE = 'large compressible text '.repeat(20_000)

test('HTTP/2 streams get compressed bodies, whole and streamed, and cache hits without the node', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    res.setHeader('content-type', 'text/plain')
    res.setHeader('cache-control', 'max-age=60')
    res.end(req.url === '/large' ? LARGE : SMALL)
  })
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { gzip: { enabled: true, include_mime: ['text/*'] }, web_cache: { enabled: true } },
  })
  const session = await h2Session(t, proxy.url)
  for (const [path, text] of [['/small', SMALL], ['/large', LARGE]] as const) {
    const r = await h2Request(session, { ':path': path, 'accept-encoding': 'gzip' })
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-encoding'], 'gzip', path)
    assert.equal(gunzipSync(r.body).toString(), text, `${path}: the whole body arrives`)
  }
  const hit = await h2Request(session, { ':path': '/small', 'accept-encoding': 'gzip' })
  assert.equal(gunzipSync(hit.body).toString(), SMALL)
  assert.equal(node.requests, 2, 'the repeated request was a cache hit')
})
