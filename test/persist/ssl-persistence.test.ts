// `ssl` session persistence (issue #17 item 4): a client that resumes its TLS session comes back
// to the node it had, on a virtual server that decrypts (HTTPS, and decrypted TCP) and on SSL
// pass-through to nodes that terminate TLS themselves. TLS 1.2: TLS 1.3 names no session.
import { after, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { constants } from 'node:crypto'
import { connect, createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { makePki } from '../tls/pki.ts'
import { obj, poolObj, serverKeyObj, startApp, vsObj } from '../tls/start-app.ts'
import { readAll } from '../tls/tls-client.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())
const cert = pki?.server(['main.test'])

/** One request over a new TLS 1.2 connection, resuming `session` when given; the body and the session to resume next. */
async function ask(t: TestContext, port: number, session: Buffer | undefined): Promise<{ body: string; session: Buffer | undefined; reused: boolean }> {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion: 'TLSv1.2', servername: 'main.test', ...(session === undefined ? {} : { session }) })
  onCleanup(t, () => socket.destroy())
  let next: Buffer | undefined
  socket.on('session', (s: Buffer) => {
    next = s
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve)
    socket.once('error', reject)
  })
  const reused = socket.isSessionReused()
  socket.write('GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n')
  const text = await readAll(socket)
  return { body: text.slice(text.indexOf('\r\n\r\n') + 4), session: next ?? session, reused }
}

test('HTTPS: a resumed TLS session keeps its node; a new session is balanced', { skip: cert === undefined }, async (t) => {
  if (cert === undefined) return
  const nodes = await Promise.all(['a', 'b', 'c'].map((n) => startHttpNode(t, n)))
  const started = await startApp(t, {
    'ssl/server_keys/main': serverKeyObj(cert.cert, cert.key),
    'persistence/tls': obj({ basic: { type: 'ssl' } }),
    'pools/p': poolObj(nodes.map((n) => n.address), { basic: { persistence_class: 'tls' } }),
    'virtual_servers/web': vsObj(0, 'https', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'main' } }),
  })
  const port = boundPort(started, 'web')
  const first = await ask(t, port, undefined)
  assert.ok(first.session !== undefined)
  for (let i = 0; i < 6; i++) {
    const again = await ask(t, port, first.session)
    assert.ok(again.reused, 'the session was resumed')
    assert.equal(again.body, first.body, `resumption ${String(i)} keeps the node`)
  }
  // Without the session, round robin goes on to the other nodes.
  const fresh = new Set<string>()
  for (let i = 0; i < 3; i++) fresh.add((await ask(t, port, undefined)).body)
  assert.equal(fresh.size, 3)
})

/** A TLS 1.2 node answering its name, with a session cache and no tickets (session IDs name sessions). */
async function tlsNode(t: TestContext, name: string): Promise<string> {
  if (cert === undefined) return ''
  const cache = new Map<string, Buffer>()
  const server = createTlsServer({ key: cert.key, cert: cert.cert, maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET }, (s: TLSSocket) => {
    s.on('error', () => undefined)
    s.on('data', () => {
      s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${String(name.length)}\r\nConnection: close\r\n\r\n${name}`)
    })
  })
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    cache.set(id.toString('hex'), data)
    done()
  })
  server.on('resumeSession', (id: Buffer, done: (e: Error | null, data: Buffer | null) => void) => {
    done(null, cache.get(id.toString('hex')) ?? null)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => server.close(() => { resolve() })))
  const address = server.address()
  return `127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`
}

test('SSL pass-through: the session ID in the ClientHello finds the node whose ServerHello made it', { skip: cert === undefined }, async (t) => {
  const nodes = await Promise.all(['a', 'b', 'c'].map((n) => tlsNode(t, n)))
  const started2 = await startApp(t, {
    'persistence/tls': obj({ basic: { type: 'ssl' } }),
    'pools/p': poolObj(nodes, { basic: { persistence_class: 'tls' } }),
    'virtual_servers/pass': vsObj(0, 'ssl', 'p'),
  })
  const port = boundPort(started2, 'pass')
  const first = await ask(t, port, undefined)
  assert.ok(['a', 'b', 'c'].includes(first.body))
  for (let i = 0; i < 6; i++) {
    const again = await ask(t, port, first.session)
    assert.ok(again.reused, 'the node resumed the session: it was the same node')
    assert.equal(again.body, first.body)
  }
  const fresh = new Set<string>()
  for (let i = 0; i < 3; i++) fresh.add((await ask(t, port, undefined)).body)
  assert.equal(fresh.size, 3, 'new sessions are balanced')
})
