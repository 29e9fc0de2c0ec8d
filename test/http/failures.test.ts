// Timeouts and failures: every one ends in a clean answer or a closed connection, never a hung
// one, and node.status.activeConnections returns to 0.
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { test } from 'node:test'
import { closedPort, replyOnHead, startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { waitFor } from '../helpers/wait.ts'

const GET = 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'

test('an incomplete request head gets 408 after basic.connect_timeout; a silent one is closed', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { basic: { connect_timeout: 1 } } })
  const started = performance.now()
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost:', 2500)
  const tookMs = performance.now() - started
  assert.match(text, /^HTTP\/1\.1 408 /)
  assert.ok(tookMs > 800 && tookMs < 2000, `took ${tookMs} ms`)
  const silent = await RawClient.connect(t, proxy.port)
  await silent.waitEnd(2500)
  assert.equal(silent.unread, '')
  assert.equal(node.connections, 0)
})

test('an idle keep-alive connection is closed after connection.keepalive_timeout', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { connection: { keepalive_timeout: 1 } } })
  const client = await RawClient.connect(t, proxy.port)
  client.write(GET)
  assert.equal((await client.readResponse()).status, 200)
  const started = performance.now()
  await client.waitEnd(2500)
  const tookMs = performance.now() - started
  assert.ok(tookMs > 800 && tookMs < 2000, `took ${tookMs} ms`)
})

test('a refused connection is retried on another node', async (t) => {
  const refused = await closedPort()
  const node = await startHttpNode(t, 'up')
  const proxy = await startProxy(t, { nodes: [`127.0.0.1:${refused}`, node.address] })
  for (let i = 0; i < 4; i++) {
    const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    assert.match(text, /^HTTP\/1\.1 200 [^]*\r\n\r\nup$/)
  }
  assert.ok(proxy.status(0).failures >= 1)
  assert.equal(proxy.active(), 0)
})

test('all nodes down: 503 or 502 with the default error page, connection usable or closed cleanly', async (t) => {
  const a = await closedPort()
  const b = await closedPort()
  const proxy = await startProxy(t, { nodes: [`127.0.0.1:${a}`, `127.0.0.1:${b}`] })
  const client = await RawClient.connect(t, proxy.port)
  client.write(GET)
  const res = await client.readResponse()
  assert.ok(res.status === 502 || res.status === 503, String(res.status))
  assert.match(res.body.toString(), /<h1>50[23] /)
  assert.equal(proxy.active(), 0)
  // Passive monitoring has not failed the nodes yet after one attempt each: the next request
  // tries again and fails the same way, on the same connection.
  client.write(GET)
  const again = await client.readResponse()
  assert.ok(again.status === 502 || again.status === 503)
  assert.equal(proxy.active(), 0)
})

test('basic.max_connection_attempts limits the nodes tried', async (t) => {
  const ports = [await closedPort(), await closedPort(), await closedPort()]
  const proxy = await startProxy(t, {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    pool: { basic: { max_connection_attempts: 2, passive_monitoring: false } },
  })
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
  assert.match(text, /^HTTP\/1\.1 502 /)
  const failures = [0, 1, 2].map((i) => proxy.status(i).failures)
  assert.equal(failures.reduce((x, y) => x + y, 0), 2, `failures per node: ${failures.join(',')}`)
  assert.equal(proxy.active(), 0)
})

test('a node that never answers gets 504 after connection.max_reply_time', async (t) => {
  const node = await startRawNode(t, () => undefined)
  const proxy = await startProxy(t, { nodes: [node.address], pool: { connection: { max_reply_time: 1 } } })
  const started = performance.now()
  const text = await exchangeUntilClose(t, proxy.port, GET, 2500)
  const tookMs = performance.now() - started
  assert.match(text, /^HTTP\/1\.1 504 /)
  assert.ok(tookMs > 800 && tookMs < 2000, `took ${tookMs} ms`)
  assert.equal(proxy.active(), 0)
  await waitFor(() => node.open === 0, 'the node connection closed')
})

