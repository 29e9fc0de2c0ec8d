// Connections Sluice ends (after an error, a 408, a closing response) are freed after the linger
// time even when the client never closes its side (issue #11, item 1).
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import net from 'node:net'
import { test, type TestContext } from 'node:test'
import { bigHttpAnswer } from '../helpers/big-rules.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { holdingClients, type HeldClient } from '../helpers/held-clients.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { sleep, waitFor } from '../helpers/wait.ts'

const LINGER_MS = 200

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

/** `n` plain clients that send `bytes` and never close their side. */
function holding(t: TestContext, port: number, n: number, bytes: string): Promise<HeldClient<net.Socket>[]> {
  return holdingClients(t, n, () => net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }), 'connect', bytes)
}

test('connections ended after a 400 are freed after the linger time while the clients hold theirs', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], closeLingerMs: LINGER_MS })
  const baseline = openFds()
  const clients = await holding(t, proxy.port, 300, 'GET / HTTP/1.1\r\n\r\n')
  await waitFor(() => clients.every((c) => c.ended), 'every client to get its answer and a FIN', 5000)
  for (const c of clients) assert.match(c.received, /^HTTP\/1\.1 400 /)
  // Only the clients' own descriptors remain.
  await waitFor(() => proxy.app.openConnections === 0 && openFds() <= baseline + 300, 'the proxy to close its side', LINGER_MS + 2000)
  assert.ok(
    clients.every((c) => !c.closed),
    'the clients still hold their sockets',
  )
  assert.equal(proxy.app.stats.virtualServer('web').lingerTimeouts, 300)
  assert.equal(node.connections, 0)
})

test('a slow head that ignores its 408 and keeps sending is freed after the linger time', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { basic: { connect_timeout: 1 } }, closeLingerMs: LINGER_MS })
  const clients = await holding(t, proxy.port, 50, 'GET / HTTP/1.1\r\nHost: h\r\n')
  // One header line every 50 ms, before and after the 408 (bounded by the test's waits).
  const trickle = setInterval(() => {
    for (const c of clients) if (!c.closed) c.socket.write('X-A: b\r\n')
  }, 50)
  onCleanup(t, () => {
    clearInterval(trickle)
  })
  await waitFor(() => clients.every((c) => c.ended), 'every client to get its 408', 3000)
  for (const c of clients) assert.match(c.received, /^HTTP\/1\.1 408 /)
  await waitFor(() => proxy.app.openConnections === 0, 'the proxy to close its side', LINGER_MS + 2000)
  assert.equal(proxy.app.stats.virtualServer('web').lingerTimeouts, 50)
})

test('connections ended after a closing response are freed after the linger time', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], closeLingerMs: LINGER_MS })
  const clients = await holding(t, proxy.port, 100, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
  await waitFor(() => clients.every((c) => c.ended), 'every client to get its answer and a FIN', 5000)
  for (const c of clients) assert.match(c.received, /^HTTP\/1\.1 200 [^]*\r\n\r\nn$/)
  await waitFor(() => proxy.app.openConnections === 0, 'the proxy to close its side', LINGER_MS + 2000)
  assert.ok(clients.every((c) => !c.closed))
  assert.equal(proxy.app.stats.virtualServer('web').lingerTimeouts, 100)
})

test('a client that closes after its answer is not counted as a linger timeout', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], closeLingerMs: LINGER_MS })
  const clients = await holding(t, proxy.port, 20, 'GET / HTTP/1.1\r\n\r\n')
  for (const c of clients) c.socket.on('end', () => c.socket.end())
  await waitFor(() => proxy.app.openConnections === 0, 'every connection to close', 3000)
  await sleep(LINGER_MS + 200)
  assert.equal(proxy.app.stats.virtualServer('web').lingerTimeouts, 0)
})

/** Configuration files with rule `big`, which answers every request itself with `mib` MiB. */
function bigAnswer(mib: number): Readonly<Record<string, string>> {
  return { 'rules/big': bigHttpAnswer(mib) }
}

test('a client that pauses while the end of a closing response is queued still gets all of it', async (t) => {
  const proxy = await startProxy(t, { nodes: [], vs: { basic: { request_rules: ['big'] } }, files: bigAnswer(16), closeLingerMs: 100 })
  const socket = net.connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true })
  onCleanup(t, () => socket.destroy())
  let received = 0
  let ended = false
  socket.on('data', (b: Buffer) => (received += b.length))
  socket.on('end', () => (ended = true))
  socket.on('error', () => undefined)
  // Not reading for several linger times: the answer is written at once, most of it stays queued.
  socket.pause()
  socket.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
  await sleep(600)
  socket.resume()
  await waitFor(() => ended, 'the whole response', 5000)
  assert.ok(received > 16 * 1024 * 1024, `received ${String(received)} bytes`)
})

test('a client that never reads the end of a closing response is cut after connection.timeout', async (t) => {
  const proxy = await startProxy(t, {
    nodes: [],
    vs: { basic: { request_rules: ['big'] }, connection: { timeout: 1 } },
    files: bigAnswer(16),
    closeLingerMs: LINGER_MS,
  })
  const socket = net.connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true })
  onCleanup(t, () => socket.destroy())
  socket.on('error', () => undefined)
  socket.pause()
  socket.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
  await waitFor(() => proxy.app.openConnections === 1, 'the connection to be accepted', 1000)
  const started = performance.now()
  await waitFor(() => proxy.app.openConnections === 0, 'the proxy to give up on the client', 4000)
  assert.ok(performance.now() - started > 800, 'not before connection.timeout')
  assert.equal(proxy.app.stats.virtualServer('web').lingerTimeouts, 1)
})
