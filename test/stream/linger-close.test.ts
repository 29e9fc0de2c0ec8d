// A TCP virtual server that closes gracefully towards a client that never reads what it was
// sent frees the connection once the queued bytes have stalled for connection.timeout
// (issue #11, item 1).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { bigStreamClose } from '../helpers/big-rules.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startRawNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

test('connections closed towards clients that never read are freed after connection.timeout', async (t) => {
  const node = await startRawNode(t, () => undefined)
  const app = await startApp(
    t,
    {
      'pools/p': poolObj([node.address]),
      'rules/big': bigStreamClose(16),
      'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { request_rules: ['big'] }, connection: { timeout: 1 } }),
    },
    { closeLingerMs: 200 },
  )
  const port = boundPort(app, 'tcp')
  const clients: Socket[] = []
  onCleanup(t, () => {
    for (const c of clients) c.destroy()
  })
  for (let i = 0; i < 5; i++) {
    const c = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
    c.on('error', () => undefined)
    c.pause()
    c.write('hello\n')
    clients.push(c)
  }
  await waitFor(() => app.openConnections === 5, 'the connections to be accepted', 2000)
  const started = performance.now()
  await waitFor(() => app.openConnections === 0, 'the proxy to close its side', 5000)
  assert.ok(performance.now() - started > 800, 'not before connection.timeout')
  assert.equal(app.stats.virtualServer('tcp').lingerTimeouts, 5)
  assert.ok(clients.every((c) => !c.destroyed))
  assert.equal(node.connections, 0)
})
