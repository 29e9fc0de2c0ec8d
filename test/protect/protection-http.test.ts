// Service protection classes on HTTP virtual servers, through real sockets (issue #13, item 1).
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { waitFor } from '../helpers/wait.ts'

const GET = 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'

/** A proxy whose virtual server `web` is protected by class `guard` with these sections. */
async function protectedProxy(t: TestContext, sections: Record<string, Record<string, unknown>>): Promise<Proxy & { nodeHits: () => number }> {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { basic: { protection_class: 'guard' } },
    files: { 'protection/guard': JSON.stringify({ properties: sections }) },
  })
  return { ...proxy, nodeHits: () => node.requests }
}

function refused(proxy: Proxy): Record<string, number> {
  const state = proxy.app.protection.get('guard')
  const out: Record<string, number> = {}
  for (const [reason, n] of Object.entries(state.refused)) if (n > 0) out[reason] = n
  return out
}

test('a banned address gets a 403 and the node never hears of it', async (t) => {
  const proxy = await protectedProxy(t, { access_restriction: { banned: ['10.0.0.0/8', '127.0.0.0/30'] } })
  const answer = await exchangeUntilClose(t, proxy.port, GET)
  assert.match(answer, /^HTTP\/1\.1 403 Forbidden\r\n/)
  assert.match(answer, /Connection: close/i)
  assert.equal(proxy.nodeHits(), 0)
  assert.deepEqual(refused(proxy), { banned: 1 })
})

test('an address outside the banned ranges goes through', async (t) => {
  const proxy = await protectedProxy(t, { access_restriction: { banned: ['10.0.0.0/8', '127.0.0.2', '::1/128'] } })
  const c = await RawClient.connect(t, proxy.port)
  c.write(GET)
  assert.equal((await c.readResponse()).status, 200)
  assert.deepEqual(refused(proxy), {})
})

test('with send_error_page off a refused request is dropped without an answer', async (t) => {
  const proxy = await protectedProxy(t, { access_restriction: { banned: ['127.0.0.1'] }, http: { send_error_page: false } })
  const answer = await exchangeUntilClose(t, proxy.port, GET)
  assert.equal(answer, '')
  assert.equal(proxy.nodeHits(), 0)
})

test('max_1_connections refuses the connection beyond the limit from one address', async (t) => {
  const proxy = await protectedProxy(t, { concurrent_connections: { max_1_connections: 2, min_connections: 1 } })
  const held: RawClient[] = []
  for (let i = 0; i < 2; i++) {
    const c = await RawClient.connect(t, proxy.port)
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
    held.push(c)
  }
  const third = await exchangeUntilClose(t, proxy.port, GET)
  assert.match(third, /^HTTP\/1\.1 503 /)
  assert.deepEqual(refused(proxy), { max_1_connections: 1 })
  // Once one closes, a new connection is let in again.
  held[0]?.close()
  await waitFor(() => proxy.app.protection.get('guard').connections.get('127.0.0.1') === 1, 'the closed connection to be counted out', 2000)
  const again = await RawClient.connect(t, proxy.port)
  again.write(GET)
  assert.equal((await again.readResponse()).status, 200)
})

test('max_10_connections applies above min_connections; min_connections 0 turns the limits off', async (t) => {
  const limited = await protectedProxy(t, { concurrent_connections: { max_1_connections: 10, max_10_connections: 3, min_connections: 2 } })
  for (let i = 0; i < 3; i++) {
    const c = await RawClient.connect(t, limited.port)
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
  }
  assert.match(await exchangeUntilClose(t, limited.port, GET), /^HTTP\/1\.1 503 /)
  assert.deepEqual(refused(limited), { max_10_connections: 1 })

  const open = await protectedProxy(t, { concurrent_connections: { max_1_connections: 1, min_connections: 0 } })
  for (let i = 0; i < 3; i++) {
    const c = await RawClient.connect(t, open.port)
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
  }
  assert.deepEqual(refused(open), {})
})

test('allowed addresses are exempt from connection limits and rate but not from HTTP checks', async (t) => {
  const proxy = await protectedProxy(t, {
    access_restriction: { allowed: ['127.0.0.0/8'] },
    concurrent_connections: { max_1_connections: 1, min_connections: 1 },
    connection_rate: { max_connection_rate: 1 },
    http: { max_url_length: 10 },
  })
  const a = await RawClient.connect(t, proxy.port)
  const b = await RawClient.connect(t, proxy.port)
  for (const c of [a, b, a, b]) {
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
  }
  b.write('GET /a-long-long-path HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await b.readResponse()).status, 414)
  assert.deepEqual(refused(proxy), { max_url_length: 1 })
})

test('connection_rate counts each request on a kept-alive connection', async (t) => {
  const proxy = await protectedProxy(t, { connection_rate: { max_connection_rate: 3, rate_timer: 60 } })
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 3; i++) {
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
  }
  c.write(GET)
  const fourth = await c.readResponse()
  assert.equal(fourth.status, 503)
  await c.waitEnd()
  assert.equal(proxy.nodeHits(), 3)
  assert.deepEqual(refused(proxy), { connection_rate: 1 })
})

