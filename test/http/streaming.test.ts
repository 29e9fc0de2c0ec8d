// Bodies stream both ways with backpressure, and upgrades become two-way tunnels.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pumpBody, startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { sleep, waitFor } from '../helpers/wait.ts'

const MB = 1024 * 1024
const TOTAL = 32 * MB
/** Loopback socket buffers plus stream buffers on three sockets stay far below this. */
const STALL_LIMIT = 16 * MB

test('a large download to a client that stops reading stalls the node, then completes', async (t) => {
  let written = 0
  let stalledAt = -1
  const node = await startHttpNode(t, 'big', (req, res) => {
    if (req.url === '/small') {
      res.end('small')
      return
    }
    res.setHeader('content-length', String(TOTAL))
    pumpBody(res, TOTAL, (n) => (written = n))
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.socket.pause()
  client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  // Wait until the node stops making progress.
  let last = -1
  for (let i = 0; i < 100 && written !== last; i++) {
    last = written
    await sleep(50)
  }
  stalledAt = written
  assert.ok(stalledAt < STALL_LIMIT, `node wrote ${stalledAt} bytes to a client that reads nothing`)
  let received = 0
  client.socket.removeAllListeners('data')
  client.socket.on('data', (c: Buffer) => (received += c.length))
  client.socket.resume()
  await waitFor(() => received >= TOTAL, 'the whole body', 10000)
  // A different client now gets the pooled connection, which must be reading again.
  const other = await RawClient.connect(t, proxy.port)
  other.write('GET /small HTTP/1.1\r\nHost: h\r\n\r\n')
  const small = await other.readResponse(3000)
  assert.equal(small.body.toString(), 'small')
  assert.equal(node.connections, 1, 'the pooled connection was reused')
  assert.equal(proxy.active(), 0)
})

test('a large upload to a node that stops reading stalls the client, then completes', async (t) => {
  let nodeReceived = 0
  let nodeReading = false
  const node = await startHttpNode(t, 'sink', (req, res) => {
    req.pause()
    req.on('data', (c: Buffer) => (nodeReceived += c.length))
    req.on('end', () => res.end(`got ${nodeReceived}`))
    const check = setInterval(() => {
      if (nodeReading) {
        clearInterval(check)
        req.resume()
      }
    }, 10)
  })
  const proxy = await startProxy(t, { nodes: [node.address], vs: { connection: { timeout: 30 } } })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${TOTAL}\r\n\r\n`)
  let sent = 0
  const piece = Buffer.alloc(64 * 1024, 0x62)
  const pump = (): void => {
    while (sent < TOTAL) {
      sent += piece.length
      if (!client.socket.write(piece)) {
        client.socket.once('drain', pump)
        return
      }
    }
  }
  pump()
  let last = -1
  for (let i = 0; i < 100 && sent !== last; i++) {
    last = sent
    await sleep(50)
  }
  assert.ok(sent < STALL_LIMIT, `client pushed ${sent} bytes to a node that reads nothing`)
  nodeReading = true
  const res = await client.readResponse(10000)
  assert.equal(res.body.toString(), `got ${TOTAL}`)
  assert.equal(proxy.active(), 0)
})

test('Upgrade: a 101 turns the connection into a tunnel both ways', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\r\n\r\n') && !got.includes('\r\n\r\nping')) {
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello')
    } else if (got.endsWith('ping')) {
      s.write('pong')
    } else if (got.endsWith('bye')) {
      s.end('closing')
    }
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n')
  const res = await client.readResponse(2000, true)
  assert.equal(res.status, 101)
  assert.deepEqual(res.headers.get('upgrade'), ['websocket'])
  assert.deepEqual(res.headers.get('connection'), ['Upgrade'])
  assert.match(node.received[0] ?? '', /\r\nUpgrade: websocket\r\n/)
  assert.match(node.received[0] ?? '', /\r\nConnection: Upgrade\r\n/)
  await waitFor(() => client.unread === 'hello', 'early tunnel bytes')
  client.write('ping')
  await waitFor(() => client.unread === 'hellopong', 'pong')
  client.write('bye')
  await client.waitEnd()
  assert.equal(client.unread, 'hellopongclosing')
  client.close()
  await waitFor(() => proxy.active() === 0, 'the node released')
})
