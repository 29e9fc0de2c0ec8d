// Plain client connections read into a buffer they reuse (net/owned-reads.ts): bytes still
// needed after a read (a partial head, pipelined requests, a body the node has not taken yet)
// must never be overwritten by the next read.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { test, type TestContext } from 'node:test'
import { onCleanup } from '../helpers/cleanup.ts'
import { startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { sleep } from '../helpers/wait.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

test('a request head that arrives in pieces reaches the node intact', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\r\n\r\n')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (const piece of ['GET /pieces HTTP/1.1\r\nHo', 'st: h\r\nX-One: 1111111111\r\n', 'X-Two: 2222222222\r\n\r\n']) {
    client.write(piece)
    // Each piece is its own read on the proxy's side.
    await sleep(30)
  }
  const res = await client.readResponse(3000)
  assert.equal(res.status, 200)
  const got = node.received[0] ?? ''
  assert.match(got, /^GET \/pieces HTTP\/1\.1\r\n/)
  assert.match(got, /\r\nX-One: 1111111111\r\n/)
  assert.match(got, /\r\nX-Two: 2222222222\r\n/)
})

test('pipelined requests wait intact while an earlier one is answered slowly', async (t) => {
  const answered: number[] = []
  const node = await startRawNode(t, (s, got, index) => {
    const heads = got.split('\r\n\r\n').length - 1
    while ((answered[index] ?? 0) < heads) {
      const n = (answered[index] = (answered[index] ?? 0) + 1)
      const path = /^GET (\S+)/.exec(got.split('\r\n\r\n')[n - 1] ?? '')?.[1] ?? '?'
      const reply = `HTTP/1.1 200 OK\r\nContent-Length: ${String(path.length)}\r\n\r\n${path}`
      // The first answer is late, so what follows it waits in the proxy across later reads.
      if (path === '/one') setTimeout(() => s.write(reply), 200)
      else s.write(reply)
    }
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n')
  const bodies: string[] = []
  const answer = async () => {
    const res = await client.readResponse(3000)
    assert.equal(res.status, 200)
    bodies.push(res.body.toString('latin1'))
  }
  // Both answered: the first read is done with.
  await answer()
  await answer()
  // A later read, long enough to cover every byte of the first one if it landed in place.
  client.write(`GET /three HTTP/1.1\r\nHost: h\r\nX-Pad: ${'z'.repeat(200)}\r\n\r\n`)
  await answer()
  assert.deepEqual(bodies, ['/one', '/two', '/three'])
})

/** A node that reads nothing for `stallMs`, then answers with the SHA-256 of the body. */
async function startDigestNode(t: TestContext, stallMs: number): Promise<string> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined)
    s.pause()
    let buf = Buffer.alloc(0)
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c])
      const at = buf.indexOf('\r\n\r\n')
      if (at === -1) return
      const length = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, at).toString('latin1'))?.[1] ?? '0')
      if (buf.length - at - 4 < length) return
      const digest = sha(buf.subarray(at + 4, at + 4 + length))
      s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${String(digest.length)}\r\nConnection: close\r\n\r\n${digest}`)
    })
    setTimeout(() => s.resume(), stallMs)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => {
    server.close()
  })
  const a = server.address()
  return `127.0.0.1:${String(typeof a === 'object' && a !== null ? a.port : 0)}`
}

test('a large request body reaches a node that reads slowly intact', async (t) => {
  const body = randomBytes(8 * 1024 * 1024)
  const proxy = await startProxy(t, { nodes: [await startDigestNode(t, 150)] })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: ${String(body.length)}\r\n\r\n`)
  // Many writes, so the proxy takes the body in many reads while its writes to the node back up.
  for (let at = 0; at < body.length; at += 65536) client.write(body.subarray(at, at + 65536))
  const res = await client.readResponse(10000)
  assert.equal(res.status, 200)
  assert.equal(res.body.toString('latin1'), sha(body), 'the body changed on the way')
})

test('a request body kept for a resend survives the reads that follow it', async (t) => {
  const body = randomBytes(1000)
  // Connection 0 answers the first request, then takes the PUT and closes without answering,
  // after the client's next request has been read. The proxy must resend the PUT as it was.
  const answered: number[] = []
  const node = await startRawNode(t, (s, got, index) => {
    if (index === 0) {
      if ((answered[0] ?? 0) === 0 && got.endsWith('\r\n\r\n')) {
        answered[0] = 1
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst')
      } else if (got.includes('PUT') && got.length >= got.indexOf('PUT') + body.length) {
        setTimeout(() => s.destroy(), 60)
      }
      return
    }
    // Later connections answer each complete request once, in order.
    let pos = 0
    for (let n = 0; ; n++) {
      const at = got.indexOf('\r\n\r\n', pos)
      if (at === -1) return
      const isPut = got.startsWith('PUT', pos)
      const end = at + 4 + (isPut ? body.length : 0)
      if (got.length < end) return
      if (n >= (answered[index] ?? 0)) {
        answered[index] = n + 1
        const reply = isPut ? sha(Buffer.from(got.slice(at + 4, end), 'latin1')) : 'next'
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(reply.length)}\r\n\r\n${reply}`)
      }
      pos = end
    }
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET /first HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await client.readResponse(3000)).body.toString(), 'first')
  // Head and body in one read, sent at once on the pooled connection.
  client.write(Buffer.concat([Buffer.from(`PUT /p HTTP/1.1\r\nHost: h\r\nContent-Length: ${String(body.length)}\r\n\r\n`, 'latin1'), body]))
  await sleep(20)
  // The next read; had it landed in the same buffer it would cover the body.
  client.write(`GET /next HTTP/1.1\r\nHost: h\r\nX-Pad: ${'y'.repeat(1200)}\r\n\r\n`)
  const res = await client.readResponse(3000)
  assert.equal(res.status, 200)
  assert.equal(res.body.toString('latin1'), sha(body), 'the resent body changed')
  assert.equal((await client.readResponse(3000)).body.toString(), 'next')
})