test('connection_rate starts a new count when rate_timer has passed', async (t) => {
  const proxy = await protectedProxy(t, { connection_rate: { max_connection_rate: 1, rate_timer: 1 } })
  const c = await RawClient.connect(t, proxy.port)
  c.write(GET)
  assert.equal((await c.readResponse()).status, 200)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  c.write(GET)
  assert.equal((await c.readResponse()).status, 200)
  assert.deepEqual(refused(proxy), {})
})

test('each http check answers with its status', async (t) => {
  const proxy = await protectedProxy(t, {
    http: { max_url_length: 40, max_header_length: 60, max_request_length: 300, max_body_length: 10, reject_binary: true, check_rfc2396: true },
  })
  const cases: [string, number, string][] = [
    [`GET /${'u'.repeat(40)} HTTP/1.1\r\nHost: h\r\n\r\n`, 414, 'max_url_length'],
    [`GET / HTTP/1.1\r\nHost: h\r\nX-Long: ${'v'.repeat(60)}\r\n\r\n`, 431, 'max_header_length'],
    [`GET / HTTP/1.1\r\nHost: h\r\n${'X-A: 0123456789012345678901234567890123456789\r\n'.repeat(8)}\r\n`, 431, 'max_request_length'],
    ['POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world', 413, 'max_body_length'],
    ['GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'reject_binary'],
    ['GET /a%7 HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'check_rfc2396'],
    ['GET /a|b HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'check_rfc2396'],
  ]
  for (const [request, status, reason] of cases) {
    const answer = await exchangeUntilClose(t, proxy.port, request)
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), reason)
  }
  assert.deepEqual(refused(proxy), { max_url_length: 1, max_header_length: 1, max_request_length: 1, max_body_length: 1, reject_binary: 1, check_rfc2396: 2 })
  // A request within every limit goes through.
  const ok = await RawClient.connect(t, proxy.port)
  ok.write('POST /a/b?c=d%20e HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello')
  assert.equal((await ok.readResponse()).status, 200)
  assert.equal(proxy.nodeHits(), 1)
})

test('testing mode lets refused requests through, counts them and raises one summary event per log_time', async (t) => {
  const proxy = await protectedProxy(t, { basic: { testing: true, log_time: 60 }, access_restriction: { banned: ['127.0.0.1'] } })
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 3; i++) {
    c.write(GET)
    assert.equal((await c.readResponse()).status, 200)
  }
  assert.equal(proxy.nodeHits(), 3)
  const state = proxy.app.protection.get('guard')
  assert.equal(state.refused.banned, 1, 'the connection is checked once, on its first request')
  assert.equal(state.testingPassed, 1)
  const events = proxy.app.events.list().filter((e) => e.category === 'protection')
  assert.equal(events.length, 1)
  const [event] = events
  assert.ok(event !== undefined)
  assert.equal(event.name, 'triggersummary')
  assert.equal(event.severity, 'warn')
  assert.match(event.message, /^protection class "guard" would have refused 1 \(banned 1\), let through in testing mode; latest from 127\.0\.0\.1$/)
  assert.deepEqual(event.objects, { protection: 'guard' })
})

test('log_time 0 raises no events', async (t) => {
  const proxy = await protectedProxy(t, { basic: { log_time: 0 }, access_restriction: { banned: ['127.0.0.1'] } })
  assert.match(await exchangeUntilClose(t, proxy.port, GET), /^HTTP\/1\.1 403 /)
  assert.equal(proxy.app.events.list().filter((e) => e.category === 'protection').length, 0)
})

test('a disabled class protects nothing', async (t) => {
  const proxy = await protectedProxy(t, { basic: { enabled: false }, access_restriction: { banned: ['127.0.0.1'] } })
  const c = await RawClient.connect(t, proxy.port)
  c.write(GET)
  assert.equal((await c.readResponse()).status, 200)
})

test('linger_time bounds how long a refused client may keep its connection after the error page', async (t) => {
  // The engine's own linger time is 5 s here (the App's default); the class asks for 1 s.
  const proxy = await protectedProxy(t, { basic: { linger_time: 1 }, access_restriction: { banned: ['127.0.0.1'] } })
  const c = await RawClient.connect(t, proxy.port)
  c.write(GET)
  assert.equal((await c.readResponse()).status, 403)
  await c.waitEnd()
  const ended = performance.now()
  assert.equal(proxy.app.openConnections, 1, 'the client holds its side open')
  await waitFor(() => proxy.app.openConnections === 0, 'Sluice to close the connection', 2500)
  assert.ok(performance.now() - ended >= 800, 'not before the linger time')
})
