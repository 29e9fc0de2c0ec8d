// A connection keeps the exchanges of finished streams for its next streams: whatever one stream
// left behind (a chunked answer with trailers, a request body, a stream the client cancelled)
// must not reach the streams that follow it on the same connection.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

test('streams after a chunked answer, an upload and a cancelled stream on one connection get their own answers', async (t) => {
  const node = await startHttpNode(t, 'mixed', (req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const url = req.url ?? ''
      if (url === '/slow') {
        // Answers only after the client has given up on the stream.
        setTimeout(() => res.end('late'), 200)
        return
      }
      if (url === '/chunked') {
        res.writeHead(200, { trailer: 'x-sum' })
        res.write('one,')
        res.addTrailers({ 'x-sum': '7' })
        res.end('two')
        return
      }
      res.setHeader('x-seen', `${req.method ?? ''} ${url} ${req.headers['transfer-encoding'] ?? 'length'}`)
      if (parts.length === 0) {
        res.end(`plain ${url}`)
        return
      }
      // A length-framed body in two writes, so that it reaches the proxy in two reads.
      const body = Buffer.concat(parts)
      res.setHeader('content-length', String(body.length))
      res.write(body.subarray(0, 3))
      setTimeout(() => res.end(body.subarray(3)), 20)
    })
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const session = await h2Session(t, proxy.url)

  const chunked = await h2Request(session, { ':path': '/chunked' })
  assert.equal(chunked.body.toString(), 'one,two')
  assert.equal(chunked.trailers?.['x-sum'], '7')

  const upload = await h2Request(session, { ':method': 'POST', ':path': '/up' }, 'streamed body')
  assert.equal(upload.headers['x-seen'], 'POST /up chunked')
  assert.equal(upload.body.toString(), 'streamed body')

  const cancelled = await h2Request(session, { ':path': '/slow' }, null, 50).catch((e: unknown) => e)
  assert.ok(cancelled instanceof Error, 'the client gave up on /slow')

  // Rounds of concurrent streams, each round taking the exchanges the last one left.
  for (let round = 0; round < 3; round++) {
    const answers = await Promise.all([1, 2, 3, 4].map((i) => h2Request(session, { ':path': `/r${String(round)}/${String(i)}` })))
    for (const [i, r] of answers.entries()) {
      assert.equal(r.status, 200)
      assert.equal(r.trailers, null, 'no trailers left over from the chunked answer')
      assert.equal(r.headers['x-seen'], `GET /r${String(round)}/${String(i + 1)} length`)
      assert.equal(r.body.toString(), `plain /r${String(round)}/${String(i + 1)}`)
    }
  }
  const sized = await h2Request(session, { ':method': 'POST', ':path': '/sized', 'content-length': '5' }, 'hello')
  assert.equal(sized.headers['x-seen'], 'POST /sized length')
  assert.equal(sized.body.toString(), 'hello')
})
