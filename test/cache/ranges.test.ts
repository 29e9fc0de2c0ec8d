// The web cache (issue #12): Range requests answered from a stored full response.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ask, cachingProxy, field, scriptedNode } from './helpers.ts'

const BODY = '0123456789abcdefghij'
const LAST_MODIFIED = 'Tue, 01 Dec 2026 10:00:00 GMT'

async function stored(t: Parameters<typeof scriptedNode>[0], globals: Record<string, unknown> = {}) {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60', ETag: '"r1"', 'Last-Modified': LAST_MODIFIED, 'Content-Type': 'text/plain' }, body: BODY }))
  const proxy = await cachingProxy(t, node, {}, { files: { global_settings: JSON.stringify({ properties: { web_cache: globals } }) } })
  await ask(t, proxy, '/r')
  return { node, proxy }
}

test('one range gets 206 with Content-Range; suffix and open ranges work', async (t) => {
  const { node, proxy } = await stored(t)
  const one = await ask(t, proxy, '/r', { Range: 'bytes=2-5' })
  assert.equal(one.status, 206)
  assert.equal(one.body.toString(), '2345')
  assert.equal(field(one, 'Content-Range'), 'bytes 2-5/20')
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=-3' })).body.toString(), 'hij')
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=17-' })).body.toString(), 'hij')
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=15-99' })).body.toString(), 'fghij')
  assert.equal(node.requests, 1)
})

test('several ranges get multipart/byteranges', async (t) => {
  const { proxy } = await stored(t)
  const res = await ask(t, proxy, '/r', { Range: 'bytes=0-1, 10-11' })
  assert.equal(res.status, 206)
  const type = field(res, 'Content-Type') ?? ''
  const boundary = /boundary=(\S+)/.exec(type)?.[1] ?? ''
  assert.match(type, /^multipart\/byteranges; boundary=/)
  const text = res.body.toString()
  assert.equal(text.split(`--${boundary}`).length, 4, text)
  assert.match(text, /Content-Range: bytes 0-1\/20\r\n\r\n01\r\n/)
  assert.match(text, /Content-Type: text\/plain\r\nContent-Range: bytes 10-11\/20\r\n\r\nab\r\n/)
  assert.ok(text.endsWith(`--${boundary}--\r\n`))
})

test('unsatisfiable ranges and too many ranges get 416; malformed Range headers are ignored', async (t) => {
  const { proxy } = await stored(t, { max_byte_range_segments: 2 })
  const out = await ask(t, proxy, '/r', { Range: 'bytes=50-60' })
  assert.equal(out.status, 416)
  assert.equal(field(out, 'Content-Range'), 'bytes */20')
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-0,2-2,4-4' })).status, 416)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-0,2-2' })).status, 206)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=5-2' })).status, 200)
  assert.equal((await ask(t, proxy, '/r', { Range: 'items=0-1' })).status, 200)
})

test('If-Range: the range only when the client\u2019s copy is the stored one', async (t) => {
  const { proxy } = await stored(t)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-1', 'If-Range': '"r1"' })).status, 206)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-1', 'If-Range': '"old"' })).status, 200)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-1', 'If-Range': LAST_MODIFIED })).status, 206)
  assert.equal((await ask(t, proxy, '/r', { Range: 'bytes=0-1', 'If-Range': 'Mon, 30 Nov 2026 10:00:00 GMT' })).status, 200)
})
