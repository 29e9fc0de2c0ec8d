// Each probe against real sockets and processes on 127.0.0.1.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { ConnectProbe, HttpProbe, TcpTransactionProbe, parseNodeAddress } from '../../src/health/index.ts'
import type { ProbeTarget } from '../../src/health/index.ts'
import { closeServer, listen, refusedPort, spec, tracked, waitFor } from './helpers.ts'

function target(label: string): ProbeTarget {
  const parsed = parseNodeAddress(label)
  assert.ok(parsed.ok)
  return parsed.value
}

test('connect: passes against a listener, fails with ECONNREFUSED against a closed port', async (t) => {
  const server = net.createServer()
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new ConnectProbe(spec())
  assert.deepEqual(await probe.run(target(label), AbortSignal.timeout(500)), { ok: true, reason: `connected to ${label}` })
  const port = await refusedPort()
  const refused = await probe.run(target(`127.0.0.1:${port}`), AbortSignal.timeout(500))
  assert.equal(refused.ok, false)
  assert.match(refused.reason, /ECONNREFUSED/)
})

test('http: status and body regexes decide, with the configured path, host header and auth', async (t) => {
  const seen: { url: string | undefined; host: string | undefined; auth: string | undefined }[] = []
  let status = 200
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, host: req.headers.host, auth: req.headers.authorization })
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end('service is UP and running')
  })
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new HttpProbe(spec({ type: 'http', path: '/health?x=1', hostHeader: 'app.example', authentication: 'u:p', bodyRegex: /UP/ }))
  assert.deepEqual(await probe.run(target(label), AbortSignal.timeout(1000)), { ok: true, reason: 'status 200, body matched' })
  assert.deepEqual(seen[0], { url: '/health?x=1', host: 'app.example', auth: `Basic ${Buffer.from('u:p').toString('base64')}` })

  status = 500
  assert.deepEqual(await probe.run(target(label), AbortSignal.timeout(1000)),
    { ok: false, reason: 'status 500 did not match ^[234][0-9][0-9]$' })

  status = 200
  const down = new HttpProbe(spec({ type: 'http', bodyRegex: /DOWN/, maxResponseLen: 7 }))
  const result = await down.run(target(label), AbortSignal.timeout(1000))
  assert.deepEqual(result, { ok: false, reason: 'body did not match DOWN: "service"' })
  assert.equal(seen[2]?.host, label, 'the default Host header is the node label')
})

test('http: a node that never answers fails with a timeout reason, and its connection is closed', async (t) => {
  // Reading (and discarding) lets the server notice when the probe hangs up.
  const server = net.createServer((s) => s.resume())
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new HttpProbe(spec({ type: 'http', timeoutMs: 80 }))
  const started = performance.now()
  const result = await probe.run(target(label), AbortSignal.timeout(80))
  assert.equal(result.ok, false)
  assert.equal(result.reason, `timed out after 80 ms waiting for a response from ${label}`)
  assert.ok(performance.now() - started < 1000)
  await waitFor(() => sockets.size === 0, 'the probe to close its connection')
})

test('http: connection refused names the error', async () => {
  const port = await refusedPort()
  const result = await new HttpProbe(spec({ type: 'http' })).run(target(`127.0.0.1:${port}`), AbortSignal.timeout(500))
  assert.deepEqual(result, { ok: false, reason: `request to 127.0.0.1:${port} failed: ECONNREFUSED` })
})

test('tcp_transaction: banner match and mismatch', async (t) => {
  const server = net.createServer((s) => {
    s.end('220 mail.example ESMTP ready\r\n')
  })
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const good = new TcpTransactionProbe(spec({ type: 'tcp_transaction', responseRegex: /^220 / }))
  assert.deepEqual(await good.run(target(label), AbortSignal.timeout(1000)), { ok: true, reason: 'response matched ^220 ' })
  const bad = new TcpTransactionProbe(spec({ type: 'tcp_transaction', responseRegex: /^554 / }))
  const result = await bad.run(target(label), AbortSignal.timeout(1000))
  assert.equal(result.ok, false)
  assert.match(result.reason, /^response did not match \^554  \((peer|connection) closed\): "220 mail\.example ESMTP ready\\r\\n"$/)
})

test('tcp_transaction: writes its string, matches the reply, then sends the close string', async (t) => {
  const received: string[] = []
  const server = net.createServer((s) => {
    let text = ''
    s.setEncoding('latin1')
    s.on('data', (chunk: string) => {
      text += chunk
      if (text === 'PING\r\n') s.write('+PONG\r\n')
    })
    s.on('end', () => received.push(text))
    s.on('close', () => received.push(text))
  })
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new TcpTransactionProbe(spec({
    type: 'tcp_transaction', writeString: 'PING\r\n', responseRegex: /^\+PONG/, closeString: 'QUIT\r\n',
  }))
  assert.deepEqual(await probe.run(target(label), AbortSignal.timeout(1000)), { ok: true, reason: 'response matched ^\\+PONG' })
  await waitFor(() => received.length > 0, 'the server to see the close string')
  assert.equal(received[0], 'PING\r\nQUIT\r\n')
})

test('tcp_transaction: silence until the timeout says how much was read', async (t) => {
  const server = net.createServer((s) => s.write('hel'))
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new TcpTransactionProbe(spec({ type: 'tcp_transaction', responseRegex: /hello/, timeoutMs: 60 }))
  const result = await probe.run(target(label), AbortSignal.timeout(60))
  assert.deepEqual(result, { ok: false, reason: 'timed out after 60 ms waiting for a response matching hello (got 3 bytes)' })
  await waitFor(() => sockets.size === 0, 'the probe to close its connection')
})

test('tcp_transaction: max_response_len stops reading', async (t) => {
  const server = net.createServer((s) => s.write('x'.repeat(100)))
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const probe = new TcpTransactionProbe(spec({ type: 'tcp_transaction', responseRegex: /y/, maxResponseLen: 10 }))
  const result = await probe.run(target(label), AbortSignal.timeout(1000))
  assert.deepEqual(result, { ok: false, reason: `response did not match y (read 10 bytes): "${'x'.repeat(10)}"` })
})
