/**
 * Every input to the API has a size and a time bound (issue #11, items 1 and 5): JSON nesting,
 * body size, the time to send a head or a body, idle keep-alive time, and connections the
 * client never closes: their descriptors return within the configured times.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { test } from 'node:test'
import { RawClient } from '../helpers/raw-client.ts'
import { sleep, waitFor } from '../helpers/wait.ts'
import { ADMIN, basic, pick, startApi } from './harness.ts'

const V = '/api/tm/8.3/config/active'
const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, lingerMs: 200 }

function head(method: string, path: string, extra: string): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(ADMIN.user, ADMIN.password)}\r\n${extra}\r\n`
}

test('JSON nested deeper than the limit is a 400, not a stack overflow', async (t) => {
  const h = await startApi(t, {})
  const deep = `{"properties":${'['.repeat(200_000)}${']'.repeat(200_000)}}`
  const res = await h.call('PUT', `${V}/pools/deep`, deep, { contentType: 'application/json' })
  assert.equal(res.status, 400, res.text)
  assert.equal(pick(res.body, 'error', 'error_id'), 'resource.json_invalid')
  assert.match(String(pick(res.body, 'error', 'error_text')), /nests deeper than 32 levels/)
  const justOver = `{"properties":{"basic":{"nodes_table":${'['.repeat(30)}${']'.repeat(30)}}}}`
  assert.equal((await h.call('PUT', `${V}/pools/deep`, justOver, { contentType: 'application/json' })).status, 400)
  // Brackets inside strings are text, not nesting.
  const note = await h.call('PUT', `${V}/pools/deep`, { properties: { basic: { note: `[{"\\"${'['.repeat(100)}` } } })
  assert.equal(note.status, 201, note.text)
})

test('a body over 8 MiB gets 413 and the connection closes without reading the rest', async (t) => {
  const h = await startApi(t, {})
  const port = Number(new URL(h.apiUrl).port)
  const declared = await RawClient.connect(t, port)
  declared.write(head('PUT', `${V}/pools/big`, `Content-Type: application/json\r\nContent-Length: ${String(9 * 1024 * 1024)}\r\n`))
  declared.write('{"properties":')
  const refused = await declared.readResponse(3000)
  assert.equal(refused.status, 413)
  assert.deepEqual(refused.headers.get('connection'), ['close'])
  await declared.waitEnd(3000)

  const chunked = await RawClient.connect(t, port)
  chunked.write(head('PUT', `${V}/pools/big`, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'))
  const mib = Buffer.alloc(1024 * 1024, 0x20)
  for (let i = 0; i < 9 && !chunked.closed && chunked.unread === ''; i++) {
    chunked.write(`${mib.length.toString(16)}\r\n`)
    chunked.write(mib)
    chunked.write('\r\n')
    await sleep(20)
  }
  assert.equal((await chunked.readResponse(3000)).status, 413)
  await chunked.waitEnd(3000)
  assert.equal((await h.call('GET', `${V}/pools/big`)).status, 404)
})

test('reading a head, reading a body and idling between requests are bounded in time', async (t) => {
  const h = await startApi(t, {}, undefined, { api: { limits: SHORT } })
  const port = Number(new URL(h.apiUrl).port)
  const silent = await RawClient.connect(t, port)
  const partialHead = await RawClient.connect(t, port)
  partialHead.write('GET /api/tm/ HTTP/1.1\r\nHost: 127.')
  const partialBody = await RawClient.connect(t, port)
  partialBody.write(head('PUT', `${V}/pools/slow`, 'Content-Type: application/json\r\nContent-Length: 100\r\n'))
  partialBody.write('{"properties":')
  const idle = await RawClient.connect(t, port)
  idle.write(head('GET', '/api/tm/', ''))
  assert.equal((await idle.readResponse()).status, 200)
  for (const [what, client] of [['silent', silent], ['partial head', partialHead], ['partial body', partialBody], ['idle keep-alive', idle]] as const) {
    await client.waitEnd(3000).catch(() => assert.fail(`${what}: the connection was still open after 3 s`))
  }
  assert.equal((await h.call('GET', `${V}/pools/slow`)).status, 404)
})

test('connections the client never closes are freed: descriptors return to where they were', async (t) => {
  const h = await startApi(t, {}, undefined, { api: { limits: SHORT } })
  const port = new URL(h.apiUrl).port
  const fds = () => readdirSync('/proc/self/fd').length
  // The clients live in another process, so this process's descriptors are the server's own.
  const script = `
    const net = require('node:net')
    const kinds = [
      'NOT HTTP AT ALL\\r\\n\\r\\n',
      'GET /nowhere HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n',
      'GET /nowhere HTTP/1.1\\r\\nHost: rebind.attacker.example\\r\\n\\r\\n',
      'GET /api/tm/ HTTP/1.1\\r\\nHost: 127.',
      '',
    ]
    let open = 0
    for (let i = 0; i < 40; i++) {
      const s = net.connect({ host: '127.0.0.1', port: ${port}, allowHalfOpen: true }, () => {
        s.write(kinds[i % kinds.length])
        if (++open === 40) process.stdout.write('ready\\n')
      })
      s.on('error', () => {})
      s.on('data', () => {})
    }
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  const base = fds()
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  await waitFor(() => out.includes('ready'), 'the clients to connect', 5000)
  // Some are refused at once; those that wait for more (a head, a keep-alive request) stay a while.
  await waitFor(() => fds() >= base + 16, 'the server to hold the waiting connections', 3000)
  // Head 300 ms, linger 200 ms, checked every 75 ms: everything is gone well within 3 s.
  await waitFor(() => fds() <= base, 'the server to free every connection', 3000).catch(() => {
    assert.fail(`${String(fds() - base)} descriptors still open`)
  })
})
