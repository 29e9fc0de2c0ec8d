// Generic TCP virtual servers: client-first, server-first (with and without our own banner),
// half-close, retries, timeouts for silent and garbage clients, backpressure, failure pools.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { startRawNode, closedPort } from '../helpers/nodes.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { waitFor } from '../helpers/wait.ts'
import { poolObj, startApp, vsObj } from '../tls/start-app.ts'
import type { App } from '../../src/app.ts'
import type { PoolRuntime } from '../../src/pool/index.ts'
import { boundPort } from '../helpers/bound-port.ts'

function open(t: TestContext, port: number): Socket {
  const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  s.on('error', () => undefined)
  onCleanup(t, () => s.destroy())
  return s
}

/**
 * Everything received until the peer closes its side (FIN or reset) or `limitMs` passes. Our
 * test sockets are half-open capable, so a FIN from Sluice ends the collection.
 */
function collect(s: Socket, limitMs = 3000): Promise<{ text: string; closed: boolean; ended: boolean }> {
  return new Promise((resolve) => {
    let text = ''
    let ended = false
    const timer = setTimeout(() => {
      resolve({ text, closed: false, ended })
    }, limitMs)
    const finish = () => {
      clearTimeout(timer)
      resolve({ text, closed: true, ended })
    }
    s.on('data', (c: Buffer) => (text += c.toString('latin1')))
    s.on('end', () => {
      ended = true
      finish()
    })
    s.on('close', finish)
  })
}

function firstData(s: Socket, limitMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('no data'))
    }, limitMs)
    s.once('data', (c: Buffer) => {
      clearTimeout(timer)
      resolve(c.toString('latin1'))
    })
  })
}

function runtimeOf(app: App, pool = 'p'): PoolRuntime {
  const found = app.snapshot?.pools.get(pool)
  if (found === undefined) throw new Error(`no pool ${pool}`)
  return found.runtime
}

function activeOf(app: App, pool = 'p'): number {
  let n = 0
  for (const node of app.snapshot?.pools.get(pool)?.nodes ?? []) n += node.status.activeConnections
  return n
}

async function tcpApp(t: TestContext, protocol: string, nodes: readonly string[], sections: Record<string, Record<string, unknown>> = {}, extra: Record<string, string> = {}) {
  const app = await startApp(t, { 'pools/p': poolObj(nodes), 'virtual_servers/tcp': vsObj(0, protocol, 'p', sections), ...extra })
  const port = boundPort(app, 'tcp')
  return { app, port }
}

test('client_first: the node is contacted only once the client has spoken, then bytes flow both ways', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.write(`echo:${got}`)
  })
  const { app, port } = await tcpApp(t, 'client_first', [node.address])
  const c = open(t, port)
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(node.connections, 0)
  c.write('hello\n')
  assert.equal(await firstData(c), 'echo:hello\n')
  assert.equal(activeOf(app), 1)
  c.end()
  const rest = await collect(c)
  assert.equal(rest.closed, true)
  await waitFor(() => activeOf(app) === 0 && app.openConnections === 0, 'the transaction to end')
  const counters = app.stats.virtualServer('tcp')
  assert.equal(counters.bytesIn, 'hello\n'.length)
  assert.equal(counters.bytesOut, 'echo:hello\n'.length)
})

test('server_first: the node speaks first; with server_first_banner we greet and drop the node banner', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.write(`250 ${got}`)
  })
  node.server.on('connection', (s: Socket) => s.write('220 node ready\r\n'))
  const { port } = await tcpApp(t, 'server_first', [node.address])
  const c = open(t, port)
  assert.equal(await firstData(c), '220 node ready\r\n')
  c.write('HELO x\n')
  assert.equal(await firstData(c), '250 HELO x\n')

  const banner = await tcpApp(t, 'smtp', [node.address], { connection: { server_first_banner: '220 sluice ready' } })
  const b = open(t, banner.port)
  assert.equal(await firstData(b), '220 sluice ready\r\n')
  const before = node.connections
  b.write('EHLO y\n')
  assert.equal(await firstData(b), '250 EHLO y\n')
  assert.equal(node.connections, before + 1)
})

test('proxy_close: the client FIN reaches the node, which can still answer', async (t) => {
  let sawEnd = false
  const node = await startRawNode(t, () => undefined)
  node.server.removeAllListeners('connection')
  node.server.on('connection', (s: Socket) => {
    let got = ''
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (got += c.toString('latin1')))
    s.on('end', () => {
      sawEnd = true
      s.end(`after-fin:${got}`)
    })
  })
  const { app, port } = await tcpApp(t, 'client_first', [node.address], { tcp: { proxy_close: true } })
  const c = open(t, port)
  const result = collect(c)
  c.end('request')
  const r = await result
  assert.equal(sawEnd, true)
  assert.equal(r.text, 'after-fin:request')
  assert.equal(r.ended, true)
  await waitFor(() => activeOf(app) === 0, 'the node to be released')
})

test('without proxy_close a client FIN closes both sides', async (t) => {
  const node = await startRawNode(t, () => undefined)
  const { app, port } = await tcpApp(t, 'client_first', [node.address])
  const c = open(t, port)
  c.write('x')
  await waitFor(() => node.open === 1, 'the node connection')
  const result = collect(c)
  c.end()
  assert.equal((await result).closed, true)
  await waitFor(() => node.open === 0 && activeOf(app) === 0, 'the node connection to close')
})

