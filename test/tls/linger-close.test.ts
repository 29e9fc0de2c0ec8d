// Decrypted connections Sluice ends are freed after the linger time while the clients keep
// theirs open (issue #11, item 1): an HTTPS virtual server answering 400, and a decrypting TCP
// virtual server whose rule closes the connection.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect as netConnect } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import { bigStreamClose } from '../helpers/big-rules.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { freePort, startHttpNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { waitFor } from '../helpers/wait.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from './start-app.ts'

const LINGER_MS = 200
const pair = selfSigned()

interface HeldClient {
  readonly socket: TLSSocket
  received: string
  ended: boolean
}

/** `n` TLS clients that send `bytes` after the handshake and never close their side. */
async function holdingTlsClients(t: TestContext, port: number, n: number, bytes: string): Promise<HeldClient[]> {
  const clients: HeldClient[] = []
  onCleanup(t, () => {
    for (const c of clients) c.socket.destroy()
  })
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          // A half-open TCP socket underneath: the TLS socket does not answer the proxy's end with its own.
          const tcp = netConnect({ host: '127.0.0.1', port, allowHalfOpen: true })
          const socket = connect({ socket: tcp, rejectUnauthorized: false })
          const c: HeldClient = { socket, received: '', ended: false }
          clients.push(c)
          socket.on('data', (b: Buffer) => (c.received += b.toString('latin1')))
          socket.on('end', () => (c.ended = true))
          socket.once('error', reject)
          socket.once('secureConnect', () => {
            socket.off('error', reject)
            socket.on('error', () => undefined)
            socket.write(bytes)
            resolve()
          })
        }),
    ),
  )
  return clients
}

test('https: connections ended after a 400 are freed after the linger time', async (t) => {
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startHttpNode(t, 'n')
  const port = await freePort()
  const app = await startApp(
    t,
    {
      'ssl/server_keys/main': serverKeyObj(pair.cert.toString(), pair.key.toString()),
      'pools/p': poolObj([node.address]),
      'virtual_servers/web': vsObj(port, 'http', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'main' } }),
    },
    { closeLingerMs: LINGER_MS },
  )
  const clients = await holdingTlsClients(t, port, 50, 'GET / HTTP/1.1\r\n\r\n')
  await waitFor(() => clients.every((c) => c.ended), 'every client to get its 400 and the end', 5000)
  for (const c of clients) assert.match(c.received, /^HTTP\/1\.1 400 /)
  await waitFor(() => app.openConnections === 0, 'the proxy to close its side', LINGER_MS + 2000)
  assert.ok(clients.every((c) => !c.socket.destroyed), 'the clients still hold their sockets')
  assert.equal(app.stats.virtualServer('web').lingerTimeouts, 50)
})

test('decrypting TCP: a connection closed towards a client that never reads is freed after connection.timeout', async (t) => {
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startHttpNode(t, 'n')
  const port = await freePort()
  const app = await startApp(
    t,
    {
      'ssl/server_keys/main': serverKeyObj(pair.cert.toString(), pair.key.toString()),
      'pools/p': poolObj([node.address]),
      'rules/big': bigStreamClose(16),
      'virtual_servers/tcp': vsObj(port, 'client_first', 'p', {
        basic: { ssl_decrypt: true, request_rules: ['big'] },
        ssl: { server_cert_default: 'main' },
        connection: { timeout: 1 },
      }),
    },
    { closeLingerMs: LINGER_MS },
  )
  const clients = await holdingTlsClients(t, port, 3, 'hello\n')
  for (const c of clients) c.socket.pause()
  await waitFor(() => app.openConnections === 3, 'the connections to be accepted', 2000)
  await waitFor(() => app.openConnections === 0, 'the proxy to close its side', 5000)
  assert.equal(app.stats.virtualServer('tcp').lingerTimeouts, 3)
  assert.equal(node.connections, 0)
})
