// Issue #12: http.compress.enable/disable, and response rules around compression.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { startHttpNode, type NodeHandler } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { RawClient, type RawResponse } from '../helpers/raw-client.ts'

const TEXT = 'hello from the node, said many times over. '.repeat(100)

function answer(type: string, body: Buffer | string, extra: Record<string, string> = {}): NodeHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra })
    res.end(body)
  }
}

async function proxyWith(t: TestContext, handler: NodeHandler, rule: string, vs: Record<string, Record<string, unknown>>): Promise<Proxy> {
  const node = await startHttpNode(t, 'n', handler)
  return startProxy(t, { nodes: [node.address], files: { 'rules/r': rule }, vs })
}

async function get(t: TestContext, proxy: Proxy, method = 'GET', extra = ''): Promise<RawResponse> {
  const c = await RawClient.connect(t, proxy.port)
  c.write(`${method} / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n${extra}\r\n`)
  return c.readResponse(3000, method === 'HEAD')
}

test('http.compress.disable() in a request or response rule keeps the response uncompressed', async (t) => {
  for (const phase of ['request_rules', 'response_rules']) {
    const proxy = await proxyWith(t, answer('text/html', TEXT), 'http.compress.disable();', { basic: { [phase]: ['r'] }, gzip: { enabled: true } })
    const res = await get(t, proxy)
    assert.equal(res.headers.get('content-encoding'), undefined, phase)
    assert.equal(res.body.toString(), TEXT, phase)
  }
})

test('http.compress.enable() compresses past the virtual server settings, never past the HTTP rules', async (t) => {
  // gzip is off, the type is not listed and the body is below min_size.
  const small = TEXT.slice(0, 500)
  const proxy = await proxyWith(t, answer('image/svg+xml', small), 'http.compress.enable();', { basic: { response_rules: ['r'] } })
  const res = await get(t, proxy)
  assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
  assert.equal(gunzipSync(res.body).toString(), small)
  assert.equal((await get(t, proxy, 'HEAD')).headers.get('content-encoding'), undefined, 'HEAD')
  assert.equal((await get(t, proxy, 'GET', 'Range: bytes=0-9\r\n')).headers.get('content-encoding'), undefined, 'Range')
  const kept = await proxyWith(t, answer('text/html', TEXT, { 'cache-control': 'no-transform' }), 'http.compress.enable();', {
    basic: { request_rules: ['r'] },
  })
  assert.equal((await get(t, kept)).headers.get('content-encoding'), undefined, 'no-transform')
})

test('a body set by a response rule is compressed afterwards', async (t) => {
  const proxy = await proxyWith(t, answer('text/html', 'short'), '$b = ""; for ($i = 0; $i < 500; $i++) { $b = $b . "new body "; } http.setResponseBody($b);', {
    basic: { response_rules: ['r'] },
    gzip: { enabled: true },
  })
  const res = await get(t, proxy)
  assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
  assert.deepEqual(res.headers.get('content-length'), [String(res.body.length)])
  assert.equal(gunzipSync(res.body).toString(), 'new body '.repeat(500))
})

test('http.getResponseBody() sees a node-compressed body decoded, and the response is not encoded twice', async (t) => {
  const zipped = gzipSync(TEXT)
  const rule = 'if (string.contains(http.getResponseBody(), "said many times")) http.setResponseHeader("X-Saw", "plain text");'
  const proxy = await proxyWith(t, answer('text/html', zipped, { 'content-encoding': 'gzip' }), rule, {
    basic: { response_rules: ['r'] },
    gzip: { enabled: true },
  })
  const res = await get(t, proxy)
  assert.deepEqual(res.headers.get('x-saw'), ['plain text'])
  assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
  assert.deepEqual(res.body, zipped)
})

test('a virtual server pays for compression only when gzip is on or a rule may switch it on', async (t) => {
  const response = (proxy: Proxy): readonly string[] | undefined => proxy.app.snapshot?.virtualServers.get('web')?.http?.phases.response
  const plain = await proxyWith(t, answer('text/html', TEXT), 'http.setResponseHeader("X-A", "1");', { basic: { response_rules: ['r'] } })
  assert.deepEqual(response(plain), ['response-rules'])
  assert.equal(plain.app.snapshot?.virtualServers.get('web')?.http?.compression, null)
  const ruled = await proxyWith(t, answer('text/html', TEXT), 'http.compress.enable();', { basic: { request_rules: ['r'] } })
  assert.deepEqual(response(ruled), ['compression'])
  const none = await proxyWith(t, answer('text/html', TEXT), 'http.compress.enable();', {})
  assert.deepEqual(response(none), [], 'a rule that is not attached changes nothing')
})
