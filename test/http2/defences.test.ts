// HTTP/2 defences, each with the frames that attack it: the attacking connection is ended with
// the right code (or the stream refused), nothing unbounded reaches a node, and Sluice keeps
// serving other clients.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { FLAG, FRAME, RawH2, frame, getBlock, hpackString } from '../helpers/h2-frames.ts'
import { writeRepeated, startHttpNode } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { sleep, waitFor } from '../helpers/wait.ts'

const PROTOCOL_ERROR = 1
const INTERNAL_ERROR = 2
const REFUSED_STREAM = 7
const ENHANCE_YOUR_CALM = 11

/** A well-behaved client still gets an answer after an attack. */
async function stillServes(t: TestContext, proxy: Proxy): Promise<void> {
  const session = await h2Session(t, proxy.url)
  const r = await h2Request(session, { ':path': '/after' })
  assert.equal(r.status, 200)
}

/** Writes `make(i)` for i < count, waiting for drains, until the connection closes; bounded. */
async function flood(c: RawH2, count: number, make: (i: number) => Buffer): Promise<void> {
  for (let i = 0; i < count && !c.closed; i++) {
    if (!c.send(make(i))) await Promise.race([new Promise((r) => c.socket.once('drain', r)), sleep(200)])
  }
}

test('rapid reset: streams opened and cancelled at once end the connection with GOAWAY', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const c = await RawH2.open(t, proxy.port)
  const block = getBlock()
  const rst = Buffer.alloc(4)
  rst.writeUInt32BE(8)
  await flood(c, 20000, (i) => Buffer.concat([frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 2 * i + 1, block), frame(FRAME.RST_STREAM, 0, 2 * i + 1, rst)]))
  await waitFor(() => c.closed || c.goawayCode !== -1, 'the connection ended', 5000)
  // nghttp2 ends a connection over its stream-reset rate with INTERNAL_ERROR.
  assert.equal(c.goawayCode, INTERNAL_ERROR)
  assert.ok(node.requests < 20000, `${node.requests} requests reached the node`)
  await stillServes(t, proxy)
})

test('CONTINUATION flood: an endless header block ends the connection', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const c = await RawH2.open(t, proxy.port)
  // Each CONTINUATION adds a new literal field of 1 KiB, never ending the block.
  const field = Buffer.concat([Buffer.from([0x00]), hpackString('x-junk'), hpackString('j'.repeat(1024))])
  c.send(frame(FRAME.HEADERS, 0, 1, getBlock()))
  await flood(c, 50000, () => frame(FRAME.CONTINUATION, 0, 1, field))
  await waitFor(() => c.closed, 'the connection closed', 5000)
  assert.equal(node.requests, 0)
  await stillServes(t, proxy)
})

test('HPACK bomb: one indexed field repeated past the header list limit is refused', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { headers_size_limit: 16384 } } })
  const c = await RawH2.open(t, proxy.port)
  // A 4000-byte value enters the dynamic table once (index 62), then is referenced 200 times:
  // 200 bytes on the wire decode to 800 KB of fields.
  const insert = Buffer.concat([Buffer.from([0x40]), hpackString('x-bomb'), hpackString('b'.repeat(4000))])
  const refs = Buffer.alloc(200, 0x80 | 62)
  c.send(frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, Buffer.concat([getBlock(), insert, refs])))
  await waitFor(() => c.closed || c.goawayCode !== -1 || c.resets().has(1) || c.responded().has(1), 'an answer to the bomb', 5000)
  assert.equal(node.requests, 0, 'nothing reached the node')
  await stillServes(t, proxy)
})

test('SETTINGS and PING floods from a client that reads nothing end the connection', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  for (const make of [() => frame(FRAME.SETTINGS, 0, 0), () => frame(FRAME.PING, 0, 0, Buffer.alloc(8))]) {
    const c = await RawH2.open(t, proxy.port)
    c.socket.pause()
    await flood(c, 200000, make)
    c.socket.resume()
    await waitFor(() => c.closed, 'the flooding connection closed', 5000)
    // Not read, the GOAWAY may never arrive; when it does, it is nghttp2's code for a flood.
    assert.ok([-1, INTERNAL_ERROR, ENHANCE_YOUR_CALM].includes(c.goawayCode), `GOAWAY code ${c.goawayCode}`)
  }
  await stillServes(t, proxy)
})

test('empty DATA frames flood: the connection is ended after the invalid-frame allowance', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.on('data', () => undefined)
    if (req.url === '/after') {
      res.end('now')
      return
    }
    // Never answers within the test: only the flood can end the connection.
    setTimeout(() => res.end('late'), 20000).unref()
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const c = await RawH2.open(t, proxy.port)
  const post = Buffer.concat([Buffer.from([0x83, 0x86, 0x84, 0x01]), hpackString('127.0.0.1')])
  c.send(frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, post))
  await flood(c, 100000, () => frame(FRAME.DATA, 0, 1))
  await waitFor(() => c.closed || c.goawayCode !== -1, 'the connection ended', 5000)
  assert.equal(c.goawayCode, INTERNAL_ERROR)
  await stillServes(t, proxy)
})

test('too many streams: streams beyond http2.max_concurrent_streams are refused', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    setTimeout(() => res.end('slow'), 300)
  })
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { max_concurrent_streams: 2 } } })
  const c = await RawH2.open(t, proxy.port)
  await waitFor(() => c.frames.some((f) => f.type === FRAME.SETTINGS && f.flags === 0), 'the server SETTINGS')
  const block = getBlock()
  for (let i = 0; i < 4; i++) c.send(frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 2 * i + 1, block))
  c.send(frame(FRAME.SETTINGS, FLAG.ACK, 0))
  await waitFor(() => c.responded().size + c.resets().size >= 4 || c.closed, 'every stream answered or refused', 5000)
  const resets = c.resets()
  assert.equal(c.responded().has(1) && c.responded().has(3), true)
  assert.ok(resets.get(5) === REFUSED_STREAM || resets.get(5) === PROTOCOL_ERROR || c.goawayCode === PROTOCOL_ERROR, `stream 5: ${String(resets.get(5))}`)
  assert.ok(node.requests <= 2)
})

test('header list over http2.headers_size_limit: the stream gets no request through', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { headers_size_limit: 4096 } } })
  const session = await h2Session(t, proxy.url)
  const r = await h2Request(session, { ':path': '/big', 'x-big': 'v'.repeat(8000) }).catch(() => null)
  assert.ok(r === null || r.status === 0 || r.status === 431, `status ${String(r?.status)}`)
  assert.equal(node.requests, 0)
  await stillServes(t, proxy)
})

test('a slow reader: a stream whose client window stays shut stalls the node, bounded', async (t) => {
  let written = 0
  const node = await startHttpNode(t, 'big', (req, res) => {
    req.resume()
    writeRepeated(res, Buffer.alloc(64 * 1024, 0x61), 32 * 1024 * 1024, (n) => (written = n))
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const c = await RawH2.open(t, proxy.port)
  // The client never sends WINDOW_UPDATE: 65535 bytes may come, then the stream waits.
  c.send(frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, getBlock('/big')))
  let last = -1
  for (let i = 0; i < 100 && written !== last; i++) {
    last = written
    await sleep(50)
  }
  assert.ok(written < 16 * 1024 * 1024, `node wrote ${written} bytes to a client that opened no window`)
  await stillServes(t, proxy)
})