test('a node that refuses is retried on another node before any data is exchanged', async (t) => {
  const dead = `127.0.0.1:${String(await closedPort())}`
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.end(`ok:${got}`)
  })
  const { app, port } = await tcpApp(t, 'client_first', [dead, node.address])
  for (let i = 0; i < 4; i++) {
    const c = open(t, port)
    c.write(`${String(i)}\n`)
    assert.equal((await collect(c)).text, `ok:${String(i)}\n`)
  }
  const deadStatus = app.snapshot?.pools.get('p')?.nodes[0]?.status
  assert.ok((deadStatus?.failures ?? 0) >= 1)
  assert.equal(activeOf(app), 0)
})

test('a pool whose nodes have all failed hands new connections to its failure pool', async (t) => {
  const dead = `127.0.0.1:${String(await closedPort())}`
  const backup = await startRawNode(t, (s) => s.end('backup'))
  const started = await startApp(t, {
    'pools/p': poolObj([dead], { basic: { failure_pool: 'b', passive_monitoring: true, node_connection_attempts: 1 } }),
    'pools/b': poolObj([backup.address]),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p'),
  })
  const port = boundPort(started, 'tcp')
  const first = open(t, port)
  first.write('a')
  // The first connection fails over within the pool (nothing else there) and is closed.
  assert.equal((await collect(first)).text, '')
  const second = open(t, port)
  second.write('b')
  assert.equal((await collect(second)).text, 'backup')
})

test('silent, stalled and garbage clients are closed; nothing leaks', async (t) => {
  const node = await startRawNode(t, () => undefined)
  const { app, port } = await tcpApp(t, 'client_first', [node.address], { basic: { connect_timeout: 1 } })
  const silent = open(t, port)
  const started = Date.now()
  assert.equal((await collect(silent, 4000)).closed, true)
  assert.ok(Date.now() - started >= 800)
  assert.equal(node.connections, 0)

  const ssl = await tcpApp(t, 'ssl', [node.address], { basic: { connect_timeout: 1 } })
  const garbage = open(t, ssl.port)
  garbage.write('GET / HTTP/1.1\r\n\r\n')
  const g = await collect(garbage, 2000)
  assert.equal(g.closed, true)
  const half = open(t, ssl.port)
  half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]))
  assert.equal((await collect(half, 4000)).closed, true)
  assert.equal(node.connections, 0)
  await waitFor(() => app.openConnections === 0 && ssl.app.openConnections === 0, 'every connection to close')
})

test('connection.timeout closes an idle relayed connection', async (t) => {
  const node = await startRawNode(t, (s) => s.write('hi'))
  const { app, port } = await tcpApp(t, 'client_first', [node.address], { connection: { timeout: 1 } })
  const c = open(t, port)
  c.write('x')
  const r = await collect(c, 4000)
  assert.equal(r.text, 'hi')
  assert.equal(r.closed, true)
  await waitFor(() => activeOf(app) === 0 && node.open === 0, 'the node connection to close')
})

test('8 MiB each way through a stream virtual server arrive intact (backpressure)', async (t) => {
  const size = 8 * 1024 * 1024
  const node = await startRawNode(t, () => undefined)
  node.server.removeAllListeners('connection')
  node.server.on('connection', (s: Socket) => {
    s.on('error', () => undefined)
    s.pipe(s)
  })
  const { port } = await tcpApp(t, 'stream', [node.address], { tcp: { proxy_close: true } })
  const c = open(t, port)
  const payload = Buffer.alloc(size)
  for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff
  const chunks: Buffer[] = []
  c.on('data', (d: Buffer) => chunks.push(d))
  const done = new Promise((r) => c.once('end', r))
  c.end(payload)
  await done
  assert.ok(Buffer.concat(chunks).equals(payload))
})

test('max_connections_per_node: a second client waits in the pool queue, then gets the node', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.write(`ok:${got}`)
  })
  const limited = await startApp(t, {
    'pools/p': poolObj([node.address], { connection: { max_connections_per_node: 1, queue_timeout: 5 } }),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p'),
  })
  const limitedPort = boundPort(limited, 'tcp')
  const first = open(t, limitedPort)
  first.write('1\n')
  assert.equal(await firstData(first), 'ok:1\n')
  const second = open(t, limitedPort)
  second.write('2\n')
  const secondReply = firstData(second, 4000)
  await waitFor(() => runtimeOf(limited).queueLength === 1, 'the second connection to be queued')
  first.end()
  assert.equal(await secondReply, 'ok:2\n')
  assert.equal(activeOf(limited), 1)
  assert.equal(runtimeOf(limited).totalQueued, 1)
})

test('a queued client that waits longer than queue_timeout is closed', async (t) => {
  const node = await startRawNode(t, () => undefined)
  const app = await startApp(t, {
    'pools/p': poolObj([node.address], { connection: { max_connections_per_node: 1, queue_timeout: 1 } }),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p'),
  })
  const port = boundPort(app, 'tcp')
  const first = open(t, port)
  first.write('1')
  await waitFor(() => node.open === 1, 'the first connection')
  const second = open(t, port)
  second.write('2')
  const r = await collect(second, 4000)
  assert.equal(r.closed, true)
  assert.equal(runtimeOf(app).queueTimeouts, 1)
  assert.equal(runtimeOf(app).queueLength, 0)
})
