// Plain node connections read into a buffer they reuse: bytes still needed after a read (a
// write the client has not taken yet, a head split across reads) must never be overwritten.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { startRawNode, replyOnHead } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from '../tls/start-app.ts'
import { tlsConnect } from '../tls/tls-client.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { sleep } from '../helpers/wait.ts'
import { boundPort } from '../helpers/bound-port.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

test('a large body of varied bytes reaches a slow client intact, twice on one pooled connection', async (t) => {
  const body = randomBytes(6 * 1024 * 1024)
  const head = `HTTP/1.1 200 OK\r\nContent-Length: ${String(body.length)}\r\nConnection: keep-alive\r\n\r\n`
  const node = await startRawNode(t, replyOnHead(Buffer.concat([Buffer.from(head, 'latin1'), body])))
  const proxy = await startProxy(t, { nodes: [node.address] })
  for (let round = 0; round < 2; round++) {
    const client = await RawClient.connect(t, proxy.port)
    // The client reads nothing for a while, so writes to it back up and stay pending.
    client.socket.pause()
    client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    await sleep(150)
    client.socket.resume()
    const res = await client.readResponse(10000)
    assert.equal(res.status, 200)
    assert.equal(res.body.length, body.length)
    assert.equal(sha(res.body), sha(body), `round ${String(round)}: the body changed on the way`)
    assert.equal(res.headers.get('connection'), undefined)
  }
  assert.equal(node.connections, 1, 'the node connection was pooled and reused')
})

test('a response head that arrives in pieces is put together from copies', async (t) => {
  const pieces = ['HTTP/1.1 200 OK\r\nX-First: aaaaaaaaaa\r\n', 'X-Second: bbbbbbbbbb\r\nConte', 'nt-Length: 5\r\nConnection: keep-alive\r\n\r\nhello']
  const node = await startRawNode(t, (socket, got) => {
    if (!got.endsWith('\r\n\r\n')) return
    void (async () => {
      for (const p of pieces) {
        socket.write(p)
        // Each piece is its own read on the proxy's side, into the same buffer.
        await sleep(30)
      }
    })()
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  const res = await client.readResponse(3000)
  assert.equal(res.status, 200)
  assert.deepEqual(res.headers.get('x-first'), ['aaaaaaaaaa'])
  assert.deepEqual(res.headers.get('x-second'), ['bbbbbbbbbb'])
  assert.equal(res.body.toString(), 'hello')
})

test('the same through a decrypting virtual server: TLS writes to a slow client keep bytes intact', async (t) => {
  const pair = selfSigned()
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const body = randomBytes(4 * 1024 * 1024)
  const head = `HTTP/1.1 200 OK\r\nContent-Length: ${String(body.length)}\r\nConnection: keep-alive\r\n\r\n`
  const node = await startRawNode(t, replyOnHead(Buffer.concat([Buffer.from(head, 'latin1'), body])))
  const started = await startApp(t, {
    'ssl/server_keys/self': serverKeyObj(pair.cert.toString('latin1'), pair.key.toString('latin1')),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'self' } }),
  })
  const port = boundPort(started, 'web')
  for (let round = 0; round < 2; round++) {
    const socket = await tlsConnect(t, port, { rejectUnauthorized: false })
    const parts: Buffer[] = []
    socket.pause()
    socket.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    await sleep(150)
    socket.on('data', (c: Buffer) => parts.push(c))
    socket.resume()
    await new Promise((resolve) => socket.once('end', resolve))
    const all = Buffer.concat(parts)
    const at = all.indexOf('\r\n\r\n')
    assert.ok(at > 0)
    assert.equal(sha(all.subarray(at + 4)), sha(body), `round ${String(round)}: the body changed on the way`)
  }
})
