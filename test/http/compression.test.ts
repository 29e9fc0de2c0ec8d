// Issue #12: the compression response phase, through real sockets, with real clients decoding.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import { test, type TestContext } from 'node:test'
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib'
import { startHttpNode, startRawNode, writeRepeated, type HttpNode } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { sleep, waitFor } from '../helpers/wait.ts'
import { samples } from '../helpers/prometheus.ts'
import { renderPrometheus, virtualServerStatistics } from '../../src/stats/index.ts'

/** A 20 KB page that compresses well. */
const PAGE = Buffer.from('<p>Sluice compresses this paragraph, again and again.</p>\n'.repeat(350))

/** Answers by path: `/page` the page, other paths say what to add to the head. */
function pages(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const type = url.searchParams.get('type') ?? 'text/html; charset=utf-8'
  res.setHeader('content-type', type)
  for (const [name, value] of url.searchParams) if (name.startsWith('h-')) res.setHeader(name.slice(2), value)
  const status = Number(url.searchParams.get('status') ?? '200')
  res.statusCode = status
  const size = Number(url.searchParams.get('size') ?? String(PAGE.length))
  const body = size <= PAGE.length ? PAGE.subarray(0, size) : Buffer.alloc(size, PAGE)
  if (url.searchParams.get('chunked') === '1') {
    res.write(body.subarray(0, 100))
    res.end(body.subarray(100))
    return
  }
  if (status === 204 || status === 304) {
    res.end()
    return
  }
  res.setHeader('content-length', String(body.length))
  res.end(req.method === 'HEAD' ? undefined : body)
}

async function setup(t: TestContext, gzip: Record<string, unknown> = {}): Promise<{ node: HttpNode; proxy: Proxy }> {
  const node = await startHttpNode(t, 'pages', pages)
  const proxy = await startProxy(t, { nodes: [node.address], vs: { gzip: { enabled: true, ...gzip } } })
  return { node, proxy }
}

async function get(t: TestContext, proxy: Proxy, path: string, headers: Record<string, string> = { 'Accept-Encoding': 'gzip' }, method = 'GET') {
  const c = await RawClient.connect(t, proxy.port)
  try {
    let head = `${method} ${path} HTTP/1.1\r\nHost: h\r\n`
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
    c.write(head + '\r\n')
    return await c.readResponse(3000, method === 'HEAD')
  } finally {
    c.close()
  }
}