test('a kept-alive node connection closed by the node is never an error for the client', async (t) => {
  // The node closes each connection shortly after answering, without saying so.
  const closing = await startRawNode(t, (s, got) => {
    if (got.endsWith('\r\n\r\n')) {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
      setTimeout(() => s.destroy(), 20)
    }
  })
  const proxy = await startProxy(t, { nodes: [closing.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 4; i++) {
    client.write(GET)
    assert.equal((await client.readResponse()).body.toString(), 'ok')
    await waitFor(() => closing.open === 0, 'the node to close its connection')
  }
  assert.equal(closing.connections, 4)
  assert.equal(proxy.active(), 0)
})

test('a reused connection the node closes as the request arrives is resent on a fresh one', async (t) => {
  // Answers the first request on a connection and closes it silently on the second: the race
  // where the node's close crosses the proxy's reuse.
  const node = await startRawNode(t, (s, got) => {
    const heads = got.split('\r\n\r\n').length - 1
    if (heads === 1 && got.endsWith('\r\n\r\n')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    else if (heads > 1) s.destroy()
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 3; i++) {
    client.write(GET)
    const res = await client.readResponse()
    assert.equal(res.status, 200, `request ${i}`)
  }
  // Each later request: the reused connection is closed under it, a fresh one answers.
  assert.equal(node.connections, 3)
  assert.equal(proxy.status(0).failures, 0, 'the node is not blamed')
  assert.equal(proxy.active(), 0)
})

test('a node that resets during a POST gives 502 and the POST is not retried', async (t) => {
  const resetting = (s: Socket) => {
    s.resetAndDestroy()
  }
  const a = await startRawNode(t, resetting)
  const b = await startRawNode(t, resetting)
  const proxy = await startProxy(t, { nodes: [a.address, b.address] })
  const text = await exchangeUntilClose(t, proxy.port, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello')
  assert.match(text, /^HTTP\/1\.1 502 /)
  assert.equal(a.requests + b.requests, 1)
  assert.equal(proxy.active(), 0)
})

test('a node that closes mid-body cuts the client off instead of hanging it', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', 'destroy'))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(t, proxy.port, GET)
  assert.match(text, /^HTTP\/1\.1 200 [^]*partial$/)
  assert.equal(proxy.active(), 0)
})

test('a response that arrives before the request body is complete is relayed, then the connection closes', async (t) => {
  const node = await startRawNode(t, (s, got, index) => {
    if (index === 0 && got.includes('\r\n\r\n') && !got.includes('done')) {
      s.end('HTTP/1.1 413 Content Too Large\r\nContent-Length: 4\r\n\r\nbig!')
    }
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\nstart')
  const res = await client.readResponse()
  assert.equal(res.status, 413)
  assert.equal(res.body.toString(), 'big!')
  assert.deepEqual(res.headers.get('connection'), ['close'])
  client.write('more body')
  await client.waitEnd()
  assert.equal(proxy.active(), 0)
})

test('extra bytes after a Content-Length body are dropped and that node connection is not reused', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforge'))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 2; i++) {
    client.write(GET)
    assert.equal((await client.readResponse()).body.toString(), 'ok')
  }
  assert.equal(client.unread, '')
  assert.equal(node.connections, 2)
})

test('a chunked response split at every byte arrives whole', async (t) => {
  const response = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'
  const node = await startRawNode(t, (s, got) => {
    if (!got.endsWith('\r\n\r\n')) return
    s.setNoDelay(true)
    let i = 0
    const next = (): void => {
      if (i < response.length) s.write(response[i++] ?? '', () => setImmediate(next))
    }
    next()
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (let round = 0; round < 2; round++) {
    client.write(GET)
    const res = await client.readResponse()
    assert.equal(res.body.toString(), 'hello world')
  }
  assert.equal(node.connections, 1, 'the connection is reused after a complete chunked body')
  assert.equal(proxy.active(), 0)
})

test('basic.max_concurrent_connections refuses connections beyond the limit', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { basic: { max_concurrent_connections: 1 } } })
  const first = await RawClient.connect(t, proxy.port)
  await waitFor(() => proxy.app.openConnections === 1, 'the first connection accepted')
  const second = await RawClient.connect(t, proxy.port)
  second.write(GET)
  await second.waitEnd()
  assert.equal(second.unread, '')
  first.write(GET)
  assert.equal((await first.readResponse()).status, 200)
})

test('app.stop(drainMs) lets an in-flight slow request finish', async (t) => {
  const node = await startHttpNode(t, 'slow', (_req, res) => {
    setTimeout(() => res.end('finished'), 300)
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write(GET)
  await waitFor(() => node.requests === 1, 'the node to get the request')
  const stopping = proxy.app.stop(3000)
  const res = await client.readResponse()
  assert.equal(res.body.toString(), 'finished')
  assert.deepEqual(res.headers.get('connection'), ['close'])
  await client.waitEnd()
  client.close()
  await stopping
  assert.equal(proxy.active(), 0)
})
