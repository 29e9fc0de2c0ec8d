// Decrypted connections Sluice ends are freed after the linger time while the clients keep
// theirs open (issue #11, item 1): an HTTPS virtual server answering 400, and a decrypting TCP
// virtual server whose rule closes the connection.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect as netConnect } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import { bigStreamClose } from '../helpers/big-rules.ts'
import { holdingClients, type HeldClient } from '../helpers/held-clients.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { waitFor } from '../helpers/wait.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from './start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const LINGER_MS = 200
const pair = selfSigned()

/** `n` TLS clients that send `bytes` after the handshake and never close their side. */
function holding(t: TestContext, port: number, n: number, bytes: string): Promise<HeldClient<TLSSocket>[]> {
  // A half-open TCP socket underneath: the TLS socket does not answer the proxy's end with its own.
  const open = () => connect({ socket: netConnect({ host: '127.0.0.1', port, allowHalfOpen: true }), rejectUnauthorized: false })
  return holdingClients(t, n, open, 'secureConnect', bytes)
}

/** An App with one decrypting virtual server `name` of `protocol` (pool `p` with one HTTP node). */
async function decryptingApp(t: TestContext, name: string, protocol: string, sections: Record<string, Record<string, unknown>>, files: Record<string, string> = {}) {
  if (pair === undefined) throw new Error('no certificate')
  const node = await startHttpNode(t, 'n')
  const app = await startApp(
    t,
    {
      ...files,
      'ssl/server_keys/main': serverKeyObj(pair.cert.toString(), pair.key.toString()),
      'pools/p': poolObj([node.address]),
      [`virtual_servers/${name}`]: vsObj(0, protocol, 'p', {
        ...sections,
        basic: { ssl_decrypt: true, ...sections['basic'] },
        ssl: { server_cert_default: 'main' },
      }),
    },
    { closeLingerMs: LINGER_MS },
  )
  return { app, port: boundPort(app, name), node }
}

test('https: connections ended after a 400 are freed after the linger time', async (t) => {
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { app, port } = await decryptingApp(t, 'web', 'http', {})
  const clients = await holding(t, port, 50, 'GET / HTTP/1.1\r\n\r\n')
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
  const { app, port, node } = await decryptingApp(
    t,
    'tcp',
    'client_first',
    { basic: { request_rules: ['big'] }, connection: { timeout: 1 } },
    { 'rules/big': bigStreamClose(16) },
  )
  const clients = await holding(t, port, 3, 'hello\n')
  for (const c of clients) c.socket.pause()
  await waitFor(() => app.openConnections === 3, 'the connections to be accepted', 2000)
  await waitFor(() => app.openConnections === 0, 'the proxy to close its side', 5000)
  assert.equal(app.stats.virtualServer('tcp').lingerTimeouts, 3)
  assert.equal(node.connections, 0)
})