test('a page is gzipped, with its new length and Vary, and fetch decodes it', async (t) => {
  const { proxy } = await setup(t)
  const res = await get(t, proxy, '/page')
  assert.equal(res.status, 200)
  assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
  assert.deepEqual(res.headers.get('vary'), ['Accept-Encoding'])
  assert.equal(res.headers.get('transfer-encoding'), undefined)
  assert.deepEqual(res.headers.get('content-length'), [String(res.body.length)])
  assert.ok(res.body.length < PAGE.length / 10, `compressed to ${res.body.length} bytes`)
  assert.deepEqual(gunzipSync(res.body), PAGE)
  const fetched = await fetch(proxy.url + '/page', { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(fetched.headers.get('content-encoding'), 'gzip')
  assert.equal(await fetched.text(), PAGE.toString())
  // Counted when each response ends (the second one may still be finishing).
  const counters = proxy.app.stats.virtualServer('web')
  await waitFor(() => counters.compressedResponses === 2, 'two compressed responses counted')
  assert.equal(counters.compressionBytesSaved, 2 * (PAGE.length - res.body.length))
  const metrics = samples(renderPrometheus({ registry: proxy.app.stats, pools: new Map(), virtualServerNames: ['web'], nowMs: Date.now() }))
  assert.equal(metrics.get('sluice_virtual_server_compressed_responses_total{virtual_server="web"}'), 2)
  assert.equal(virtualServerStatistics(counters)['gzip_bytes_saved'], counters.compressionBytesSaved)
})

test('keep-alive keeps working: several compressed answers on one connection', async (t) => {
  const { node, proxy } = await setup(t)
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 3; i++) {
    c.write('GET /page HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n')
    const res = await c.readResponse(3000)
    assert.deepEqual(gunzipSync(res.body), PAGE)
  }
  c.write('GET /page HTTP/1.1\r\nHost: h\r\n\r\n')
  const plain = await c.readResponse(3000)
  assert.deepEqual(plain.body, PAGE)
  assert.deepEqual(plain.headers.get('vary'), ['Accept-Encoding'], 'an uncompressed answer varies too')
  assert.equal(c.closed || c.ended, false)
  assert.equal(node.connections, 1, 'the node connection was reused')
})

test('a chunked node body with no size is compressed as it streams (no_size), and not when no_size is off', async (t) => {
  const { proxy } = await setup(t)
  const res = await get(t, proxy, '/page?chunked=1')
  assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
  assert.deepEqual(res.headers.get('transfer-encoding'), ['chunked'])
  assert.equal(res.headers.get('content-length'), undefined)
  assert.deepEqual(gunzipSync(res.body), PAGE)
  const { proxy: strict } = await setup(t, { no_size: false })
  const plain = await get(t, strict, '/page?chunked=1')
  assert.equal(plain.headers.get('content-encoding'), undefined)
  assert.deepEqual(plain.body, PAGE)
})

test('responses that must not be compressed go out as the node sent them', async (t) => {
  const { proxy } = await setup(t)
  const cases: [string, string, Record<string, string>, string][] = [
    ['already encoded', '/page?h-content-encoding=br', { 'Accept-Encoding': 'gzip, br' }, 'GET'],
    ['no-transform', '/page?h-cache-control=public,%20no-transform', { 'Accept-Encoding': 'gzip' }, 'GET'],
    ['a Range request', '/page', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-10' }, 'GET'],
    ['206', '/page?status=206&h-content-range=bytes%200-19999/30000', { 'Accept-Encoding': 'gzip' }, 'GET'],
    ['q=0', '/page', { 'Accept-Encoding': 'gzip;q=0, identity' }, 'GET'],
    ['no Accept-Encoding', '/page', {}, 'GET'],
    ['a type not listed', '/page?type=image/png', { 'Accept-Encoding': 'gzip' }, 'GET'],
    ['below min_size', '/page?size=999', { 'Accept-Encoding': 'gzip' }, 'GET'],
  ]
  for (const [why, path, headers, method] of cases) {
    const res = await get(t, proxy, path, headers, method)
    assert.equal(res.headers.get('content-encoding')?.includes('gzip') ?? false, false, why)
    assert.equal(res.headers.get('transfer-encoding'), undefined, why)
    assert.ok(res.headers.get('content-length') !== undefined, why)
  }
  const head = await get(t, proxy, '/page', { 'Accept-Encoding': 'gzip' }, 'HEAD')
  assert.equal(head.headers.get('content-encoding'), undefined, 'HEAD')
  assert.deepEqual(head.headers.get('content-length'), [String(PAGE.length)], 'HEAD')
  for (const status of [204, 304]) {
    const res = await get(t, proxy, `/page?status=${String(status)}`)
    assert.equal(res.status, status)
    assert.equal(res.headers.get('content-encoding'), undefined, String(status))
  }
})

test('a body of up to 64 KiB is compressed whole, with a length; a larger one streams, chunked', async (t) => {
  const { proxy } = await setup(t, { max_size: 0 })
  const whole = await get(t, proxy, '/page?size=65536')
  assert.deepEqual(whole.headers.get('content-length'), [String(whole.body.length)])
  assert.deepEqual(gunzipSync(whole.body), Buffer.alloc(65536, PAGE))
  const streamed = await get(t, proxy, '/page?size=65537')
  assert.deepEqual(streamed.headers.get('transfer-encoding'), ['chunked'])
  assert.deepEqual(gunzipSync(streamed.body), Buffer.alloc(65537, PAGE))
})

test('include_mime takes full types and type/* wildcards; max_size bounds what is compressed', async (t) => {
  const { proxy } = await setup(t, { include_mime: ['application/json', 'text/*'], max_size: 15000 })
  const json = await get(t, proxy, '/page?size=12000&type=application/json')
  assert.deepEqual(json.headers.get('content-encoding'), ['gzip'])
  const css = await get(t, proxy, '/page?size=12000&type=text/css')
  assert.deepEqual(css.headers.get('content-encoding'), ['gzip'])
  const js = await get(t, proxy, '/page?size=12000&type=application/javascript')
  assert.equal(js.headers.get('content-encoding'), undefined)
  const big = await get(t, proxy, '/page?size=16000&type=text/css')
  assert.equal(big.headers.get('content-encoding'), undefined, 'above max_size')
})

test('Vary is merged, and an ETag is wrapped by default', async (t) => {
  const { proxy } = await setup(t)
  const res = await get(t, proxy, '/page?h-vary=Cookie&h-etag=%22v1%22')
  assert.deepEqual(res.headers.get('vary'), ['Cookie, Accept-Encoding'])
  assert.deepEqual(res.headers.get('etag'), ['"v1-gzip"'])
  const already = await get(t, proxy, '/page?h-vary=accept-encoding')
  assert.deepEqual(already.headers.get('vary'), ['accept-encoding'])
  const star = await get(t, proxy, '/page?h-vary=*')
  assert.deepEqual(star.headers.get('vary'), ['*'])
})

test('etag_rewrite: weaken, delete and ignore', async (t) => {
  for (const [how, want] of [['weaken', ['W/"v1"']], ['delete', undefined], ['ignore', ['"v1"']]] as const) {
    const { proxy } = await setup(t, { etag_rewrite: how })
    const res = await get(t, proxy, '/page?h-etag=%22v1%22')
    assert.deepEqual(res.headers.get('content-encoding'), ['gzip'])
    assert.deepEqual(res.headers.get('etag'), want, how)
  }
})

test('HTTP/1.0 clients get a streamed compressed body close-delimited; with chunk off, none when it would cost keep-alive', async (t) => {
  const { proxy } = await setup(t)
  const raw = await exchangeUntilClose(t, proxy.port, 'GET /page?chunked=1 HTTP/1.0\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n', 3000)
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split)
  assert.match(head, /Content-Encoding: gzip/)
  assert.doesNotMatch(head, /Transfer-Encoding|Content-Length/)
  assert.deepEqual(gunzipSync(Buffer.from(raw.slice(split + 4), 'latin1')), PAGE)
  // A sized page is compressed whole: it has a length, so the connection stays open.
  const c10 = await RawClient.connect(t, proxy.port)
  c10.write('GET /page HTTP/1.0\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n')
  const sized = await c10.readResponse(3000)
  assert.deepEqual(sized.headers.get('connection'), ['keep-alive'])
  assert.deepEqual(gunzipSync(sized.body), PAGE)

  const { proxy: noChunk } = await setup(t, { chunk: false })
  const c = await RawClient.connect(t, noChunk.port)
  c.write('GET /page?chunked=1 HTTP/1.0\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n')
  const kept10 = await c.readResponse(3000)
  assert.equal(kept10.headers.get('content-encoding'), undefined)
  assert.deepEqual(kept10.body, PAGE)
  const kept11 = await get(t, noChunk, '/page?chunked=1')
  assert.equal(kept11.headers.get('content-encoding'), undefined)
  assert.deepEqual((await get(t, noChunk, '/page')).headers.get('content-encoding'), ['gzip'], 'a sized page needs no chunking')
  // A connection that ends anyway can take a close-delimited compressed body.
  const closing = await exchangeUntilClose(t, noChunk.port, 'GET /page?chunked=1 HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n', 3000)
  assert.match(closing.slice(0, closing.indexOf('\r\n\r\n')), /Content-Encoding: gzip/)
})

test('brotli and zstd when offered, chosen by q-value, with gzip as the tie-break by order', async (t) => {
  const { proxy } = await setup(t, { encodings: ['zstd', 'br', 'gzip'] })
  const br = await get(t, proxy, '/page', { 'Accept-Encoding': 'gzip;q=0.5, br' })
  assert.deepEqual(br.headers.get('content-encoding'), ['br'])
  assert.deepEqual(brotliDecompressSync(br.body), PAGE)
  const zstd = await get(t, proxy, '/page', { 'Accept-Encoding': 'gzip, br, zstd' })
  assert.deepEqual(zstd.headers.get('content-encoding'), ['zstd'])
  assert.deepEqual(zstdDecompressSync(zstd.body), PAGE)
  const star = await get(t, proxy, '/page', { 'Accept-Encoding': '*;q=0.1, zstd;q=0' })
  assert.deepEqual(star.headers.get('content-encoding'), ['br'])
  const fetched = await fetch(proxy.url + '/page', { headers: { 'accept-encoding': 'br' } })
  assert.equal(await fetched.text(), PAGE.toString())
  // Streamed (no stated size) as well as whole.
  const brStream = await get(t, proxy, '/page?chunked=1', { 'Accept-Encoding': 'br' })
  assert.deepEqual(brStream.headers.get('transfer-encoding'), ['chunked'])
  assert.deepEqual(brotliDecompressSync(brStream.body), PAGE)
  const zstdStream = await get(t, proxy, '/page?chunked=1', { 'Accept-Encoding': 'zstd' })
  assert.deepEqual(zstdDecompressSync(zstdStream.body), PAGE)
  // Brotli's slowest quality never runs on the event loop: even a small sized page streams.
  const { proxy: slow } = await setup(t, { encodings: ['br'], brotli_level: 11 })
  const best = await get(t, slow, '/page', { 'Accept-Encoding': 'br' })
  assert.deepEqual(best.headers.get('transfer-encoding'), ['chunked'])
  assert.deepEqual(brotliDecompressSync(best.body), PAGE)
})

test('a node body delimited by the end of its connection is compressed as it streams', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (!got.includes('\r\n\r\n')) return
    s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n'), PAGE]))
  })
  const proxy = await startProxy(t, { nodes: [node.address], vs: { gzip: { enabled: true } } })
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 2; i++) {
    c.write('GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n')
    const res = await c.readResponse(3000)
    assert.deepEqual(res.headers.get('transfer-encoding'), ['chunked'])
    assert.deepEqual(gunzipSync(res.body), PAGE)
  }
  assert.equal(c.closed || c.ended, false, 'the client keeps its connection')
})

