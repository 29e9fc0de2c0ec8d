// UDP virtual servers: request/response datagrams back to the right client, session ends, and
// DNS over UDP and TCP with a real client (dig from bind9-dnsutils).
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { createSocket, type Socket as DgramSocket } from 'node:dgram'
import { onCleanup } from '../helpers/cleanup.ts'
import { sleep, waitFor } from '../helpers/wait.ts'
import { loadConfigFromObjects } from '../../src/config/index.ts'
import { poolObj, startApp, vsObj } from '../tls/start-app.ts'
import type { App } from '../../src/app.ts'
import { startDnsNode, startDnsTcpNode } from './dns-node.ts'
import { boundPort } from '../helpers/bound-port.ts'

function hasDig(): boolean {
  try {
    execFileSync('dig', ['-v'], { stdio: 'pipe' })
    return true
  } catch {
    // Not installed: the dig tests are skipped.
    return false
  }
}

function dig(port: number, name: string, extra: readonly string[] = []): Promise<string> {
  return new Promise((resolve) => {
    execFile('dig', [`@127.0.0.1`, '-p', String(port), name, 'A', '+short', '+tries=1', '+time=2', ...extra], { timeout: 8000 }, (_e, stdout) => {
      resolve(stdout.trim())
    })
  })
}

async function udpEchoNode(t: TestContext, name: string, replies = 1): Promise<{ address: string; seen: number }> {
  const socket = createSocket('udp4')
  const node = { address: '', seen: 0 }
  socket.on('message', (msg, from) => {
    node.seen++
    for (let i = 0; i < replies; i++) socket.send(`${name}:${msg.toString()}`, from.port, from.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => socket.close(() => { resolve(); })))
  node.address = `127.0.0.1:${String(socket.address().port)}`
  return node
}

async function client(t: TestContext): Promise<DgramSocket> {
  const s = createSocket('udp4')
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => s.close(() => { resolve(); })))
  return s
}

function ask(s: DgramSocket, port: number, text: string, limitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no reply to ${text}`))
    }, limitMs)
    s.once('message', (msg) => {
      clearTimeout(timer)
      resolve(msg.toString())
    })
    s.send(text, port, '127.0.0.1')
  })
}

function active(app: App): number {
  let n = 0
  for (const node of app.snapshot?.pools.get('p')?.nodes ?? []) n += node.status.activeConnections
  return n
}

test('udp: each client gets its own replies; a session ends after the expected replies', async (t) => {
  const n1 = await udpEchoNode(t, 'n1')
  const n2 = await udpEchoNode(t, 'n2')
  const app = await startApp(t, { 'pools/p': poolObj([n1.address, n2.address]), 'virtual_servers/u': vsObj(0, 'udp', 'p') })
  const port = boundPort(app, 'u')
  const clients = await Promise.all([client(t), client(t), client(t), client(t)])
  const answers = await Promise.all(clients.map((c, i) => ask(c, port, `q${String(i)}`)))
  for (const [i, a] of answers.entries()) assert.match(a, new RegExp(`^n[12]:q${String(i)}$`))
  assert.equal(n1.seen + n2.seen, 4)
  assert.ok(n1.seen > 0 && n2.seen > 0)
  await waitFor(() => active(app) === 0, 'every session to end after its reply')
})

test('udp: response_datagrams_expected -1 keeps the session until udp.timeout', async (t) => {
  const n1 = await udpEchoNode(t, 'n1', 2)
  const app = await startApp(t, {
    'pools/p': poolObj([n1.address]),
    'virtual_servers/u': vsObj(0, 'udp', 'p', { udp: { response_datagrams_expected: -1, timeout: 1 } }),
  })
  const port = boundPort(app, 'u')
  const c = await client(t)
  const got: string[] = []
  c.on('message', (m) => got.push(m.toString()))
  c.send('a', port, '127.0.0.1')
  await waitFor(() => got.length === 2, 'two replies')
  c.send('b', port, '127.0.0.1')
  await waitFor(() => got.length === 4, 'two more replies on the same session')
  assert.deepEqual(got, ['n1:a', 'n1:a', 'n1:b', 'n1:b'])
  assert.equal(active(app), 1)
  await waitFor(() => active(app) === 0, 'the idle session to time out', 3000)
})

test('dns: dig queries are balanced per query across nodes', { skip: hasDig() ? false : 'dig is not installed' }, async (t) => {
  const n1 = await startDnsNode(t, '10.0.0.1')
  const n2 = await startDnsNode(t, '10.0.0.2')
  const app = await startApp(t, { 'pools/p': poolObj([n1.address, n2.address]), 'virtual_servers/d': vsObj(0, 'dns', 'p') })
  const port = boundPort(app, 'd')
  const answers = [await dig(port, 'a.test'), await dig(port, 'b.test'), await dig(port, 'c.test'), await dig(port, 'd.test')]
  assert.deepEqual([...answers].sort(), ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.2'])
  assert.equal(n1.queries, 2)
  assert.equal(n2.queries, 2)
  await waitFor(() => active(app) === 0, 'every query to be finished')
})

test('dns: a node that never answers times out the query and frees it', async (t) => {
  const silent = await startDnsNode(t, '10.0.0.9', true)
  const app = await startApp(t, { 'pools/p': poolObj([silent.address]), 'virtual_servers/d': vsObj(0, 'dns', 'p', { udp: { timeout: 1 } }) })
  const port = boundPort(app, 'd')
  const c = await client(t)
  const query = Buffer.from('12340100000100000000000001610474657374000001000' + '1', 'hex')
  c.send(query, port, '127.0.0.1')
  await waitFor(() => silent.queries === 1 && active(app) === 1, 'the query to reach the node')
  await waitFor(() => active(app) === 0, 'the query to time out', 3000)
})

test('dns_tcp: dig +tcp through a length-prefixed DNS virtual server', { skip: hasDig() ? false : 'dig is not installed' }, async (t) => {
  const node = await startDnsTcpNode(t, '10.0.0.7')
  const started = await startApp(t, { 'pools/p': poolObj([node.address]), 'virtual_servers/d': vsObj(0, 'dns_tcp', 'p') })
  const port = boundPort(started, 'd')
  assert.equal(await dig(port, 'tcp.test', ['+tcp']), '10.0.0.7')
  assert.equal(node.queries, 1)
})

test('a reply that arrives after its virtual server was removed is dropped without harm', async (t) => {
  const socket = createSocket('udp4')
  let seen = 0
  socket.on('message', (msg, from) => {
    seen++
    setTimeout(() => {
      socket.send(`late:${msg.toString()}`, from.port, from.address)
    }, 200)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => socket.close(() => { resolve(); })))
  const nodeAddress = `127.0.0.1:${String(socket.address().port)}`
  const app = await startApp(t, { 'pools/p': poolObj([nodeAddress]), 'virtual_servers/u': vsObj(0, 'udp', 'p') })
  const port = boundPort(app, 'u')
  const c = await client(t)
  c.send('x', port, '127.0.0.1')
  await waitFor(() => seen === 1, 'the node to get the datagram')
  const next = loadConfigFromObjects({ 'pools/p': poolObj([nodeAddress]), 'virtual_servers/u2': vsObj(0, 'udp', 'p') })
  if (!next.ok) assert.fail('bad test configuration')
  assert.equal((await app.apply(next.value)).ok, true)
  const other = boundPort(app, 'u2')
  await sleep(300)
  assert.equal(active(app), 0)
  assert.equal(await ask(c, other, 'y'), 'late:y')
})
