// HTTP/2 towards clients: h2c with prior knowledge on a plain virtual server, ALPN h2 on a TLS
// one; each stream is a transaction to an HTTP/1.1 node, with bodies both ways.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

/** Answers with what it received: method, path, HTTP version, length framing and body. */
async function echoNode(t: Parameters<typeof startHttpNode>[0]) {
  return startHttpNode(t, 'echo', (req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const body = Buffer.concat(parts)
      res.setHeader('x-seen', `${req.method ?? ''} ${req.url ?? ''} ${req.httpVersion} ${req.headers['transfer-encoding'] ?? 'length'} ${req.headers.host ?? ''} ${req.headers.cookie ?? '-'}`)
      res.setHeader('connection', 'keep-alive')
      res.end(body.length === 0 ? 'empty' : body)
    })
  })
}

test('h2c with prior knowledge: requests on concurrent streams reach an HTTP/1.1 node', async (t) => {
  const node = await echoNode(t)
  const proxy = await startProxy(t, { nodes: [node.address] })
  const session = await h2Session(t, proxy.url)
  const gets = await Promise.all([1, 2, 3, 4, 5].map((i) => h2Request(session, { ':path': `/get/${i}`, cookie: ['a=1', 'b=2'] })))
  for (const [i, r] of gets.entries()) {
    assert.equal(r.status, 200)
    assert.equal(r.headers['x-seen'], `GET /get/${i + 1} 1.1 length 127.0.0.1:${proxy.port} a=1; b=2`)
    assert.equal(r.headers.connection, undefined, 'connection-specific fields are not sent on HTTP/2')
    assert.equal(r.body.toString(), 'empty')
  }
  const sized = await h2Request(session, { ':method': 'POST', ':path': '/sized', 'content-length': '5' }, 'hello')
  assert.equal(sized.headers['x-seen'], `POST /sized 1.1 length 127.0.0.1:${proxy.port} -`)
  assert.equal(sized.body.toString(), 'hello')
  const big = Buffer.alloc(300_000, 0x62)
  const streamed = await h2Request(session, { ':method': 'POST', ':path': '/streamed' }, big)
  assert.equal(streamed.headers['x-seen'], `POST /streamed 1.1 chunked 127.0.0.1:${proxy.port} -`)
  assert.equal(streamed.body.length, big.length)
  assert.ok(streamed.body.equals(big))
  assert.equal(node.requests, 7)
})

test('a chunked node response reaches an HTTP/2 client de-chunked, trailers as trailing HEADERS', async (t) => {
  const node = await startHttpNode(t, 'chunky', (req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' })
    res.write('part one, ')
    setTimeout(() => {
      res.addTrailers({ 'x-sum': '42' })
      res.end('part two')
    }, 20)
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const session = await h2Session(t, proxy.url)
  const r = await h2Request(session, { ':path': '/' })
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'part one, part two')
  assert.equal(r.trailers?.['x-sum'], '42')
})

test('with http2.enabled off a plain virtual server answers the preface as a bad HTTP/1.1 request', async (t) => {
  const node = await echoNode(t)
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { enabled: false } } })
  let status = 0
  try {
    const session = await h2Session(t, proxy.url)
    status = (await h2Request(session, { ':path': '/' }, null, 2000)).status
  } catch {
    // The connection fails: the HTTP/1.1 codec answered the preface with 400 and closed.
  }
  assert.equal(status, 0, 'no HTTP/2 response')
  assert.equal(node.requests, 0)
})

test('no node: the stream gets the error page as an HTTP/2 response, the connection carries on', async (t) => {
  const proxy = await startProxy(t, { nodes: ['127.0.0.1:1'] })
  const session = await h2Session(t, proxy.url)
  const r = await h2Request(session, { ':path': '/' })
  assert.ok(r.status === 502 || r.status === 503, `status ${r.status}`)
  const again = await h2Request(session, { ':path': '/' })
  assert.ok(again.status === 502 || again.status === 503)
  assert.equal(session.closed, false)
})