test('a large body is compressed as it flows: a client that stops reading stalls the node, then gets it all', async (t) => {
  const total = 32 * 1024 * 1024
  // Random bytes do not compress, so the compressed stream is as large as the body.
  const piece = randomBytes(64 * 1024)
  let written = 0
  const node = await startHttpNode(t, 'big', (_req, res) => {
    res.setHeader('content-type', 'text/plain')
    res.setHeader('content-length', String(total))
    writeRepeated(res, piece, total, (n) => (written = n))
  })
  const proxy = await startProxy(t, { nodes: [node.address], vs: { gzip: { enabled: true, max_size: 0 } } })
  const client = await RawClient.connect(t, proxy.port)
  client.socket.pause()
  client.write('GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n')
  let last = -1
  for (let i = 0; i < 100 && written !== last; i++) {
    last = written
    await sleep(50)
  }
  // Loopback socket buffers on both sides plus the compressor's own stay far below this.
  assert.ok(written < total / 2, `the node wrote ${String(written)} bytes to a client that reads nothing`)
  const parts: Buffer[] = []
  client.socket.removeAllListeners('data')
  client.socket.on('data', (chunk: Buffer) => parts.push(chunk))
  client.socket.resume()
  const ended = (): boolean => parts.length > 0 && (parts.at(-1) ?? Buffer.alloc(0)).toString('latin1').endsWith('0\r\n\r\n')
  await waitFor(ended, 'the whole body', 20000)
  const raw = Buffer.concat(parts)
  const headEnd = raw.indexOf('\r\n\r\n')
  assert.match(raw.toString('latin1', 0, headEnd), /Content-Encoding: gzip/)
  const plain = gunzipSync(dechunk(raw.subarray(headEnd + 4)))
  assert.equal(plain.length, total)
  assert.deepEqual(plain.subarray(0, piece.length), piece)
  assert.equal(proxy.active(), 0)
})

/** The body of a chunked message, from its first chunk to the last. */
function dechunk(buf: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = buf.indexOf('\r\n', at)
    const size = parseInt(buf.toString('latin1', at, eol), 16)
    if (size === 0) return Buffer.concat(parts)
    parts.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

test('a client that leaves mid-body releases the compressor and the node connection', async (t) => {
  const total = 8 * 1024 * 1024
  const piece = randomBytes(64 * 1024)
  let closed = false
  const node = await startHttpNode(t, 'big', (req, res) => {
    if (req.url === '/page') {
      pages(req, res)
      return
    }
    res.setHeader('content-type', 'text/plain')
    res.setHeader('content-length', String(total))
    res.on('close', () => (closed = true))
    writeRepeated(res, piece, total)
  })
  const proxy = await startProxy(t, { nodes: [node.address], vs: { gzip: { enabled: true, max_size: 0 } } })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n')
  await waitFor(() => client.unread.length > 100_000, 'compressed bytes')
  client.close()
  await waitFor(() => closed && proxy.active() === 0, 'the node connection to close')
  const again = await get(t, proxy, '/page')
  assert.deepEqual(gunzipSync(again.body), PAGE)
})
